package io.hostdeck.host.cgroupfs;

import java.util.List;

/**
 * One reading of a cgroup's counters and settings, the same model for cgroup v1, hybrid and v2.
 * Every value the layout cannot provide is {@code null} (shown as "—"), never zero; "max" or
 * "unlimited" is {@code null} as well for limits.
 *
 * @param path          the cgroup's path as systemd names it: "/" or "/system.slice/foo.service"
 * @param readAtNanos   System.nanoTime() when it was read, for rates
 * @param ioAtNanos     System.nanoTime() when its IO counters were read: a cgroup that runs has them
 *                      read every {@value CgroupReader#COUNTERS_SECONDS} s, not every tick, and an IO
 *                      rate is taken over the time between two reads of them
 * @param cpuUsageUsec  total CPU time (v2 cpu.stat usage_usec; v1 cpuacct.usage / 1000; hybrid: the
 *                      unified tree's cpu.stat, since v1 keeps no per-unit cpuacct there)
 * @param cpuUserUsec   user CPU time
 * @param cpuSystemUsec system CPU time
 * @param cpuPeriods    nr_periods of the CFS bandwidth control
 * @param cpuThrottled  nr_throttled
 * @param cpuThrottledUsec throttled time (v2 throttled_usec; v1 throttled_time / 1000)
 * @param cpuQuotaUsec  per period (v2 cpu.max first field; v1 cpu.cfs_quota_us); null = no quota
 * @param cpuPeriodUsec the CFS period
 * @param cpuWeight     v2 cpu.weight (1..10000)
 * @param cpuShares     v1 cpu.shares
 * @param memoryBytes   v2 memory.current; v1 memory.usage_in_bytes
 * @param memoryMax     v2 memory.max; v1 memory.limit_in_bytes (null when unlimited)
 * @param memoryHigh    v2 memory.high
 * @param memoryAnon    anon (v2 memory.stat anon; v1 memory.stat total_rss)
 * @param memoryFile    page cache (v2 file; v1 total_cache)
 * @param memoryInactiveFile page cache on the inactive list, which reclaim takes first (v2 memory.stat
 *                      inactive_file; v1 total_inactive_file); read with the other memory.stat figures
 * @param swapBytes     v2 memory.swap.current; v1 memory.memsw.usage_in_bytes - usage when present
 * @param memoryFailcnt v1 memory.failcnt
 * @param oomEvents     v2 memory.events oom; v1 memory.oom_control under_oom is a state, so null
 * @param oomKills      v2 memory.events oom_kill; v1 memory.oom_control oom_kill (kernel ≥ 4.13)
 * @param ioReadBytes   v2 io.stat rbytes summed over devices; v1 blkio.throttle.io_service_bytes_recursive Read
 * @param ioWriteBytes  the same for writes
 * @param ioDevices     the same two per block device, in the file's order (null when the file is absent,
 *                      empty before the cgroup's first block IO)
 * @param tasks         pids.current
 * @param tasksMax      pids.max (null when "max")
 * @param cpuPressure   cpu.pressure (v2, and the unified tree in hybrid mode)
 * @param memoryPressure memory.pressure
 * @param ioPressure    io.pressure
 */
public record CgroupSample(
        String path,
        long readAtNanos,
        long ioAtNanos,
        Long cpuUsageUsec,
        Long cpuUserUsec,
        Long cpuSystemUsec,
        Long cpuPeriods,
        Long cpuThrottled,
        Long cpuThrottledUsec,
        Long cpuQuotaUsec,
        Long cpuPeriodUsec,
        Long cpuWeight,
        Long cpuShares,
        Long memoryBytes,
        Long memoryMax,
        Long memoryHigh,
        Long memoryAnon,
        Long memoryFile,
        Long memoryInactiveFile,
        Long swapBytes,
        Long memoryFailcnt,
        Long oomEvents,
        Long oomKills,
        Long ioReadBytes,
        Long ioWriteBytes,
        List<IoDevice> ioDevices,
        Long tasks,
        Long tasksMax,
        Pressure cpuPressure,
        Pressure memoryPressure,
        Pressure ioPressure) {

    /** The same counters with pressure read anew at {@code atNanos}. */
    public CgroupSample withPressure(long atNanos, Pressure cpu, Pressure memory, Pressure io) {
        return new CgroupSample(path, atNanos, ioAtNanos, cpuUsageUsec, cpuUserUsec, cpuSystemUsec, cpuPeriods, cpuThrottled,
                cpuThrottledUsec, cpuQuotaUsec, cpuPeriodUsec, cpuWeight, cpuShares, memoryBytes, memoryMax, memoryHigh,
                memoryAnon, memoryFile, memoryInactiveFile, swapBytes, memoryFailcnt, oomEvents, oomKills, ioReadBytes,
                ioWriteBytes, ioDevices, tasks, tasksMax, cpu, memory, io);
    }

    /**
     * The working set as cAdvisor and the kubelet define it (what eviction and {@code kubectl top}
     * go by): the usage minus the inactive page cache, at least 0. Null when either is unknown (the
     * v2 root has no memory.current). The inactive figure comes from memory.stat, which is read every
     * {@value CgroupReader#SLOW_SECONDS} s while the cgroup runs, the usage every tick.
     */
    public Long memoryWorkingSet() {
        if (memoryBytes == null || memoryInactiveFile == null) {
            return null;
        }
        return Math.max(0, memoryBytes - memoryInactiveFile);
    }

    /**
     * One block device's share of a cgroup's IO, from the line of io.stat (v2) or the Read and Write
     * lines of blkio.throttle.io_service_bytes_recursive (v1) for that device.
     *
     * @param major      the device's major number
     * @param minor      its minor number
     * @param readBytes  bytes read from it (rbytes; v1 Read)
     * @param writeBytes bytes written to it (wbytes; v1 Write)
     */
    public record IoDevice(long major, long minor, long readBytes, long writeBytes) {

        /** "8:0", as the kernel writes a device number. */
        public String device() {
            return major + ":" + minor;
        }
    }

    /**
     * A pressure file's figures. {@code full} is null where the kernel gives only "some" (cpu.pressure
     * before 5.13).
     *
     * @param someAvg10  share of the last 10 s in which some task stalled, in percent
     * @param fullAvg10  share in which all tasks stalled, in percent
     * @param someTotalUsec total stall time, µs
     * @param fullTotalUsec total full stall time, µs
     */
    public record Pressure(double someAvg10, Double fullAvg10, long someTotalUsec, Long fullTotalUsec) {
    }
}
