package io.hostdeck.system;

import java.util.List;

import org.springframework.stereotype.Service;

import io.hostdeck.host.HostUnavailableException;
import io.hostdeck.host.Reading;
import io.hostdeck.host.cgroupfs.CgroupFs;
import io.hostdeck.host.procfs.ProcFs;
import io.hostdeck.host.systemd.Systemd;
import io.hostdeck.host.systemd.UnitSummary;
import io.hostdeck.system.HostOverview.UnitCounts;

@Service
public class HostOverviewService {

    private final Systemd systemd;
    private final ProcFs procFs;
    private final CgroupFs cgroupFs;

    HostOverviewService(Systemd systemd, ProcFs procFs, CgroupFs cgroupFs) {
        this.systemd = systemd;
        this.procFs = procFs;
        this.cgroupFs = cgroupFs;
    }

    HostOverview overview() {
        var manager = Reading.of(systemd::manager);
        // when the manager did not answer, listing its units would only repeat the same reason
        Reading<UnitCounts> units = manager.ok() ? Reading.of(() -> count(systemd.listUnits()))
                : new Reading<>(null, manager.problem());
        return new HostOverview(
                Reading.of(this::hostname),
                Reading.of(procFs::kernelRelease),
                cgroupFs.mode(),
                manager,
                units,
                Reading.of(() -> procFs.foreignPidNamespaces().size()),
                systemd.busAddress());
    }

    /**
     * The kernel's name when we share the target's UTS namespace (free), else hostnamed's over the
     * target's bus (what hostnamectl would say there), else the target's /etc/hostname.
     */
    public String hostname() {
        return procFs.kernelHostname()
                .or(systemd::hostname)
                .or(procFs::configuredHostname)
                .orElseThrow(() -> new HostUnavailableException("the target's hostname is unknown: not in our UTS"
                        + " namespace, no systemd-hostnamed on its bus, no /etc/hostname"));
    }

    private static UnitCounts count(List<UnitSummary> units) {
        int failed = (int) units.stream().filter(UnitSummary::failed).count();
        return new UnitCounts(units.size(), failed);
    }
}
