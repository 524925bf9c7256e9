package io.hostdeck.host.cgroupfs;

import static io.hostdeck.host.cgroupfs.CgroupParsers.NONE;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.hostdeck.host.cgroupfs.CgroupSample.IoDevice;
import io.hostdeck.host.cgroupfs.CgroupSample.Pressure;

/**
 * The cgroup file parsers against real kernel output. Where each fixture comes from:
 * <ul>
 * <li>V2_*: a pure cgroup v2 kernel, Debian's 6.1.0-56-amd64 booted with
 *     /work/shared/v2guest/run-in-v2-guest.sh, cgroups made by hand under /sys/fs/cgroup/hd.slice
 *     ("+cpu +memory +io +pids" in its subtree_control): busy.service ran a busy loop under
 *     cpu.max "20000 100000" with cpu.weight 200, memory.high 64M, pids.max 7; oom.service
 *     allocated past memory.max 32M until OOM-killed; io.service read and wrote /dev/vda with
 *     O_DIRECT; io2.service read and wrote /dev/vda and a loop device; plain.slice enables only
 *     "+memory +pids" for its leaf.service.</li>
 * <li>HY_* and V1_*: the testbed (systemd 252 in systemd-nspawn, hybrid: v1 controllers, cgroup2 at
 *     unified/, this machine's kernel 6.18.44, cpu and cpuacct mounted apart), read from the host under
 *     TESTBED_CGROUP_DIRS of `boot.sh probe`: hd-fx-busy.service was `systemd-run -p CPUQuota=30%
 *     -p MemoryMax=32M -p TasksMax=7 -p CPUAccounting=yes` of a busy loop; hd-fx-oom2.service ran perl
 *     allocating past MemoryMax=32M (OOM-killed; its shell lived on); hd-fx-io.service wrote and read
 *     a file. V1_CPUACCT_*: the testbed's own cpuacct cgroup (systemd makes no per-unit cpuacct
 *     cgroups with cpu and cpuacct apart). V1_BLKIO_TWO_DEVICES: a cgroup made by hand below the
 *     testbed's blkio cgroup on the host, after dd with O_DIRECT on the host disk (254:0) and a loop
 *     device (7:0); kernel 6.18 counts blkio.throttle bytes only once a throttle rule was set for
 *     the device, so a no-op read_bps_device rule was set first.</li>
 * </ul>
 */
class CgroupParsersTest {

