package io.hostdeck.containers;

import java.util.List;

import io.hostdeck.cgroups.CgroupRates;
import io.hostdeck.host.namespaces.Container;
import io.hostdeck.host.namespaces.NsType;
import io.hostdeck.host.procfs.ProcFs.NetDev;
import io.hostdeck.host.runtime.RuntimeContainer;

/**
 * A container as the pages show it: the kernel's facts, its live numbers from the cgroup sampler
 * (null until its cgroup has been sampled), its network counters, whether it is frozen, and what
 * its runtime's API tells of it (null when no runtime that answers claims it).
 */
public record ContainerRow(Container container, CgroupRates rates, List<NetDev> net, long uptimeSeconds, boolean frozen,
        RuntimeContainer runtime) {

    /** Its URL: {@code /containers/<runtime>/<name>} when a runtime claims it (stable across restarts), else the kernel view's. */
    public String href() {
        return runtime != null ? RuntimeRef.href(runtime) : "/containers/" + container.id();
    }

    /** What the list calls it: the runtime's name, else the kernel view's label. */
    public String label() {
        return runtime != null ? runtime.name() : container.label();
    }

    static final List<NsType> TYPES = List.of(NsType.values());

    public boolean isPrivate(NsType t) {
        return container.privateNs().containsKey(t);
    }

    public long rxBytes() {
        return net.stream().filter(n -> !n.name().equals("lo")).mapToLong(NetDev::rxBytes).sum();
    }

    public long txBytes() {
        return net.stream().filter(n -> !n.name().equals("lo")).mapToLong(NetDev::txBytes).sum();
    }

    public String uptime() {
        long s = uptimeSeconds;
        return s >= 86_400 ? s / 86_400 + " d " + s % 86_400 / 3600 + " h"
                : s >= 3600 ? s / 3600 + " h " + s % 3600 / 60 + " min" : s >= 60 ? s / 60 + " min" : s + " s";
    }
}
