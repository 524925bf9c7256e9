package io.hostdeck.host.cgroupfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import io.hostdeck.error.ConflictException;
import io.hostdeck.error.NotFoundException;
import io.hostdeck.host.HostProperties;
import io.hostdeck.testbed.Testbed;
import io.hostdeck.testbed.TestbedExtension;

/**
 * The reader and writer against the testbed's real cgroups (hybrid on this machine): units made
 * with systemd-run and their limits, the kernel's own counters, a cgroup that goes away while its
 * files are open, and raw limits on a cgroup made by hand.
 */
@ExtendWith(TestbedExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CgroupReaderIT {

    private static final Duration T = Duration.ofSeconds(30);
    private static final List<String> UNITS = List.of("hd-cg-busy", "hd-cg-mem", "hd-cg-tasks", "hd-cg-gone");
    private static final String RAW = "/hd-cg-raw";

    private Testbed testbed;
    private CgroupReader reader;
    private CgroupWriter writer;

    @BeforeAll
    void connect(Testbed testbed) {
        this.testbed = testbed;
        HostProperties host = new HostProperties(testbed.root().toString(), null);
        reader = new CgroupReader(host);
        writer = new CgroupWriter(host, reader);
        stopUnits(); // what an earlier, killed run may have left
    }

    @AfterAll
    void cleanUp() throws IOException {
        try {
            stopUnits();
            removeRawCgroups();
        } finally {
            reader.close();
        }
    }

    @Test
    void theModeIsTheTestbedsAndEveryUnitIsListed() {
        CgroupMode expected = switch (testbed.cgroupMode()) {
            case "hybrid" -> CgroupMode.HYBRID;
            case "legacy" -> CgroupMode.V1;
            default -> CgroupMode.V2;
        };
        assertThat(reader.mode()).isEqualTo(expected);
        List<String> paths = reader.list();
        assertThat(paths.get(0)).isEqualTo("/");
        assertThat(paths).contains("/system.slice", "/system.slice/systemd-journald.service", "/init.scope");
        assertThat(paths.indexOf("/system.slice")).isLessThan(paths.indexOf("/system.slice/systemd-journald.service"));

        CgroupSample journald = reader.read("/system.slice/systemd-journald.service").orElseThrow();
        assertThat(journald.memoryBytes()).isPositive();
        assertThat(journald.tasks()).isPositive();
        assertThat(journald.cpuUsageUsec()).isPositive();
    }

    @Test
    void aQuotaOf30PercentReadsAsSuchAndTheCpuCounterGrowsAtThatRate() throws Exception {
        String path = "/system.slice/hd-cg-busy.service";
        try {
            run("systemd-run", "--unit=hd-cg-busy", "-p", "CPUQuota=30%", "/bin/sh", "-c", "while :; do :; done");
            CgroupSample first = await(path, s -> s.cpuQuotaUsec() != null);
            assertThat(first.cpuQuotaUsec()).isEqualTo(30_000);
            assertThat(first.cpuPeriodUsec()).isEqualTo(100_000);

            Thread.sleep(2_000);
            CgroupSample second = reader.read(path).orElseThrow();
            // the kernel's counter over the kernel's clock (readAtNanos): no timing of our own code
            double cpuSeconds = (second.cpuUsageUsec() - first.cpuUsageUsec()) / 1e6;
            double wallSeconds = (second.readAtNanos() - first.readAtNanos()) / 1e9;
            assertThat(cpuSeconds / wallSeconds).as("CPU seconds per second").isCloseTo(0.3, within(0.05));
            if (reader.mode() != CgroupMode.V1) {
                assertThat(second.cpuThrottled()).as("throttled in most periods").isPositive();
                assertThat(second.cpuPressure()).isNotNull();
            }
        } finally {
            stop("hd-cg-busy");
        }
    }

    @Test
    void aMemoryMaxReadsAsSuchAndAllocatingPastItFailsOrKills() throws Exception {
        String path = "/system.slice/hd-cg-mem.service";
        try {
            // perl grows an array until the kernel stops it; the shell lives on to keep the cgroup
            run("systemd-run", "--unit=hd-cg-mem", "-p", "MemoryMax=32M", "/bin/sh", "-c",
                    "perl -e 'my @a; while (1) { push @a, q(a) x 1048576 }'; sleep 600");
            CgroupSample hit = await(path, s -> positive(s.memoryFailcnt()) || positive(s.oomKills()));
            assertThat(hit.memoryMax()).isEqualTo(33_554_432);
            assertThat(hit.memoryBytes()).isLessThanOrEqualTo(33_554_432);
            if (reader.mode() == CgroupMode.V2) {
                assertThat(hit.memoryFailcnt()).as("v1 only").isNull();
                assertThat(hit.oomKills()).isPositive();
            } else {
                assertThat(hit.memoryFailcnt()).isPositive();
            }
        } finally {
            stop("hd-cg-mem");
        }
    }

    @Test
    void tasksMaxReadsAsSuch() throws Exception {
        try {
            run("systemd-run", "--unit=hd-cg-tasks", "-p", "TasksMax=7", "/bin/sleep", "600");
            CgroupSample s = await("/system.slice/hd-cg-tasks.service", x -> x.tasks() != null && x.tasks() > 0);
            assertThat(s.tasksMax()).isEqualTo(7);
            assertThat(s.tasks()).isEqualTo(1);
        } finally {
            stop("hd-cg-tasks");
        }
    }

    @Test
    void aCgroupRemovedWhileItsFilesAreOpenIsGoneAndOneMadeAgainIsReadAfresh() throws Exception {
        String path = "/system.slice/hd-cg-gone.service";
        try {
            run("systemd-run", "--unit=hd-cg-gone", "-p", "TasksMax=5", "/bin/sleep", "600");
            assertThat(await(path, s -> s.tasks() != null && s.tasks() > 0).tasksMax()).isEqualTo(5);
            int open = reader.openFiles();
            assertThat(open).as("files kept open").isPositive();

            stop("hd-cg-gone");
            assertThat(reader.read(path)).as("ENODEV from the open files: gone").isEmpty();
            assertThat(reader.openFiles()).isLessThan(open);
            assertThat(reader.list()).doesNotContain(path);

            // the same name again, as after a restart: a new cgroup behind the same path
            run("systemd-run", "--unit=hd-cg-gone", "-p", "TasksMax=6", "/bin/sleep", "600");
            assertThat(await(path, s -> s.tasks() != null && s.tasks() > 0).tasksMax()).isEqualTo(6);
        } finally {
            stop("hd-cg-gone");
        }
    }

    @Test
    void theWriterSetsRawLimitsOnACgroupMadeByHand() throws Exception {
        makeRawCgroup(RAW);
        boolean v2 = reader.mode() == CgroupMode.V2;
        try {
            writer.setMemoryMax(RAW, 64L << 20);
            writer.setCpuWeight(RAW, 200);
            writer.setCpuQuota(RAW, 20_000L, 100_000);
            writer.setPidsMax(RAW, 5L);

            CgroupSample s = reader.read(RAW).orElseThrow();
            assertThat(s.memoryMax()).isEqualTo(64L << 20);
            assertThat(s.cpuQuotaUsec()).isEqualTo(20_000);
            assertThat(s.cpuPeriodUsec()).isEqualTo(100_000);
            assertThat(s.tasksMax()).isEqualTo(5);
            if (v2) {
                assertThat(s.cpuWeight()).isEqualTo(200);
            } else {
                assertThat(s.cpuShares()).as("200 * 1024 / 100").isEqualTo(2048);
                assertThat(Files.readString(Path.of(reader.layout().controllerTree("memory") + RAW, "memory.limit_in_bytes")).strip())
                        .isEqualTo(String.valueOf(64L << 20));
            }

            writer.setMemoryMax(RAW, null);
            writer.setCpuQuota(RAW, null, 100_000);
            writer.setPidsMax(RAW, null);
            CgroupSample cleared = reader.read(RAW).orElseThrow();
            assertThat(cleared.memoryMax()).isNull();
            assertThat(cleared.cpuQuotaUsec()).isNull();
            assertThat(cleared.tasksMax()).isNull();

            assertThatThrownBy(() -> writer.setPidsMax(RAW + "-missing", 3L)).isInstanceOf(NotFoundException.class);
            if (!v2) {
                // v1 refuses a child quota above its parent's: the kernel's EINVAL, in its words
                makeRawCgroup(RAW + "/child");
                writer.setCpuQuota(RAW, 20_000L, 100_000);
                assertThatThrownBy(() -> writer.setCpuQuota(RAW + "/child", 50_000L, 100_000))
                        .isInstanceOf(ConflictException.class).hasMessageContaining("Invalid argument");
            }
        } finally {
            removeRawCgroups();
        }
    }

    @Test
    void theWorkingSetIsTheUsageLessTheInactivePageCacheTheKernelCounts() throws Exception {
        Path file = Files.createTempFile("hd-cg-cache", ".bin"); // the host's disk: real page cache
        try {
            makeRawCgroup(RAW);
            Path memory = Path.of(reader.layout().controllerTree("memory") + RAW);
            // a process in the cgroup writes 8 MiB: new page cache charged to it, on the inactive list
            Process p = new ProcessBuilder("sh", "-c", "echo $$ > \"$0\" && exec dd if=/dev/zero of=\"$1\" bs=1M count=8 status=none",
                    memory.resolve("cgroup.procs").toString(), file.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as(out).isZero();
            Thread.sleep(2_500); // the kernel folds its per-CPU memory statistics in every 2 s

            CgroupSample s = reader.read(RAW).orElseThrow();
            boolean v2 = reader.mode() == CgroupMode.V2;
            long usage = Long.parseLong(Files.readString(memory.resolve(v2 ? "memory.current" : "memory.usage_in_bytes")).strip());
            long inactive = statLine(memory.resolve("memory.stat"), v2 ? "inactive_file" : "total_inactive_file");
            long mib = 1 << 20;
            assertThat(inactive).as("the 8 MiB written, on the inactive list").isGreaterThanOrEqualTo(4 * mib);
            // the same figures as the files (within the kernel's per-CPU charge batches)
            assertThat(s.memoryInactiveFile()).isCloseTo(inactive, within(mib));
            assertThat(s.memoryBytes()).isCloseTo(usage, within(mib));
            assertThat(s.memoryWorkingSet()).isEqualTo(s.memoryBytes() - s.memoryInactiveFile())
                    .isCloseTo(usage - inactive, within(2 * mib)).isLessThan(usage - 3 * mib);
        } finally {
            removeRawCgroups();
            Files.deleteIfExists(file);
        }
    }

    // ------------------------------------------------------------------

    /** A "key value" line's value from a flat keyed file such as memory.stat. */
    private static long statLine(Path file, String key) throws IOException {
        return Files.readAllLines(file).stream().filter(l -> l.startsWith(key + " "))
                .mapToLong(l -> Long.parseLong(l.substring(key.length() + 1).strip())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + key + " in " + file));
    }

    private CgroupSample await(String path, Predicate<CgroupSample> condition) throws InterruptedException {
        Optional<CgroupSample> last = Optional.empty();
        for (int i = 0; i < 100; i++) {
            reader.limitsChanged(path); // systemd may write the limits just after the first read
            last = reader.read(path);
            if (last.isPresent() && condition.test(last.get())) {
                return last.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no reading of " + path + " met the condition in 10 s; last: " + last);
    }

    private static boolean positive(Long value) {
        return value != null && value > 0;
    }

    /**
     * On the kernel's own counters (which round each cgroup's ns down to µs): the idle units of a
     * busy slice are answered by the slice's sum, not read, and a unit that starts working later is
     * never missed for more than two passes — every pass's poll shows at least what its cpu.stat
     * said right after the pass two before.
     */
    @Test
    void aSlicesSumLeavesItsIdleUnitsUnreadAndMissesNoWorkForMoreThanTwoPasses() throws Exception {
        String work = "i=0; while [ $i -lt 300 ]; do i=$((i+1)); done";
        CgroupReader own = new CgroupReader(new HostProperties(testbed.root().toString(), null));
        try {
            run("systemd-run", "--unit=hd-sum-busy", "--slice=hdsum.slice", "/bin/sh", "-c",
                    "while :; do " + work + "; sleep 0.05; done");
            for (int i = 1; i <= 6; i++) {
                run("systemd-run", "--unit=hd-sum-idle" + i, "--slice=hdsum.slice", "/bin/sleep", "600");
            }
            run("systemd-run", "--unit=hd-sum-late", "--slice=hdsum.slice", "/bin/sh", "-c",
                    "sleep 6; while :; do " + work + "; sleep 0.3; done");
            String late = "/hdsum.slice/hd-sum-late.service";
            Path lateCpu = Path.of(own.layout().primary() + late, "cpu.stat");
            int passes = 40;
            List<Long> polled = new ArrayList<>();
            List<Long> truth = new ArrayList<>();
            int summed = 0;
            for (int p = 0; p < passes; p++) {
                Long seen = null;
                for (String path : own.beginPass()) {
                    Optional<CgroupSample> sample = own.poll(path);
                    if (path.equals(late) && sample.isPresent()) {
                        seen = sample.get().cpuUsageUsec();
                    }
                }
                summed += own.takeSummedStill();
                polled.add(seen);
                truth.add(usageUsec(lateCpu));
                Thread.sleep(300);
            }
            assertThat(truth.get(passes - 1)).as("the late unit worked during the passes").isGreaterThan(truth.get(0));
            for (int p = 0; p + 2 < passes; p++) {
                assertThat(polled.get(p + 2)).as("pass %d shows what cpu.stat said after pass %d (passes %s, truth %s)",
                        p + 2, p, polled, truth).isGreaterThanOrEqualTo(truth.get(p));
            }
            assertThat(summed).as("idle units answered by the slice's sum").isPositive();
        } finally {
            own.close();
            stop("hd-sum-busy");
            stop("hd-sum-late");
            for (int i = 1; i <= 6; i++) {
                stop("hd-sum-idle" + i);
            }
        }
    }

    private static long usageUsec(Path cpuStat) throws IOException {
        for (String line : Files.readAllLines(cpuStat)) {
            if (line.startsWith("usage_usec ")) {
                return Long.parseLong(line.substring("usage_usec ".length()).strip());
            }
        }
        throw new AssertionError("no usage_usec in " + cpuStat);
    }

    private void run(String... argv) {
        Testbed.Result result = testbed.exec(T, argv);
        assertThat(result.exitCode()).as(String.join(" ", argv) + ": " + result.stderr()).isZero();
    }

    private void stop(String unit) {
        testbed.exec(T, "systemctl", "stop", unit + ".service");
        testbed.exec(T, "systemctl", "reset-failed", unit + ".service");
    }

    private void stopUnits() {
        for (String unit : UNITS) {
            stop(unit);
        }
    }

    /** mkdir of the cgroup in every hierarchy the reader and writer use. */
    private void makeRawCgroup(String path) throws IOException {
        for (Path tree : rawTrees()) {
            Files.createDirectory(tree.resolve(path.substring(1)));
        }
    }

    /** The tree every cgroup is in, and the memory, cpu and pids hierarchies (real dirs, not symlinks). */
    private List<Path> rawTrees() {
        CgroupLayout layout = reader.layout();
        List<Path> trees = new ArrayList<>();
        trees.add(Path.of(layout.primary()));
        for (String controller : List.of("memory", "cpu", "pids")) {
            String tree = layout.controllerTree(controller);
            if (tree != null && !trees.contains(Path.of(tree))) {
                trees.add(Path.of(tree));
            }
        }
        return trees;
    }

    private void removeRawCgroups() throws IOException {
        for (Path tree : rawTrees()) {
            Files.deleteIfExists(tree.resolve(RAW.substring(1) + "/child"));
            Files.deleteIfExists(tree.resolve(RAW.substring(1)));
        }
    }
}