    // ---- cgroup v2 (kernel 6.1, qemu guest)
    static final String V2_ROOT_CPU_STAT = """
            usage_usec 6984000
            user_usec 776000
            system_usec 6208000
            nr_periods 0
            nr_throttled 0
            throttled_usec 0
            nr_bursts 0
            burst_usec 0
            """;
    static final String V2_BUSY_CPU_STAT = """
            usage_usec 1029753
            user_usec 877822
            system_usec 151930
            nr_periods 54
            nr_throttled 51
            throttled_usec 4051554
            nr_bursts 0
            burst_usec 0
            """;
    /** No cpu controller in the parent's subtree_control: only the three core counters. */
    static final String V2_LEAF_CPU_STAT = """
            usage_usec 244002
            user_usec 105256
            system_usec 138746
            """;
    static final String V2_BUSY_CPU_MAX = """
            20000 100000
            """;
    /** A cgroup without a quota: hdw.slice/w.service of a second guest run, before any was set. */
    static final String V2_CPU_MAX_NONE = """
            max 100000
            """;
    static final String V2_BUSY_CPU_WEIGHT = """
            200
            """;
    static final String V2_BUSY_MEMORY_CURRENT = """
            118784
            """;
    static final String V2_BUSY_MEMORY_MAX = """
            max
            """;
    static final String V2_BUSY_MEMORY_HIGH = """
            67108864
            """;
    static final String V2_BUSY_MEMORY_EVENTS = """
            low 0
            high 0
            max 0
            oom 0
            oom_kill 0
            oom_group_kill 0
            """;
    static final String V2_BUSY_SWAP_CURRENT = """
            0
            """;
    static final String V2_BUSY_PIDS_CURRENT = """
            0
            """;
    static final String V2_BUSY_PIDS_MAX = """
            7
            """;
    static final String V2_BUSY_CPU_PRESSURE = """
            some avg10=22.63 avg60=4.67 avg300=0.99 total=2850305
            full avg10=22.51 avg60=4.64 avg300=0.99 total=2847167
            """;
    static final String V2_OOM_MEMORY_EVENTS = """
            low 0
            high 0
            max 62
            oom 1
            oom_kill 1
            oom_group_kill 0
            """;
    static final String V2_OOM_MEMORY_MAX = """
            33554432
            """;
    static final String V2_OOM_MEMORY_PRESSURE = """
            some avg10=0.09 avg60=0.02 avg300=0.00 total=41153
            full avg10=0.09 avg60=0.02 avg300=0.00 total=41153
            """;
    static final String V2_ROOT_MEMORY_STAT = """
            anon 516096
            file 8683520
            kernel 0
            kernel_stack 0
            pagetables 0
            sec_pagetables 0
            percpu 0
            sock 0
            vmalloc 0
            shmem 3526656
            zswap 0
            zswapped 0
            file_mapped 4833280
            file_dirty 0
            file_writeback 0
            swapcached 0
            anon_thp 0
            file_thp 0
            shmem_thp 0
            inactive_anon 622592
            active_anon 3391488
            inactive_file 2789376
            active_file 2367488
            unevictable 0
            slab_reclaimable 0
            slab_unreclaimable 0
            slab 0
            workingset_refault_anon 0
            workingset_refault_file 0
            workingset_activate_anon 0
            workingset_activate_file 0
            workingset_restore_anon 0
            workingset_restore_file 0
            workingset_nodereclaim 0
            pgscan 0
            pgsteal 0
            pgscan_kswapd 0
            pgscan_direct 0
            pgsteal_kswapd 0
            pgsteal_direct 0
            pgfault 3310
            pgmajfault 28
            pgrefill 0
            pgactivate 1307
            pgdeactivate 0
            pglazyfree 0
            pglazyfreed 0
            zswpin 0
            zswpout 0
            thp_fault_alloc 0
            thp_collapse_alloc 0
            """;
    static final String V2_ROOT_IO_STAT = """
            254:0 rbytes=3158016 wbytes=4194304 rios=51 wios=64 dbytes=0 dios=0
            """;
    static final String V2_ROOT_CPU_PRESSURE = """
            some avg10=3.26 avg60=0.87 avg300=0.19 total=785048
            full avg10=0.00 avg60=0.00 avg300=0.00 total=0
            """;
    static final String V2_ROOT_MEMORY_PRESSURE = """
            some avg10=0.00 avg60=0.00 avg300=0.00 total=0
            full avg10=0.00 avg60=0.00 avg300=0.00 total=0
            """;
    static final String V2_ROOT_IO_PRESSURE = """
            some avg10=0.00 avg60=0.00 avg300=0.00 total=2999
            full avg10=0.00 avg60=0.00 avg300=0.00 total=2999
            """;
    static final String V2_IO_STAT = """
            254:0 rbytes=3145728 wbytes=4194304 rios=48 wios=64 dbytes=0 dios=0
            """;
    static final String V2_IO_PRESSURE = """
            some avg10=0.12 avg60=0.02 avg300=0.00 total=37250
            full avg10=0.12 avg60=0.02 avg300=0.00 total=37250
            """;
    /** io2.service: the scratch disk and /dev/loop0 (7:0). */
    static final String V2_IO_STAT_TWO_DEVICES = """
            7:0 rbytes=1572864 wbytes=524288 rios=24 wios=8 dbytes=0 dios=0
            254:0 rbytes=1048576 wbytes=2097152 rios=16 wios=32 dbytes=0 dios=0
            """;

