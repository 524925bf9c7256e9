package io.hostdeck.host.cgroupfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.hostdeck.error.ConflictException;
import io.hostdeck.error.NotFoundException;
import io.hostdeck.host.HostProperties;
import io.hostdeck.host.cgroupfs.CgroupSample.IoDevice;

/**
 * The reader and writer against a real, pure cgroup v2 kernel: runs ONLY inside the qemu guest of
 * src/test/v2guest (this machine's controllers sit on v1 hierarchies and can never appear on
 * cgroup2). {@link CgroupV2IT} boots the guest and runs this class there with the JUnit console
 * launcher; the name ends in GuestTest so that neither surefire nor failsafe runs it on the host.
 *
 * <p>Each test makes its own cgroups under the guest's /sys/fs/cgroup and removes them afterwards;
 * workloads are started INSIDE their cgroup (v2 does not move memory charges with a process).
 * The guest emulates its CPU (fork/exec costs ~0.1 s there): assertions are on the kernel's own
 * counters, never on how long something took.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CgroupV2GuestTest {

    private static final Path ROOT = Path.of("/sys/fs/cgroup");
    private static final long MIB = 1024 * 1024;

    private CgroupReader reader;
    private CgroupWriter writer;
    private final Deque<Path> made = new ArrayDeque<>();
    private final List<Process> started = new ArrayList<>();

    @BeforeAll
    void v2Guest() throws IOException {
        assertThat(ROOT.resolve("cgroup.controllers"))
                .as("a cgroup2 root at /sys/fs/cgroup: this class runs only inside the v2 guest"
                        + " (src/test/v2guest/run-in-v2-guest.sh, see CgroupV2IT)")
                .exists();
        assertThat(read(ROOT.resolve("cgroup.controllers")).split(" ")).contains("cpu", "memory", "io", "pids");
        List<String> enabled = Arrays.asList(read(ROOT.resolve("cgroup.subtree_control")).split(" "));
        for (String controller : List.of("cpu", "memory", "io", "pids")) {
            if (!enabled.contains(controller)) { // the guest's init enables them; a bare kernel does not
                Files.writeString(ROOT.resolve("cgroup.subtree_control"), "+" + controller);
            }
        }
        HostProperties host = new HostProperties("/", null);
        reader = new CgroupReader(host);
        writer = new CgroupWriter(host, reader);
    }

    @AfterAll
    void closeReader() {
        reader.close();
    }

    @AfterEach
    void removeCgroups() throws Exception {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        started.clear();
        while (!made.isEmpty()) {
            remove(made.pop()); // children first
        }
    }

    @Test
    void modeIsV2AndListShowsNewCgroupsParentsFirst() throws IOException {
        make("hd-v2-list");
        make("hd-v2-list/child");

        assertThat(reader.mode()).isEqualTo(CgroupMode.V2);
        List<String> all = reader.list();
        assertThat(all.get(0)).isEqualTo("/");
        assertThat(all).contains("/hd-v2-list", "/hd-v2-list/child");
        assertThat(all.indexOf("/hd-v2-list")).isLessThan(all.indexOf("/hd-v2-list/child"));
        assertThat(reader.read("/hd-v2-list/child")).get().extracting(CgroupSample::path).isEqualTo("/hd-v2-list/child");
    }

    @Test
    void limitsWrittenByTheWriterReadBackFromReaderAndFiles() throws IOException {
        Path cg = make("hd-v2-limits");
        String path = "/hd-v2-limits";
        CgroupSample before = reader.read(path).orElseThrow(); // limits now cached by the reader
        assertThat(before.memoryMax()).isNull();                // "max"
        assertThat(before.tasksMax()).isNull();
        assertThat(before.cpuQuotaUsec()).isNull();
        assertThat(before.cpuPeriodUsec()).isEqualTo(100_000L);
        assertThat(before.cpuWeight()).isEqualTo(100L);
        assertThat(before.cpuShares()).isNull();                // v1 only

        writer.setMemoryMax(path, 64 * MIB);
        writer.setCpuWeight(path, 250);
        writer.setCpuQuota(path, 30_000L, 100_000);
        writer.setPidsMax(path, 64L);

        CgroupSample after = reader.read(path).orElseThrow();
        assertThat(after.memoryMax()).isEqualTo(64 * MIB);
        assertThat(after.cpuWeight()).isEqualTo(250L);
        assertThat(after.cpuQuotaUsec()).isEqualTo(30_000L);
        assertThat(after.cpuPeriodUsec()).isEqualTo(100_000L);
        assertThat(after.tasksMax()).isEqualTo(64L);
        assertThat(read(cg.resolve("memory.max"))).isEqualTo("67108864");
        assertThat(read(cg.resolve("cpu.weight"))).isEqualTo("250");
        assertThat(read(cg.resolve("cpu.max"))).isEqualTo("30000 100000");
        assertThat(read(cg.resolve("pids.max"))).isEqualTo("64");

        writer.setMemoryMax(path, null);
        writer.setCpuQuota(path, null, 50_000);
        writer.setPidsMax(path, null);

        CgroupSample unlimited = reader.read(path).orElseThrow();
        assertThat(unlimited.memoryMax()).isNull();
        assertThat(unlimited.cpuQuotaUsec()).isNull();
        assertThat(unlimited.cpuPeriodUsec()).isEqualTo(50_000L);
        assertThat(unlimited.tasksMax()).isNull();
        assertThat(read(cg.resolve("memory.max"))).isEqualTo("max");
        assertThat(read(cg.resolve("cpu.max"))).isEqualTo("max 50000");
        assertThat(read(cg.resolve("pids.max"))).isEqualTo("max");
    }

    @Test
    void withoutControllersACgroupHasNoLimitsAndTheWriterSaysWhy() throws IOException {
        make("hd-v2-bare");
        Path leaf = make("hd-v2-bare/leaf"); // its parent's subtree_control is empty: only core files
        assertThat(leaf.resolve("memory.max")).doesNotExist();

        CgroupSample s = reader.read("/hd-v2-bare/leaf").orElseThrow();
        assertThat(s.cpuUsageUsec()).as("cpu.stat is a core file in v2").isNotNull();
        assertThat(s.memoryBytes()).isNull();
        assertThat(s.memoryMax()).isNull();
        assertThat(s.cpuWeight()).isNull();
        assertThat(s.tasks()).isNull();

        assertThatThrownBy(() -> writer.setMemoryMax("/hd-v2-bare/leaf", 64 * MIB))
                .isInstanceOf(ConflictException.class).hasMessageContaining("memory.max");
        assertThatThrownBy(() -> writer.setPidsMax("/hd-v2-no-such-cgroup", 5L))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void cpuMaxThrottlesABusyLoopToItsQuota() throws Exception {
        Path cg = make("hd-v2-cpu");
        String path = "/hd-v2-cpu";
        writer.setCpuQuota(path, 30_000L, 100_000);
        writer.setPidsMax(path, 16L);
        startIn(cg, "sh -c 'while :; do :; done'");
        Thread.sleep(500);

        CgroupSample first = reader.read(path).orElseThrow();
        Thread.sleep(3_000);
        CgroupSample second = reader.read(path).orElseThrow();

        double cpus = cpus(first, second);
        report("cpu.max 30000 100000: %.3f CPU s/s over %.2f s, nr_periods %d, nr_throttled %d, throttled_usec %d,"
                + " cpu.pressure some total %d us", cpus, (second.readAtNanos() - first.readAtNanos()) / 1e9,
                second.cpuPeriods(), second.cpuThrottled(), second.cpuThrottledUsec(), second.cpuPressure().someTotalUsec());
        // 0.3 ± 0.1, wider than the testbed's band: the guest's CPU is emulated (TCG) on a 2-core
        // host whose clock speed drops under load, so the loop gets descheduled for stretches that
        // are not the quota's doing, and a 3 s window holds only ~30 CFS periods
        assertThat(cpus).as("CPU seconds per second, by the kernel's usage_usec").isCloseTo(0.3, within(0.1));
        assertThat(second.cpuPeriods()).isPositive();
        assertThat(second.cpuThrottled()).isPositive();
        assertThat(second.cpuThrottledUsec()).isPositive();
        assertThat(second.cpuThrottled()).isLessThanOrEqualTo(second.cpuPeriods());
        assertThat(second.cpuUserUsec() + second.cpuSystemUsec()).isCloseTo(second.cpuUsageUsec(), within(10_000L));
        assertThat(second.tasks()).isEqualTo(1L);
        assertThat(second.tasksMax()).isEqualTo(16L);
        assertThat(second.cpuPressure()).isNotNull();
        assertThat(second.cpuPressure().someTotalUsec()).as("throttled time shows as CPU pressure in 6.1").isPositive();
    }

    @Test
    void pollingReadsTheChildOfACgroupThatRanAndLeavesTheChildOfOneThatDidNot() throws Exception {
        Path busyParent = make("hd-v2-poll-busy");
        Path idleParent = make("hd-v2-poll-idle");
        Files.writeString(busyParent.resolve("cgroup.subtree_control"), "+cpu");
        Path busy = Files.createDirectory(busyParent.resolve("child"));
        Path idle = Files.createDirectory(idleParent.resolve("child"));
        Files.writeString(busy.resolve("cpu.max"), "20000 100000"); // the guest's CPU is emulated: spare it
        startIn(busy, "sh -c 'while :; do :; done'");
        startIn(idle, "sleep 1000");
        Thread.sleep(500);

        java.util.Map<String, CgroupSample> first = pollPass();
        Thread.sleep(1_500);
        java.util.Map<String, CgroupSample> second = pollPass();

        CgroupSample busyBefore = first.get("/hd-v2-poll-busy/child");
        CgroupSample busyAfter = second.get("/hd-v2-poll-busy/child");
        report("poll: busy child usage %d -> %d us; idle parent %d -> %d us, idle child same reading: %s",
                busyBefore.cpuUsageUsec(), busyAfter.cpuUsageUsec(), first.get("/hd-v2-poll-idle").cpuUsageUsec(),
                second.get("/hd-v2-poll-idle").cpuUsageUsec(),
                first.get("/hd-v2-poll-idle/child") == second.get("/hd-v2-poll-idle/child"));
        assertThat(busyAfter.cpuUsageUsec()).as("the kernel counts a child's CPU in its parent's: the child is read")
                .isGreaterThan(busyBefore.cpuUsageUsec());
        assertThat(second.get("/hd-v2-poll-idle").cpuUsageUsec()).as("a sleeping cgroup's CPU time")
                .isEqualTo(first.get("/hd-v2-poll-idle").cpuUsageUsec());
        assertThat(second.get("/hd-v2-poll-idle/child").cpuUsageUsec())
                .isEqualTo(first.get("/hd-v2-poll-idle/child").cpuUsageUsec());
    }

    /** One pass as the sampler makes it: beginPass(), then poll() of every cgroup, parents first. */
    private java.util.Map<String, CgroupSample> pollPass() {
        java.util.Map<String, CgroupSample> out = new java.util.HashMap<>();
        for (String path : reader.beginPass()) {
            reader.poll(path).ifPresent(s -> out.put(path, s));
        }
        return out;
    }

    @Test
    void cpuPercentAgreesWithSystemdCgtop() throws Exception {
        Path cgtop = Path.of("/usr/bin/systemd-cgtop");
        assertThat(cgtop).as("systemd-cgtop of the host, shared read-only into the guest").isExecutable();
        Path cg = make("hd-v2-cgtop");
        String path = "/hd-v2-cgtop";
        writer.setCpuQuota(path, 30_000L, 100_000);
        startIn(cg, "sh -c 'while :; do :; done'");
        Thread.sleep(500);

        CgroupSample first = reader.read(path).orElseThrow();
        // three rounds one second apart: the first has no CPU figure yet ("-"), the others do
        Process top = new ProcessBuilder(cgtop.toString(), "-b", "-n", "3", "-d", "1", "--raw", "--depth=1")
                .redirectErrorStream(true).start();
        String out = new String(top.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(top.waitFor(60, TimeUnit.SECONDS)).isTrue();
        CgroupSample second = reader.read(path).orElseThrow();
        assertThat(top.exitValue()).as(out).isZero();

        double ours = 100 * cpus(first, second);
        double[] theirs = out.lines().map(l -> l.trim().split("\\s+"))
                .filter(cols -> cols.length >= 3 && cols[0].equals(path) && !cols[2].equals("-"))
                .mapToDouble(cols -> Double.parseDouble(cols[2])).toArray();
        assertThat(theirs).as("cgtop's %%CPU rows for %s in:%n%s", path, out).isNotEmpty();
        double cgtopPercent = Arrays.stream(theirs).average().orElseThrow();
        report("CPU %%: CgroupReader %.1f over %.2f s, systemd-cgtop %s (mean %.1f)", ours,
                (second.readAtNanos() - first.readAtNanos()) / 1e9, Arrays.toString(theirs), cgtopPercent);
        assertThat(ours).as("CgroupReader %.1f %% vs systemd-cgtop %.1f %% (%s)", ours, cgtopPercent, Arrays.toString(theirs))
                .isCloseTo(cgtopPercent, within(5.0));
        assertThat(ours).isCloseTo(30.0, within(10.0));
    }

    @Test
    void anAllocationBeyondMemoryMaxEndsInAnOomKill() throws Exception {
        Path cg = make("hd-v2-oom");
        String path = "/hd-v2-oom";
        writer.setMemoryMax(path, 32 * MIB);
        if (Files.exists(cg.resolve("memory.swap.max"))) {
            Files.writeString(cg.resolve("memory.swap.max"), "0"); // the guest has no swap; be sure anyway
        }
        Process tail = startIn(cg, "tail /dev/zero"); // buffers the one endless line
        assertThat(tail.waitFor(120, TimeUnit.SECONDS)).as("tail /dev/zero ended within 120 s").isTrue();
        assertThat(tail.exitValue()).as("SIGKILL (128 + 9)").isEqualTo(137);

        CgroupSample s = reader.read(path).orElseThrow();
        report("memory.max 32M, tail /dev/zero: exit %d, oomEvents %d, oomKills %d; memory.events: %s", tail.exitValue(),
                s.oomEvents(), s.oomKills(), read(cg.resolve("memory.events")).replace('\n', ','));
        assertThat(s.memoryMax()).isEqualTo(32 * MIB);
        assertThat(s.oomKills()).isGreaterThanOrEqualTo(1L);
        assertThat(s.oomEvents()).isGreaterThanOrEqualTo(1L);
        assertThat(s.memoryFailcnt()).isNull(); // v1 only
        assertThat(read(cg.resolve("memory.events"))).containsPattern("(?m)^oom_kill [1-9]");
    }

    @Test
    void ioStatCountsBlockIoButNotTheNinePShare() throws Exception {
        Path cg = make("hd-v2-io");
        String path = "/hd-v2-io";

        // a file of the host's / (9p): no block device below it, so nothing is charged to io.stat
        Path jar = biggestJarOnClassPath();
        run(cg, "dd", "if=" + jar, "of=/dev/null", "bs=1M", "count=4", "iflag=direct");
        assertThat(read(cg.resolve("io.stat"))).as("io.stat after reading %s over 9p", jar).isEmpty();
        CgroupSample nine = reader.read(path).orElseThrow();
        assertThat(nine.ioReadBytes()).isZero();
        assertThat(nine.ioWriteBytes()).isZero();

        // the harness's scratch virtio disk: real block IO, O_DIRECT so the page cache cannot absorb it
        Path vda = Path.of("/dev/vda");
        assertThat(Path.of("/sys/block/vda/dev")).as("the scratch disk of run-in-v2-guest.sh (V2_DISK)").exists();
        String device = read(Path.of("/sys/block/vda/dev"));
        run(cg, "dd", "if=/dev/zero", "of=" + vda, "bs=1M", "count=2", "oflag=direct");
        run(cg, "dd", "if=" + vda, "of=/dev/null", "bs=1M", "count=4", "iflag=direct");

        String ioStat = read(cg.resolve("io.stat"));
        report("io.stat after 4 MiB over 9p (O_DIRECT): [], after 2 MiB written + 4 MiB read on /dev/vda (O_DIRECT): [%s]", ioStat);
        assertThat(ioStat).startsWith(device + " ");
        CgroupSample s = reader.read(path).orElseThrow();
        assertThat(s.ioReadBytes()).isEqualTo(4 * MIB).isEqualTo(field(ioStat, "rbytes"));
        assertThat(s.ioWriteBytes()).isEqualTo(2 * MIB).isEqualTo(field(ioStat, "wbytes"));
        String[] number = device.split(":");
        assertThat(s.ioDevices()).as("one device, as io.stat has one line")
                .containsExactly(new IoDevice(Long.parseLong(number[0]), Long.parseLong(number[1]), 4 * MIB, 2 * MIB));
    }

    @Test
    void theWorkingSetIsMemoryCurrentLessInactiveFile() throws Exception {
        Path cg = make("hd-v2-ws");
        assertThat(Path.of("/sys/block/vda/dev")).as("the scratch disk of run-in-v2-guest.sh (V2_DISK)").exists();
        // a buffered read of the scratch disk: new page cache charged to the cgroup, on the inactive list.
        // The kernel drops a block device's page cache when its last opener closes it: a process
        // outside the cgroup holds /dev/vda open meanwhile (without it: 330 KiB of 8 MiB stayed)
        Process holder = new ProcessBuilder("sleep", "600").redirectInput(new File("/dev/vda")).start();
        started.add(holder);
        run(cg, "dd", "if=/dev/vda", "of=/dev/null", "bs=1M", "count=8");
        Thread.sleep(2_500); // the kernel folds its per-CPU memory statistics in every 2 s

        CgroupSample s = reader.read("/hd-v2-ws").orElseThrow();
        long current = Long.parseLong(read(cg.resolve("memory.current")));
        long inactive = read(cg.resolve("memory.stat")).lines().filter(l -> l.startsWith("inactive_file "))
                .mapToLong(l -> Long.parseLong(l.substring("inactive_file ".length()))).findFirst().orElseThrow();
        report("8 MiB read buffered from /dev/vda: memory.current %d, inactive_file %d; working set %d", current, inactive,
                s.memoryWorkingSet());
        assertThat(inactive).as("the 8 MiB read, on the inactive list").isGreaterThanOrEqualTo(4 * MIB);
        assertThat(s.memoryInactiveFile()).isCloseTo(inactive, within(MIB));
        assertThat(s.memoryBytes()).isCloseTo(current, within(MIB));
        assertThat(s.memoryWorkingSet()).isEqualTo(s.memoryBytes() - s.memoryInactiveFile()).isLessThan(current - 3 * MIB);
    }

    @Test
    void pressureFilesAreParsed() throws IOException {
        Path cg = make("hd-v2-psi");
        CgroupSample s = reader.read("/hd-v2-psi").orElseThrow();
        report("pressure of an empty cgroup: cpu %s, memory %s, io %s", s.cpuPressure(), s.memoryPressure(), s.ioPressure());
        for (CgroupSample.Pressure p : new CgroupSample.Pressure[] { s.cpuPressure(), s.memoryPressure(), s.ioPressure() }) {
            assertThat(p).isNotNull();
            assertThat(p.someTotalUsec()).isGreaterThanOrEqualTo(0);
            assertThat(p.someAvg10()).isBetween(0.0, 100.0);
            assertThat(p.fullTotalUsec()).as("6.1 has a full line in all three").isNotNull().isGreaterThanOrEqualTo(0);
            assertThat(p.fullAvg10()).isBetween(0.0, 100.0);
        }
        // an empty cgroup never stalls: its totals are the file's and stay put
        assertThat(s.ioPressure().someTotalUsec()).isEqualTo(field(read(cg.resolve("io.pressure")), "total"));
        assertThat(s.memoryPressure().someTotalUsec()).isEqualTo(field(read(cg.resolve("memory.pressure")), "total"));
    }

    @Test
    void aCgroupRemovedBetweenListAndReadReadsEmpty() throws IOException {
        Path seen = make("hd-v2-gone-seen");   // read once: its files are kept open
        Path unseen = make("hd-v2-gone-unseen");
        assertThat(reader.read("/hd-v2-gone-seen")).isPresent();

        assertThat(reader.list()).contains("/hd-v2-gone-seen", "/hd-v2-gone-unseen");
        Files.delete(seen);
        Files.delete(unseen);
        made.remove(seen);
        made.remove(unseen);

        assertThat(reader.read("/hd-v2-gone-seen")).isEmpty();
        assertThat(reader.read("/hd-v2-gone-unseen")).isEmpty();
        assertThat(reader.list()).doesNotContain("/hd-v2-gone-seen", "/hd-v2-gone-unseen");
        // made again under the same name: read afresh, not through the old files
        make("hd-v2-gone-seen");
        Optional<CgroupSample> again = reader.read("/hd-v2-gone-seen");
        assertThat(again).isPresent();
        assertThat(again.get().cpuUsageUsec()).isZero();
    }

    // ------------------------------------------------------------------ helpers

    /** What v2 showed, into the guest's output (CgroupV2IT prints it): the figures behind the assertions. */
    private static void report(String format, Object... args) {
        System.out.println("v2: " + String.format(format, args));
    }

    /** CPU seconds per wall second between two readings, by cpu.stat usage_usec. */
    private static double cpus(CgroupSample first, CgroupSample second) {
        double wallUsec = (second.readAtNanos() - first.readAtNanos()) / 1000.0;
        return (second.cpuUsageUsec() - first.cpuUsageUsec()) / wallUsec;
    }

    private Path make(String name) throws IOException {
        Path dir = ROOT.resolve(name);
        if (Files.isDirectory(dir)) {
            remove(dir); // left by an earlier, killed run (cannot happen in a fresh guest, but cheap)
        }
        Files.createDirectory(dir);
        made.push(dir);
        return dir;
    }

    /** Starts {@code command} in cgroup {@code cg}: the shell moves itself in, then execs it. */
    private Process startIn(Path cg, String command) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "echo $$ > " + cg.resolve("cgroup.procs") + "; exec " + command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!read(cg.resolve("cgroup.procs")).lines().toList().contains(Long.toString(p.pid()))) {
            if (!p.isAlive() && p.exitValue() != 137) {
                fail("'%s' in %s ended with %d before it was seen in the cgroup", command, cg, p.exitValue());
            }
            if (!p.isAlive() || System.nanoTime() > deadline) {
                break; // killed already (the OOM test): it was in there
            }
            Thread.sleep(20);
        }
        return p;
    }

    /** Runs a program (argument array) inside cgroup {@code cg}, to its end; fails on a non-zero exit. */
    private static void run(Path cg, String... command) throws Exception {
        List<String> argv = new ArrayList<>(List.of("sh", "-c", "echo $$ > \"$0\" && exec \"$@\"", cg.resolve("cgroup.procs").toString()));
        argv.addAll(List.of(command));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", argv, out).isZero();
    }

    /** Kills what is left in the cgroup (cgroup.kill, 5.14+), waits for it to empty, removes it. */
    private static void remove(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : children.filter(Files::isDirectory).toList()) {
                remove(child);
            }
        }
        Files.writeString(dir.resolve("cgroup.kill"), "1");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (read(dir.resolve("cgroup.events")).contains("populated 1") && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        Files.delete(dir); // rmdir(2)
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file).strip();
    }

    /** The number after "key=" in a flat-keyed line such as io.stat's or a pressure file's first line. */
    private static long field(String text, String key) {
        for (String token : text.split("\\s+")) {
            if (token.startsWith(key + "=")) {
                return Long.parseLong(token.substring(key.length() + 1));
            }
        }
        throw new AssertionError("no " + key + "= in: " + text);
    }

    /** A file of a few MB from the host's / (shared read-only into the guest over 9p). */
    private static Path biggestJarOnClassPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(Path::of).filter(p -> p.toString().endsWith(".jar") && Files.isRegularFile(p))
                .max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length()))
                .orElseThrow(() -> new AssertionError("no jar on the class path"));
    }
}
