package io.hostdeck.system;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Duration;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

import io.hostdeck.cgroups.CgroupSampler;
import io.hostdeck.live.LiveHub;

/** What Hostdeck itself costs: the sampler's last pass, the history's memory, the JVM, the open pages. */
@Controller
class AboutController {

    private final CgroupSampler sampler;
    private final LiveHub hub;
    private final HostSampler host;

    AboutController(CgroupSampler sampler, LiveHub hub, HostSampler host) {
        this.sampler = sampler;
        this.hub = hub;
        this.host = host;
    }

    @GetMapping("/about")
    String about(Model model) {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        model.addAttribute("pass", sampler.lastPass());
        model.addAttribute("meanPassCpuMs", sampler.meanPassCpuNanos() / 1e6);
        model.addAttribute("meanCorePercent", sampler.meanPassCpuNanos() / sampler.interval().toNanos() * 100);
        model.addAttribute("interval", sampler.interval().toMillis());
        model.addAttribute("historyBytes", sampler.historyBytes());
        model.addAttribute("historyBound", sampler.historyBytesBound());
        model.addAttribute("hostTickCpuMs", host.meanTickCpuNanos() / 1e6);
        model.addAttribute("hostHistoryBytes", host.historyBytes());
        model.addAttribute("heapUsed", heap.getUsed());
        model.addAttribute("heapMax", heap.getMax());
        model.addAttribute("uptime", format(Duration.ofMillis(ManagementFactory.getRuntimeMXBean().getUptime())));
        model.addAttribute("java", Runtime.version().toString());
        model.addAttribute("liveSessions", hub.openSessions());
        return "system/about";
    }

    private static String format(Duration d) {
        return d.toDays() > 0 ? d.toDays() + " d " + d.toHoursPart() + " h"
                : d.toHours() > 0 ? d.toHours() + " h " + d.toMinutesPart() + " min" : d.toMinutes() + " min";
    }
}