    // ---- hybrid: the unified tree of the testbed (kernel 6.18)
    static final String HY_CPU_STAT = """
            usage_usec 3060806
            user_usec 3053567
            system_usec 7238
            nice_usec 0
            """;
    static final String HY_CPU_PRESSURE = """
            some avg10=43.09 avg60=10.37 avg300=2.28 total=6967141
            full avg10=43.09 avg60=10.37 avg300=2.28 total=6967141
            """;
    static final String HY_IO_PRESSURE = """
            some avg10=0.24 avg60=0.08 avg300=0.01 total=60672
            full avg10=0.24 avg60=0.08 avg300=0.01 total=60607
            """;
    static final String HY_ZERO_PRESSURE = """
            some avg10=0.00 avg60=0.00 avg300=0.00 total=0
            full avg10=0.00 avg60=0.00 avg300=0.00 total=0
            """;
    static final String HY_CGROUP_STAT_SLICE = """
            nr_descendants 206
            nr_subsys_perf_event 207
            nr_subsys_hugetlb 0
            nr_dying_descendants 0
            nr_dying_subsys_perf_event 0
            nr_dying_subsys_hugetlb 0
            """;
    static final String HY_CGROUP_STAT_LEAF = """
            nr_descendants 0
            nr_subsys_perf_event 1
            nr_subsys_hugetlb 0
            nr_dying_descendants 0
            nr_dying_subsys_perf_event 0
            nr_dying_subsys_hugetlb 0
            """;

    // ---- v1 controllers of the testbed (kernel 6.18)
    static final String V1_CFS_STAT = """
            nr_periods 102
            nr_throttled 101
            throttled_time 6815230405
            nr_bursts 0
            burst_time 0
            """;
    static final String V1_CFS_QUOTA = "30000\n";
    static final String V1_CFS_QUOTA_NONE = "-1\n";
    static final String V1_CFS_PERIOD = "100000\n";
    static final String V1_CPU_SHARES = "1024\n";
    static final String V1_MEMORY_LIMIT = "33554432\n";
    static final String V1_MEMORY_LIMIT_NONE = "9223372036854771712\n";
    static final String V1_OOM_MEMORY_USAGE = "614400\n";
    static final String V1_OOM_MEMSW_USAGE = "614400\n";
    static final String V1_OOM_FAILCNT = "86\n";
    static final String V1_OOM_CONTROL = """
            oom_kill_disable 0
            under_oom 0
            oom_kill 1
            """;
    static final String V1_PIDS_MAX = "7\n";
    static final String V1_PIDS_CURRENT = "1\n";
    /** systemd-journald.service. */
    static final String V1_MEMORY_STAT = """
            cache 8413184
            rss 999424
            rss_huge 0
            shmem 8413184
            mapped_file 2273280
            dirty 0
            writeback 0
            workingset_refault_anon 0
            workingset_refault_file 0
            swap 0
            swapcached 0
            pgpgin 4437
            pgpgout 2139
            pgfault 1520
            pgmajfault 0
            inactive_anon 8773632
            active_anon 638976
            inactive_file 0
            active_file 0
            unevictable 0
            hierarchical_memory_limit 9223372036854771712
            hierarchical_memsw_limit 9223372036854771712
            total_cache 8413184
            total_rss 999424
            total_rss_huge 0
            total_shmem 8413184
            total_mapped_file 2273280
            total_dirty 0
            total_writeback 0
            total_workingset_refault_anon 0
            total_workingset_refault_file 0
            total_swap 0
            total_swapcached 0
            total_pgpgin 4437
            total_pgpgout 2139
            total_pgfault 1520
            total_pgmajfault 0
            total_inactive_anon 8773632
            total_active_anon 638976
            total_inactive_file 0
            total_active_file 0
            total_unevictable 0
            """;
    static final String V1_BLKIO_TWO_DEVICES = """
            254:0 Read 4194304
            254:0 Write 4194304
            254:0 Sync 8388608
            254:0 Async 0
            254:0 Discard 0
            254:0 Total 8388608
            7:0 Read 1048576
            7:0 Write 2097152
            7:0 Sync 3145728
            7:0 Async 0
            7:0 Discard 0
            7:0 Total 3145728
            Total 11534336
            """;
    /** Any cgroup without block IO (dbus.service). */
    static final String V1_BLKIO_NONE = """
            Total 0
            """;
    static final String V1_CPUACCT_STAT = """
            user 353
            system 21
            """;
    static final String V1_CPUACCT_USAGE = "3753180683\n";
    static final String V1_CPUACCT_USAGE_USER = "3810951412\n";
    static final String V1_CPUACCT_USAGE_SYS = "235968581\n";

