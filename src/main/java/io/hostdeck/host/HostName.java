package io.hostdeck.host;

import org.springframework.stereotype.Component;

import io.hostdeck.host.procfs.ProcFs;
import io.hostdeck.host.systemd.Systemd;

/** The target's name: what its users call it, shown on the home page and typed to confirm a power action. */
@Component
public class HostName {

    private final ProcFs procFs;
    private final Systemd systemd;

    public HostName(ProcFs procFs, Systemd systemd) {
        this.procFs = procFs;
        this.systemd = systemd;
    }

    /**
     * The kernel's name when we share the target's UTS namespace (free), else hostnamed's over the
     * target's bus (what hostnamectl would say there), else the target's /etc/hostname.
     *
     * @throws HostUnavailableException when none of them tells
     */
    public String get() {
        return procFs.kernelHostname()
                .or(systemd::hostname)
                .or(procFs::configuredHostname)
                .orElseThrow(() -> new HostUnavailableException("the target's hostname is unknown: not in our UTS"
                        + " namespace, no systemd-hostnamed on its bus, no /etc/hostname"));
    }
}
