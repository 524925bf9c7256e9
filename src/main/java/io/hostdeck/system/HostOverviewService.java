package io.hostdeck.system;

import java.util.List;

import org.springframework.stereotype.Service;

import io.hostdeck.host.HostName;
import io.hostdeck.host.Reading;
import io.hostdeck.host.cgroupfs.CgroupFs;
import io.hostdeck.host.procfs.ProcFs;
import io.hostdeck.host.systemd.Systemd;
import io.hostdeck.host.systemd.UnitSummary;
import io.hostdeck.system.HostOverview.UnitCounts;

@Service
class HostOverviewService {

    private final Systemd systemd;
    private final ProcFs procFs;
    private final CgroupFs cgroupFs;
    private final HostName hostName;
    private final HostSampler sampler;

    HostOverviewService(Systemd systemd, ProcFs procFs, CgroupFs cgroupFs, HostName hostName, HostSampler sampler) {
        this.hostName = hostName;
        this.sampler = sampler;
        this.systemd = systemd;
        this.procFs = procFs;
        this.cgroupFs = cgroupFs;
    }

    HostOverview overview() {
        HostSampler.Now now = sampler.latest().orElse(null);
        var manager = Reading.of(systemd::manager);
        // when the manager did not answer, listing its units would only repeat the same reason
        Reading<UnitCounts> units = manager.ok() ? Reading.of(() -> count(systemd.listUnits()))
                : new Reading<>(null, manager.problem());
        return new HostOverview(
                Reading.of(hostName::get),
                Reading.of(procFs::kernelRelease),
                cgroupFs.mode(),
                manager,
                units,
                Reading.of(() -> procFs.foreignPidNamespaces().size()),
                systemd.busAddress(),
                Reading.of(() -> new HostOverview.Figures(procFs.cpuCount(), procFs.loadAverage(), procFs.uptimeSeconds(),
                        procFs.memory())),
                Reading.of(procFs::fileSystems),
                // rates from the sampler's last tick; before its first, the totals alone
                now != null ? new Reading<>(now.interfaces(), null) : Reading.of(() -> procFs.netDev(1).stream()
                        .map(n -> new HostSampler.Interface(n.name(), null, null, n.rxBytes(), n.txBytes()))
                        .sorted(java.util.Comparator.comparing((HostSampler.Interface i) -> i.name().equals("lo"))).toList()),
                now != null ? new Reading<>(now.cores(), null) : Reading.of(() -> procFs.cpuStat().cores().stream()
                        .map(c -> new HostSampler.Core(c.cpu(), null)).toList()),
                now);
    }

    private static UnitCounts count(List<UnitSummary> units) {
        int failed = (int) units.stream().filter(UnitSummary::failed).count();
        return new UnitCounts(units.size(), failed);
    }
}