    private static final byte[][] CPU_KEYS = CgroupParsers.keys("usage_usec", "user_usec", "system_usec", "nr_periods",
            "nr_throttled", "throttled_usec");

    @Test
    void v2CpuStatGivesUsageAndThrottling() {
        assertThat(keyed(V2_BUSY_CPU_STAT, CPU_KEYS)).containsExactly(1029753, 877822, 151930, 54, 51, 4051554);
        assertThat(keyed(V2_ROOT_CPU_STAT, CPU_KEYS)).containsExactly(6984000, 776000, 6208000, 0, 0, 0);
    }

    @Test
    void cpuStatWithoutTheCpuControllerHasOnlyTheCoreCounters() {
        assertThat(keyed(V2_LEAF_CPU_STAT, CPU_KEYS)).containsExactly(244002, 105256, 138746, NONE, NONE, NONE);
        assertThat(keyed(HY_CPU_STAT, CPU_KEYS)).containsExactly(3060806, 3053567, 7238, NONE, NONE, NONE);
    }

    @Test
    void v1CpuStatGivesThrottlingInNanoseconds() {
        assertThat(keyed(V1_CFS_STAT, CgroupParsers.keys("nr_periods", "nr_throttled", "throttled_time")))
                .containsExactly(102, 101, 6815230405L);
    }

    @Test
    void memoryStatTakesExactKeysOnly() {
        assertThat(keyed(V2_ROOT_MEMORY_STAT, CgroupParsers.keys("anon", "file"))).containsExactly(516096, 8683520);
        // "rss" and "total_rss", "cache" and "total_cache" are different lines
        assertThat(keyed(V1_MEMORY_STAT, CgroupParsers.keys("total_rss", "total_cache", "rss", "cache")))
                .containsExactly(999424, 8413184, 999424, 8413184);
        assertThat(keyed(V1_MEMORY_STAT, CgroupParsers.keys("total_rss_huge", "hierarchical_memory_limit")))
                .containsExactly(0, 9223372036854771712L);
    }

    @Test
    void memoryEventsAndOomControl() {
        byte[][] keys = CgroupParsers.keys("oom", "oom_kill");
        assertThat(keyed(V2_OOM_MEMORY_EVENTS, keys)).containsExactly(1, 1);
        assertThat(keyed(V2_BUSY_MEMORY_EVENTS, keys)).containsExactly(0, 0);
        assertThat(keyed(V2_OOM_MEMORY_EVENTS, CgroupParsers.keys("max"))).containsExactly(62);
        assertThat(keyed(V1_OOM_CONTROL, CgroupParsers.keys("oom_kill", "under_oom"))).containsExactly(1, 0);
    }

    @Test
    void cpuacctStatIsInTicks() {
        assertThat(keyed(V1_CPUACCT_STAT, CgroupParsers.keys("user", "system"))).containsExactly(353, 21);
    }

    @Test
    void aKeyTheFileLacksIsNone() {
        assertThat(keyed(V1_CPUACCT_STAT, CgroupParsers.keys("iowait"))).containsExactly(NONE);
        assertThat(keyed("", CgroupParsers.keys("user"))).containsExactly(NONE);
    }

    @Test
    void memoryStatGivesTheInactivePageCacheForTheWorkingSet() {
        assertThat(keyed(V2_ROOT_MEMORY_STAT, CgroupParsers.keys("anon", "file", "inactive_file")))
                .containsExactly(516096, 8683520, 2789376);
        // v1: the hierarchical total_ line, not the cgroup's own inactive_file
        assertThat(keyed(V1_MEMORY_STAT.replace("total_inactive_file 0", "total_inactive_file 4096"),
                CgroupParsers.keys("total_rss", "total_cache", "total_inactive_file"))).containsExactly(999424, 8413184, 4096);
    }

