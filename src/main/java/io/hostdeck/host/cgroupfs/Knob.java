package io.hostdeck.host.cgroupfs;

/** The files Hostdeck reads, by name; which hierarchy holds each depends on the layout. */
enum Knob {
    // cgroup2: v2, and the unified tree of hybrid mode (cpu.stat and pressure need no controller there)
    CGROUP_STAT("cgroup.stat", false), CPU_STAT("cpu.stat", true), CPU_PRESSURE("cpu.pressure", true),
    MEMORY_PRESSURE("memory.pressure", true), IO_PRESSURE("io.pressure", true),
    CPU_MAX("cpu.max", false), CPU_WEIGHT("cpu.weight", false), MEMORY_CURRENT("memory.current", true),
    MEMORY_MAX("memory.max", false), MEMORY_HIGH("memory.high", false), MEMORY_EVENTS("memory.events", false),
    MEMORY_STAT("memory.stat", false), MEMORY_SWAP("memory.swap.current", false), IO_STAT("io.stat", true),
    // both: the pids controller's files have the same names in v1 and v2
    PIDS_CURRENT("pids.current", true), PIDS_MAX("pids.max", false),
    // v1 controllers
    MEMORY_USAGE("memory.usage_in_bytes", true), MEMORY_LIMIT("memory.limit_in_bytes", false),
    V1_MEMORY_STAT("memory.stat", false), MEMORY_FAILCNT("memory.failcnt", false),
    OOM_CONTROL("memory.oom_control", false), MEMSW_USAGE("memory.memsw.usage_in_bytes", false),
    CFS_STAT("cpu.stat", true), CFS_QUOTA("cpu.cfs_quota_us", false), CFS_PERIOD("cpu.cfs_period_us", false),
    CPU_SHARES("cpu.shares", false), BLKIO_BYTES("blkio.throttle.io_service_bytes_recursive", true),
    // v1 cpuacct, legacy mode only; cpuacct.stat only where usage_user/usage_sys are missing (before 4.7)
    CPUACCT_USAGE("cpuacct.usage", true), CPUACCT_USER("cpuacct.usage_user", true),
    CPUACCT_SYS("cpuacct.usage_sys", true), CPUACCT_STAT("cpuacct.stat", true);

    static final int COUNT = values().length;
    static final Knob[] V2 = { CGROUP_STAT, CPU_STAT, CPU_MAX, CPU_WEIGHT, MEMORY_CURRENT, MEMORY_MAX, MEMORY_HIGH,
        MEMORY_EVENTS, MEMORY_STAT, MEMORY_SWAP, IO_STAT, PIDS_CURRENT, PIDS_MAX, CPU_PRESSURE,
        MEMORY_PRESSURE, IO_PRESSURE };

    final String file;
    /** Read on every tick while the cgroup runs (kept open then); otherwise read every few seconds. */
    final boolean everyTick;

    Knob(String file, boolean everyTick) {
        this.file = file;
        this.everyTick = everyTick;
    }
}
