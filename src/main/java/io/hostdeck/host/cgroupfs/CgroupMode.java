package io.hostdeck.host.cgroupfs;

/** How the target mounts its cgroups, as systemd names the three layouts. */
public enum CgroupMode {
    /** Only v1 hierarchies ("legacy"). */
    V1("v1 (legacy)"),
    /** Controllers on v1 hierarchies, plus a controller-less cgroup2 tree at /sys/fs/cgroup/unified. */
    HYBRID("hybrid (v1 controllers, v2 tree)"),
    /** One cgroup2 hierarchy with the controllers ("unified"). */
    V2("v2 (unified)"),
    /** No cgroup filesystem under the target root. */
    NONE("none found");

    private final String label;

    CgroupMode(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