    @Test
    void ioFilesGiveBytesPerDeviceInTheFilesOrder() {
        assertThat(devices(V2_IO_STAT_TWO_DEVICES, true)).containsExactly(new IoDevice(7, 0, 1572864, 524288),
                new IoDevice(254, 0, 1048576, 2097152));
        assertThat(devices(V1_BLKIO_TWO_DEVICES, false)).containsExactly(new IoDevice(254, 0, 4194304, 4194304),
                new IoDevice(7, 0, 1048576, 2097152));
        assertThat(devices("", true)).isEmpty();
        assertThat(devices(V1_BLKIO_NONE, false)).as("the grand Total line is no device").isEmpty();
    }

    @Test
    void anUnchangedDeviceTableGivesBackThePreviousList() {
        DeviceIo io = new DeviceIo();
        byte[] b = bytes(V2_IO_STAT_TWO_DEVICES);
        CgroupParsers.ioStat(b, b.length, io);
        List<IoDevice> first = io.devices(null);
        CgroupParsers.ioStat(b, b.length, io);
        assertThat(io.devices(first)).isSameAs(first);
        byte[] more = bytes(V2_IO_STAT_TWO_DEVICES.replace("rbytes=1572864", "rbytes=1572865"));
        CgroupParsers.ioStat(more, more.length, io);
        assertThat(io.devices(first)).isNotSameAs(first).first().isEqualTo(new IoDevice(7, 0, 1572865, 524288));
    }

    @Test
    void manyDevicesGrowTheTable() {
        StringBuilder text = new StringBuilder();
        for (int minor = 0; minor < 40; minor++) {
            text.append("7:").append(minor).append(" rbytes=").append(minor).append(" wbytes=1 rios=1 wios=1 dbytes=0 dios=0\n");
        }
        List<IoDevice> list = devices(text.toString(), true);
        assertThat(list).hasSize(40);
        assertThat(list.get(39)).isEqualTo(new IoDevice(7, 39, 39, 1));
        assertThat(pair(text.toString(), true)).containsExactly(39 * 40 / 2, 40);
    }

    @Test
    void ioStatSumsReadAndWrittenBytesOverDevices() {
        assertThat(pair(V2_IO_STAT, true)).containsExactly(3145728, 4194304);
        assertThat(pair(V2_ROOT_IO_STAT, true)).containsExactly(3158016, 4194304);
        assertThat(pair(V2_IO_STAT_TWO_DEVICES, true)).containsExactly(1572864 + 1048576, 524288 + 2097152);
        assertThat(pair("", true)).containsExactly(0, 0); // no IO yet: an empty file
    }

    @Test
    void blkioSumsReadAndWriteLinesAndSkipsTotals() {
        assertThat(pair(V1_BLKIO_TWO_DEVICES, false)).containsExactly(4194304 + 1048576, 4194304 + 2097152);
        assertThat(pair(V1_BLKIO_NONE, false)).containsExactly(0, 0);
    }

    @Test
    void pressureHasSomeAndFull() {
        assertThat(pressure(V2_BUSY_CPU_PRESSURE)).isEqualTo(new Pressure(22.63, 22.51, 2850305, 2847167L));
        assertThat(pressure(HY_IO_PRESSURE)).isEqualTo(new Pressure(0.24, 0.24, 60672, 60607L));
        assertThat(pressure(V2_ROOT_CPU_PRESSURE)).isEqualTo(new Pressure(3.26, 0.0, 785048, 0L));
        assertThat(pressure(HY_ZERO_PRESSURE)).isEqualTo(new Pressure(0.0, 0.0, 0, 0L));
    }

    @Test
    void cpuPressureBefore513HasNoFullLine() {
        // kernels before 5.13 print cpu.pressure's "some" line alone
        String someOnly = HY_CPU_PRESSURE.substring(0, HY_CPU_PRESSURE.indexOf('\n') + 1);
        assertThat(pressure(someOnly)).isEqualTo(new Pressure(43.09, null, 6967141, null));
        assertThat(pressure("")).isNull();
    }

    @Test
    void cpuMaxGivesQuotaAndPeriod() {
        assertThat(cpuMax(V2_BUSY_CPU_MAX)).containsExactly(20000, 100000);
        assertThat(cpuMax(V2_CPU_MAX_NONE)).containsExactly(NONE, 100000);
    }

    @Test
    void singleNumbersAndMax() {
        assertThat(number(V2_BUSY_MEMORY_CURRENT)).isEqualTo(118784);
        assertThat(number(V2_BUSY_CPU_WEIGHT)).isEqualTo(200);
        assertThat(number(V2_BUSY_PIDS_CURRENT)).isZero();
        assertThat(number(V2_BUSY_SWAP_CURRENT)).isZero();
        assertThat(number(V1_CPUACCT_USAGE)).isEqualTo(3753180683L);
        assertThat(number(V2_BUSY_MEMORY_MAX)).isEqualTo(NONE);
        assertThat(limit(V2_BUSY_MEMORY_MAX)).isEqualTo(NONE);
        assertThat(limit(V2_BUSY_MEMORY_HIGH)).isEqualTo(67108864);
        assertThat(limit(V2_OOM_MEMORY_MAX)).isEqualTo(33554432);
        assertThat(limit(V2_BUSY_PIDS_MAX)).isEqualTo(7);
        assertThat(limit("max\n")).isEqualTo(NONE);
    }

    @Test
    void v1SpellsNoLimitAsMinusOneOrAHugeNumber() {
        assertThat(limit(V1_MEMORY_LIMIT)).isEqualTo(33554432);
        assertThat(limit(V1_MEMORY_LIMIT_NONE)).isEqualTo(NONE);
        assertThat(limit(V1_CFS_QUOTA)).isEqualTo(30000);
        assertThat(limit(V1_CFS_QUOTA_NONE)).isEqualTo(NONE);
        assertThat(number(V1_CFS_QUOTA_NONE)).isEqualTo(-1);
        assertThat(limit(V1_PIDS_MAX)).isEqualTo(7);
        assertThat(limit(String.valueOf(CgroupParsers.UNLIMITED_FROM - 1))).isEqualTo(CgroupParsers.UNLIMITED_FROM - 1);
    }

    @Test
    void numbersPastLongSaturate() {
        // a u64 counter past 2^63 (not seen in these fixtures, but the kernel prints u64)
        assertThat(number("18446744073709551615\n")).isEqualTo(Long.MAX_VALUE);
        assertThat(number("")).isEqualTo(NONE);
        assertThat(number("garbage")).isEqualTo(NONE);
    }

    @Test
    void parsersReadOnlyTheGivenLength() {
        byte[] b = bytes(V2_BUSY_CPU_STAT + "usage_usec 1\n");
        long[] out = new long[1];
        CgroupParsers.keyed(b, V2_BUSY_CPU_STAT.length(), CgroupParsers.keys("usage_usec"), out);
        assertThat(out[0]).isEqualTo(1029753);
        assertThat(CgroupParsers.number(bytes("12345"), 3)).isEqualTo(123);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static long[] keyed(String text, byte[][] keys) {
        long[] out = new long[keys.length];
        byte[] b = bytes(text);
        CgroupParsers.keyed(b, b.length, keys, out);
        return out;
    }

    private static long[] pair(String text, boolean ioStat) {
        DeviceIo io = parse(text, ioStat);
        return new long[] { io.read(), io.written() };
    }

    private static List<IoDevice> devices(String text, boolean ioStat) {
        return parse(text, ioStat).devices(null);
    }

    private static DeviceIo parse(String text, boolean ioStat) {
        DeviceIo out = new DeviceIo();
        byte[] b = bytes(text);
        if (ioStat) {
            CgroupParsers.ioStat(b, b.length, out);
        } else {
            CgroupParsers.blkioServiceBytes(b, b.length, out);
        }
        return out;
    }

    private static long[] cpuMax(String text) {
        long[] out = new long[2];
        byte[] b = bytes(text);
        CgroupParsers.cpuMax(b, b.length, out);
        return out;
    }

    private static Pressure pressure(String text) {
        byte[] b = bytes(text);
        return CgroupParsers.pressure(b, b.length);
    }

    private static long number(String text) {
        byte[] b = bytes(text);
        return CgroupParsers.number(b, b.length);
    }

    private static long limit(String text) {
        byte[] b = bytes(text);
        return CgroupParsers.limit(b, b.length);
    }
}
