package io.hostdeck.host.cgroupfs;

import static io.hostdeck.host.cgroupfs.CgroupParsersTest.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.hostdeck.error.ConflictException;
import io.hostdeck.error.InvalidInputException;
import io.hostdeck.error.NotFoundException;
import io.hostdeck.host.HostProperties;
import io.hostdeck.host.cgroupfs.CgroupSample.IoDevice;
import io.hostdeck.host.cgroupfs.CgroupSample.Pressure;

/**
 * The reader (and the writer) over directory trees laid out like each layout's cgroup file
 * system, holding the real files of {@link CgroupParsersTest}. What only the kernel does (ENODEV
 * on an open file of a removed cgroup) is covered by CgroupReaderIT.
 */
class CgroupReaderTest {

    @TempDir
    Path root;

    private CgroupReader reader;

    @AfterEach
    void close() {
        if (reader != null) {
            reader.close();
        }
    }

    // ------------------------------------------------------------------ v2

    @Test
    void v2ListsEveryCgroupParentsFirst() throws IOException {
        v2Tree();
        reader = reader();
        assertThat(reader.mode()).isEqualTo(CgroupMode.V2);
        List<String> expected = List.of("/", "/hd.slice", "/hd.slice/busy.service", "/hd.slice/plain.slice",
                "/hd.slice/plain.slice/leaf.service");
        assertThat(reader.list()).containsExactlyElementsOf(expected);
        expected.forEach(reader::read);
        assertThat(reader.list()).as("again, leaves known by cgroup.stat").containsExactlyElementsOf(expected);
    }

    @Test
    void v2ReadsEveryFieldFromItsFile() throws IOException {
        v2Tree();
        reader = reader();
        CgroupSample s = reader.read("/hd.slice/busy.service").orElseThrow();

        assertThat(s.path()).isEqualTo("/hd.slice/busy.service");
        assertThat(List.of(s.cpuUsageUsec(), s.cpuUserUsec(), s.cpuSystemUsec())).containsExactly(1029753L, 877822L, 151930L);
        assertThat(List.of(s.cpuPeriods(), s.cpuThrottled(), s.cpuThrottledUsec())).containsExactly(54L, 51L, 4051554L);
        assertThat(s.cpuQuotaUsec()).isEqualTo(20000);
        assertThat(s.cpuPeriodUsec()).isEqualTo(100000);
        assertThat(s.cpuWeight()).isEqualTo(200);
        assertThat(s.cpuShares()).isNull();
        assertThat(s.memoryBytes()).isEqualTo(118784);
        assertThat(s.memoryMax()).as("max").isNull();
        assertThat(s.memoryHigh()).isEqualTo(67108864);
        assertThat(s.memoryAnon()).isEqualTo(516096);
        assertThat(s.memoryFile()).isEqualTo(8683520);
        assertThat(s.memoryInactiveFile()).isEqualTo(2789376);
        assertThat(s.memoryWorkingSet()).as("memory.current below inactive_file (files of two cgroups): floored").isZero();
        assertThat(s.swapBytes()).isZero();
        assertThat(s.memoryFailcnt()).isNull();
        assertThat(s.oomEvents()).isZero();
        assertThat(s.oomKills()).isZero();
        assertThat(s.ioReadBytes()).isEqualTo(3145728);
        assertThat(s.ioWriteBytes()).isEqualTo(4194304);
        assertThat(s.ioDevices()).containsExactly(new IoDevice(254, 0, 3145728, 4194304));
        assertThat(s.tasks()).isZero();
        assertThat(s.tasksMax()).isEqualTo(7);
        assertThat(s.cpuPressure()).isEqualTo(new Pressure(22.63, 22.51, 2850305, 2847167L));
        assertThat(s.memoryPressure()).isEqualTo(new Pressure(0.09, 0.09, 41153, 41153L));
        assertThat(s.ioPressure()).isEqualTo(new Pressure(0.12, 0.12, 37250, 37250L));
        assertThat(s.readAtNanos()).isPositive();
    }

    @Test
    void v2FilesTheCgroupLacksAreNullNeverZero() throws IOException {
        v2Tree();
        reader = reader();
        // the root has no memory.current, memory.max, pids.* or cpu.max
        CgroupSample rootSample = reader.read("/").orElseThrow();
        assertThat(rootSample.cpuUsageUsec()).isEqualTo(6984000);
        assertThat(rootSample.ioReadBytes()).isEqualTo(3158016);
        assertThat(rootSample.memoryAnon()).isEqualTo(516096);
        assertThat(rootSample.memoryBytes()).isNull();
        assertThat(rootSample.memoryInactiveFile()).isEqualTo(2789376);
        assertThat(rootSample.memoryWorkingSet()).as("no memory.current at the root").isNull();
        assertThat(rootSample.tasks()).isNull();
        assertThat(rootSample.tasksMax()).isNull();
        assertThat(rootSample.cpuQuotaUsec()).isNull();
        assertThat(rootSample.cpuPeriodUsec()).isNull();
        assertThat(rootSample.oomKills()).isNull();
        // a leaf whose parent enables only memory and pids: no cpu.max, cpu.weight, io.stat, nr_periods
        CgroupSample leaf = reader.read("/hd.slice/plain.slice/leaf.service").orElseThrow();
        assertThat(leaf.cpuUsageUsec()).isEqualTo(244002);
        assertThat(leaf.cpuPeriods()).isNull();
        assertThat(leaf.cpuThrottledUsec()).isNull();
        assertThat(leaf.cpuQuotaUsec()).isNull();
        assertThat(leaf.cpuWeight()).isNull();
        assertThat(leaf.ioReadBytes()).isNull();
        assertThat(leaf.ioWriteBytes()).isNull();
        assertThat(leaf.ioDevices()).isNull();
        assertThat(leaf.memoryMax()).isEqualTo(33554432);
        assertThat(leaf.oomKills()).isEqualTo(1);
    }

    @Test
    void countersAreReadEachTimeLimitsEveryFewSecondsOrWhenTold() throws IOException {
        v2Tree();
        reader = reader();
        Path busy = unified().resolve("hd.slice/busy.service");
        assertThat(reader.read("/hd.slice/busy.service").orElseThrow().memoryMax()).isNull();

        Files.writeString(busy.resolve("memory.current"), "4096\n"); // in place: the kept file sees it
        Files.writeString(busy.resolve("memory.max"), "1048576\n");
        CgroupSample next = reader.read("/hd.slice/busy.service").orElseThrow();
        assertThat(next.memoryBytes()).isEqualTo(4096);
        assertThat(next.memoryMax()).as("a limit: kept for " + CgroupReader.LIMITS_SECONDS + " s").isNull();

        reader.limitsChanged("/hd.slice/busy.service");
        assertThat(reader.read("/hd.slice/busy.service").orElseThrow().memoryMax()).isEqualTo(1048576);
    }

    @Test
    void aPollOfACgroupWhoseCpuTimeDidNotMoveIsThePreviousReadingAndOneThatMovedIsReadAfresh() throws Exception {
        Path busy = busyWithoutPressure(); // pressure above zero is read again while idle
        CgroupSample first = reader.poll("/hd.slice/busy.service").orElseThrow();

        Files.writeString(busy.resolve("memory.current"), "4096\n");
        assertThat(reader.poll("/hd.slice/busy.service")).as("idle: not re-read").containsSame(first);
        assertThat(reader.read("/hd.slice/busy.service").orElseThrow().memoryBytes())
                .as("read() always reads").isEqualTo(4096);

        Files.writeString(busy.resolve("memory.current"), "8192\n");
        Files.writeString(busy.resolve("cpu.stat"), V2_BUSY_CPU_STAT.replace("usage_usec ", "usage_usec 1"));
        CgroupSample moved = reader.poll("/hd.slice/busy.service").orElseThrow();
        assertThat(moved).isNotSameAs(first);
        assertThat(moved.cpuUsageUsec()).isGreaterThan(first.cpuUsageUsec());
        assertThat(moved.memoryBytes()).as("a running cgroup's memory: every " + CgroupReader.COUNTERS_SECONDS
                + " s, as read() read it just before").isEqualTo(4096);
        assertThat(moved.tasksMax()).as("limits carried between their reads").isEqualTo(first.tasksMax());

        Thread.sleep(CgroupReader.COUNTERS_SECONDS * 1000L + 100);
        Files.writeString(busy.resolve("cpu.stat"), V2_BUSY_CPU_STAT.replace("usage_usec ", "usage_usec 2"));
        CgroupSample later = reader.poll("/hd.slice/busy.service").orElseThrow();
        assertThat(later.memoryBytes()).isEqualTo(8192);
        assertThat(later.ioAtNanos()).as("IO read again, and when").isGreaterThan(moved.ioAtNanos())
                .isEqualTo(later.readAtNanos());
        assertThat(moved.ioAtNanos()).as("IO as read before, with its time").isLessThan(moved.readAtNanos());
    }

    @Test
    void aCgroupThatStopsRunningBetweenTwoReadsOfItsCountersHasThemReadOnceMore() throws Exception {
        // a service's first reading can come before its first fork (its cgroup is made first); its
        // CPU then moves once and stops: the tasks read before must not stand until the refresh
        Path busy = busyWithoutPressure();
        CgroupSample first = reader.poll("/hd.slice/busy.service").orElseThrow();

        Files.writeString(busy.resolve("pids.current"), "7\n");
        Files.writeString(busy.resolve("cpu.stat"), V2_BUSY_CPU_STAT.replace("usage_usec ", "usage_usec 1"));
        CgroupSample moved = reader.poll("/hd.slice/busy.service").orElseThrow();
        assertThat(moved.tasks()).as("not due yet: as read before").isEqualTo(first.tasks()).isNotEqualTo(7);
        assertThat(reader.poll("/hd.slice/busy.service")).as("stopped, counters not due: not re-read").containsSame(moved);

        Thread.sleep(CgroupReader.COUNTERS_SECONDS * 1000L + 100);
        CgroupSample caughtUp = reader.poll("/hd.slice/busy.service").orElseThrow();
        assertThat(caughtUp.tasks()).as("read once more after it stopped").isEqualTo(7);
        assertThat(caughtUp.cpuUsageUsec()).isEqualTo(moved.cpuUsageUsec());
        Files.writeString(busy.resolve("pids.current"), "9\n");
        Thread.sleep(CgroupReader.COUNTERS_SECONDS * 1000L + 100);
        assertThat(reader.poll("/hd.slice/busy.service")).as("once: idle since, not re-read").containsSame(caughtUp);
    }

    @Test
    void aNewCgroupsLimitsAreReadAgainSoonAfterItsFirstReading() throws Exception {
        // a runtime makes a container's cgroup, then writes its limits: the first reading can come between
        Path busy = busyWithoutPressure();
        CgroupSample first = reader.poll("/hd.slice/busy.service").orElseThrow();
        Files.writeString(busy.resolve("memory.max"), "67108864\n");
        Files.writeString(busy.resolve("cpu.stat"), V2_BUSY_CPU_STAT.replace("usage_usec ", "usage_usec 1"));
        assertThat(reader.poll("/hd.slice/busy.service").orElseThrow().memoryMax()).as("running, not due yet")
                .isEqualTo(first.memoryMax());
        Thread.sleep(CgroupReader.SETTLE_SECONDS * 1000L + 100);
        Files.writeString(busy.resolve("cpu.stat"), V2_BUSY_CPU_STAT.replace("usage_usec ", "usage_usec 2"));
        assertThat(reader.poll("/hd.slice/busy.service").orElseThrow().memoryMax())
                .as("read again %d s after the first reading (not the minute of a running cgroup's limits)",
                        CgroupReader.SETTLE_SECONDS)
                .isEqualTo(67108864L);
    }

    @Test
    void aPollByIndexReadsTheCgroupOfThatPathAlsoAfterTheWalkChanged() throws IOException {
        v2Tree();
        reader = reader();
        List<String> walk = reader.beginPass();
        for (int i = 0; i < walk.size(); i++) {
            assertThat(reader.poll(i, walk.get(i)).path()).isEqualTo(walk.get(i));
        }
        // a cgroup made before busy.service in the walk: the ones after it move one place on
        Path made = unified().resolve("hd.slice/aaa.service");
        leafMade(made);
        put(unified(), "cgroup.stat", "nr_descendants 5\nnr_dying_descendants 0\n");
        put(unified().resolve("hd.slice"), "cgroup.stat", "nr_descendants 4\nnr_dying_descendants 0\n");
        List<String> next = reader.beginPass();
        assertThat(next).hasSize(walk.size() + 1).contains("/hd.slice/aaa.service");
        for (int i = 0; i < next.size(); i++) {
            CgroupSample s = reader.poll(i, next.get(i));
            assertThat(s.path()).isEqualTo(next.get(i));
        }
        assertThat(reader.poll(2, "/hd.slice/aaa.service").cpuUsageUsec()).isEqualTo(244002);
        assertThat(reader.poll(0, "/hd.slice/busy.service").path()).as("a path not at that index: still its own cgroup")
                .isEqualTo("/hd.slice/busy.service");
        assertThat(reader.poll(99, "/hd.slice/nothere.service")).as("no such cgroup").isNull();
    }

    @Test
    void aCgroupMadeInTheTickAnotherWentIsListedAtTheNextPass() throws IOException {
        v2Tree();
        reader = reader();
        List<String> first = reader.beginPass();
        first.forEach(p -> reader.poll(p));
        assertThat(reader.beginPass()).as("nothing changed").isSameAs(first);
        // one went (dying now) and one came: the live count is the same
        Path made = unified().resolve("hd.slice/new.service");
        leafMade(made);
        put(unified(), "cgroup.stat", "nr_descendants 4\nnr_dying_descendants 1\n");
        assertThat(reader.beginPass()).contains("/hd.slice/new.service");
    }

    @Test
    void aWalkDueByTheClockAloneTakesKnownLeavesAsLeavesUntilTheirCheckIsDue() throws IOException {
        v2Tree();
        reader = reader();
        List<String> first = reader.beginPass();
        first.forEach(p -> reader.poll(p));
        reader.walkDueNow(true);
        assertThat(reader.beginPass()).as("walked again with every leaf checked: the same walk").isSameAs(first);
        // a leaf got a child while another cgroup went, in one tick: the root's count is the same
        Path busy = unified().resolve("hd.slice/busy.service");
        Path child = busy.resolve("inner");
        leafMade(child);
        put(busy, "cgroup.stat", "nr_descendants 1\nnr_dying_descendants 0\n");

        reader.walkDueNow(false);
        assertThat(reader.beginPass()).as("the directories listed, known leaves taken as leaves: the same walk")
                .isSameAs(first);
        reader.walkDueNow(true);
        assertThat(reader.beginPass()).as("the leaves' check due: the child is found")
                .contains("/hd.slice/busy.service/inner").hasSize(first.size() + 1);
    }

    @Test
    void aRunningCgroupsSlowCountersAreReadAgainOnlyOnceItsMemoryMoved() throws Exception {
        v2Tree();
        reader = reader();
        Path busy = unified().resolve("hd.slice/busy.service");
        Path leaf = unified().resolve("hd.slice/plain.slice/leaf.service");
        noPressure(busy);
        noPressure(leaf);
        assertThat(reader.poll("/hd.slice/busy.service").orElseThrow().oomKills()).isZero();
        assertThat(reader.poll("/hd.slice/plain.slice/leaf.service").orElseThrow().oomKills()).isEqualTo(1);

        // an OOM kill frees memory; here the busy cgroup's count moves while its memory does not,
        // which shows that the file was not read; the leaf's memory moved, and its count is read
        Files.writeString(busy.resolve("memory.events"), V2_BUSY_MEMORY_EVENTS.replace("oom_kill 0", "oom_kill 5"));
        Files.writeString(leaf.resolve("memory.events"), V2_OOM_MEMORY_EVENTS.replace("oom_kill 1", "oom_kill 2"));
        Files.writeString(leaf.resolve("memory.current"), "8192\n");
        Thread.sleep(CgroupReader.SLOW_SECONDS * 1000L + 100);
        Files.writeString(busy.resolve("cpu.stat"), V2_BUSY_CPU_STAT.replace("usage_usec ", "usage_usec 1"));
        Files.writeString(leaf.resolve("cpu.stat"), V2_LEAF_CPU_STAT.replace("usage_usec ", "usage_usec 1"));

        CgroupSample still = reader.poll("/hd.slice/busy.service").orElseThrow();
        CgroupSample moved = reader.poll("/hd.slice/plain.slice/leaf.service").orElseThrow();
        assertThat(still.memoryBytes()).isEqualTo(118784);
        assertThat(still.oomKills()).as("memory unmoved: the slow counters as last read").isZero();
        assertThat(moved.memoryBytes()).isEqualTo(8192);
        assertThat(moved.oomKills()).isEqualTo(2);
        assertThat(reader.read("/hd.slice/busy.service").orElseThrow().oomKills()).as("read() reads all").isEqualTo(5);
    }

    @Test
    void anIdleCgroupUnderPressureHasItsPressureReadAgainAndOneWithoutDoesNot() throws Exception {
        v2Tree();
        reader = reader();
        Path busy = unified().resolve("hd.slice/busy.service"); // cpu.pressure some avg10=22.63
        Path leaf = unified().resolve("hd.slice/plain.slice/leaf.service");
        put(leaf, "cpu.pressure", V2_ROOT_MEMORY_PRESSURE); // all zero
        CgroupSample stuck = reader.poll("/hd.slice/busy.service").orElseThrow();
        CgroupSample quiet = reader.poll("/hd.slice/plain.slice/leaf.service").orElseThrow();

        Files.writeString(busy.resolve("io.pressure"), HY_IO_PRESSURE); // tasks waiting on IO, using no CPU
        Files.writeString(leaf.resolve("io.pressure"), HY_IO_PRESSURE);
        Thread.sleep(CgroupReader.PRESSURE_SECONDS * 1000L + 100);

        CgroupSample again = reader.poll("/hd.slice/busy.service").orElseThrow();
        assertThat(again.ioPressure().someAvg10()).isEqualTo(0.24);
        assertThat(again.cpuUsageUsec()).isEqualTo(stuck.cpuUsageUsec());
        assertThat(again.readAtNanos()).isGreaterThan(stuck.readAtNanos());
        assertThat(reader.poll("/hd.slice/plain.slice/leaf.service")).as("no pressure: left until its refresh")
                .containsSame(quiet);
    }

    @Test
    void anIdleCgroupWhoseStallTotalsStoppedHasItsPressureReadAtDoublingIntervals() throws Exception {
        v2Tree();
        reader = reader();
        Path busy = unified().resolve("hd.slice/busy.service"); // cpu.pressure some avg10=22.63
        CgroupSample first = reader.poll("/hd.slice/busy.service").orElseThrow();
        Thread.sleep(CgroupReader.PRESSURE_SECONDS * 1000L + 100);
        CgroupSample again = reader.poll("/hd.slice/busy.service").orElseThrow();
        assertThat(again.readAtNanos()).as("re-read after %d s", CgroupReader.PRESSURE_SECONDS)
                .isGreaterThan(first.readAtNanos());

        // the totals were the same: the next re-read waits twice as long
        Files.writeString(busy.resolve("io.pressure"), HY_IO_PRESSURE); // a stall starts
        Thread.sleep(CgroupReader.PRESSURE_SECONDS * 1000L + 100);
        assertThat(reader.poll("/hd.slice/busy.service")).as("not yet").containsSame(again);
        Thread.sleep(CgroupReader.PRESSURE_SECONDS * 1000L + 100);
        CgroupSample later = reader.poll("/hd.slice/busy.service").orElseThrow();
        assertThat(later.ioPressure().someAvg10()).as("after twice the interval").isEqualTo(0.24);
        assertThat(later.cpuUsageUsec()).isEqualTo(first.cpuUsageUsec());
    }

    @Test
    void theChildrenOfACgroupThatDidNotRunAreNotReadAtAll() throws IOException {
        v2Tree();
        reader = reader();
        Path slice = unified().resolve("hd.slice");
        Path busy = slice.resolve("busy.service");
        noPressure(busy);
        CgroupSample first = pass().get("/hd.slice/busy.service");
        pass();

        // not what a kernel does (a parent's CPU time includes its children's): it shows that the
        // child's file was not read because the parent's had not moved
        Files.writeString(busy.resolve("cpu.stat"), V2_BUSY_CPU_STAT.replace("usage_usec ", "usage_usec 1"));
        assertThat(pass().get("/hd.slice/busy.service")).isSameAs(first);

        for (Path above : List.of(unified(), slice)) { // as the kernel counts: the CPU time of every ancestor moves
            Files.writeString(above.resolve("cpu.stat"), V2_ROOT_CPU_STAT.replace("usage_usec ", "usage_usec 1"));
        }
        assertThat(pass().get("/hd.slice/busy.service").cpuUsageUsec()).isGreaterThan(first.cpuUsageUsec());
    }

    @Test
    void aCoolCgroupUnderBusyParentsIsReadEveryOtherPassSoWorkShowsWithinTwo() throws IOException {
        v2Tree();
        reader = reader();
        Path slice = unified().resolve("hd.slice");
        Path busy = slice.resolve("busy.service");
        noPressure(busy);
        int work = 10;
        CgroupSample first = null;
        // the first passes: the parents work at every pass (as system.slice does), the leaf does
        // not; after COOL_POLLS still polls the leaf is cool; an even number of them, so the next is odd
        for (int i = 0; i < coolingPasses(); i++) {
            parentsWork(slice, work++);
            CgroupSample s = pass().get("/hd.slice/busy.service");
            first = first == null ? s : first;
        }
        Files.writeString(busy.resolve("cpu.stat"), V2_BUSY_CPU_STAT.replace("usage_usec ", "usage_usec 1"));
        List<Boolean> shown = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            parentsWork(slice, work++);
            shown.add(pass().get("/hd.slice/busy.service").cpuUsageUsec() > first.cpuUsageUsec());
        }
        assertThat(shown).as("the odd pass leaves the cool leaf unread; the even one shows its work: within two ticks")
                .containsExactly(false, true);
    }

    @Test
    void aCoolCgroupWhoseParentsTimeItsBusySiblingExplainsIsLeftUnreadUntilTheAnchorRunsOut() throws IOException {
        Path slice = family();
        Path plain = slice.resolve("plain.slice");
        long[] busy = { 1_000_000 };
        long plainTime = 500_000;
        int i = 0;
        CgroupSample first = null;
        // the first passes: the busy sibling works; the slice's time is its own (constant) plus its children's
        for (; i < coolingPasses(); i++) {
            family(slice, busy, plainTime, 0, i);
            first = pass().get("/hd.slice/plain.slice");
        }
        // a change written only into plain.slice's file (the kernel would also add it to the slice's):
        // while the slice's time is what its children are known to have used, give or take a µs of
        // rounding for the one child that moved, plain.slice is known not to have run and is not read
        Files.writeString(plain.resolve("cpu.stat"), cpuStat(plainTime + 777));
        List<Long> seen = new java.util.ArrayList<>();
        for (int p = 0; p < CgroupReader.ANCHOR_PASSES + 2; p++, i++) {
            family(slice, busy, plainTime, p % 2, i);
            seen.add(pass().get("/hd.slice/plain.slice").cpuUsageUsec());
        }
        // the anchor was set at the last even pass before plain.slice cooled, at most two before the
        // first of these; seen.get(k) is pass coolingPasses() + 1 + k
        int k = seen.indexOf(plainTime + 777);
        assertThat(k).as("read in the end: %s", seen).isPositive();
        assertThat(seen.subList(0, k)).containsOnly(first.cpuUsageUsec());
        assertThat(seen.subList(k, seen.size())).containsOnly(plainTime + 777);
        assertThat(k).as("unread while the anchor serves (the old way read it at the next even pass)")
                .isGreaterThanOrEqualTo(CgroupReader.ANCHOR_PASSES - coolingPasses());
        assertThat((coolingPasses() + 1 + k) % 2).as("read at an even pass, the first after the anchor ran out").isZero();
    }

    @Test
    void aParentReadsItselfAgainRightBeforeItsChildrenSoWorkSinceItsParentsPollDoesNotSpoilTheSum() throws IOException {
        Path slice = family();
        Path plain = slice.resolve("plain.slice");
        long[] busy = { 1_000_000 };
        int i = 0;
        for (; i < coolingPasses(); i++) {
            family(slice, busy, 500_000, 0, i);
            pass();
        }
        Files.writeString(plain.resolve("cpu.stat"), cpuStat(500_777)); // only its file: shows whether it is read
        int unread = 0;
        for (int p = 0; p < 4; p++, i++) {
            family(slice, busy, 500_000, 0, i);
            List<String> paths = reader.beginPass();
            reader.poll(paths.get(0)); // the root: it reads hd.slice's time for its own sum
            family(slice, busy, 500_000, 0, i); // the busy service works again before hd.slice's poll
            java.util.Map<String, CgroupSample> out = new java.util.HashMap<>();
            for (String path : paths.subList(1, paths.size())) {
                reader.poll(path).ifPresent(x -> out.put(path, x));
            }
            unread += out.get("/hd.slice/plain.slice").cpuUsageUsec() == 500_000 ? 1 : 0;
        }
        assertThat(unread).as("hd.slice's sum, taken at its own poll, answers for plain.slice in all four passes")
                .isEqualTo(4);
    }

    @Test
    void aCoolCgroupThatStartsWorkingUnderAParentWithABusyChildShowsWithinTwo() throws IOException {
        Path slice = family();
        Path plain = slice.resolve("plain.slice");
        long[] busy = { 1_000_000 };
        int i = 0;
        for (; i < coolingPasses() + 2; i++) { // cool, and left unread (the next two passes) by the sum
            family(slice, busy, 500_000, 0, i);
            assertThat(pass().get("/hd.slice/plain.slice").cpuUsageUsec()).isEqualTo(500_000);
        }
        for (int work : List.of(2, 40)) { // 2 µs: more than the rounding of the one child that moved
            long time = 500_000 + work;
            List<Long> seen = new java.util.ArrayList<>();
            for (int p = 0; p < 2; p++, i++) {
                family(slice, busy, time, 0, i);
                Files.writeString(plain.resolve("cpu.stat"), cpuStat(time));
                seen.add(pass().get("/hd.slice/plain.slice").cpuUsageUsec());
            }
            assertThat(seen).as("%d µs of work shows within two passes", work).contains(time);
            for (int p = 0; p < 4; p++, i++) { // still again, after the new anchor
                family(slice, busy, time, 0, i);
                pass();
            }
        }
    }

    @Test
    void aCoolCgroupThatStartsWorkingIsFoundWithoutReadingTheCoolSiblingsAfterIt() throws IOException {
        Path slice = family();
        List<String> services = new java.util.ArrayList<>();
        for (int n = 1; n <= 4; n++) {
            Path c = slice.resolve("c" + n + ".service");
            leafMade(c);
            put(c, "cpu.stat", cpuStat(100_000));
            noPressure(c);
            services.add("/hd.slice/c" + n + ".service");
        }
        long[] busy = { 1_000_000 };
        long children = 500_000 + 4 * 100_000; // plain.slice and the four services
        int i = 0;
        List<String> walk = null;
        for (; i < coolingPasses(); i++) {
            family(slice, busy, children, 0, i);
            pass();
            walk = reader.beginPass(); // the same list the next pass takes
        }
        List<String> inOrder = walk.stream().filter(services::contains).toList();
        String runner = inOrder.get(0);
        // the runner works (in its file and its parent's); each sibling after it gets a mark in its
        // own file only, which shows whether it was read
        Files.writeString(unified().resolve(runner.substring(1) + "/cpu.stat"), cpuStat(100_000 + 5_000));
        for (String after : inOrder.subList(1, inOrder.size())) {
            Files.writeString(unified().resolve(after.substring(1) + "/cpu.stat"), cpuStat(100_777));
        }
        List<java.util.Map<String, CgroupSample>> passes = new java.util.ArrayList<>();
        for (int p = 0; p < 2; p++, i++) {
            family(slice, busy, children + 5_000, 0, i);
            passes.add(pass());
        }
        assertThat(passes.get(1).get(runner).cpuUsageUsec()).as("its work shows within two passes").isEqualTo(105_000);
        for (String after : inOrder.subList(1, inOrder.size())) {
            assertThat(passes.get(1).get(after).cpuUsageUsec()).as("%s: after the runner, not read", after)
                    .isEqualTo(100_000);
        }
    }

    /** The v2 tree and the reader; busy.service's directory, with no pressure (so only its CPU time decides what is read). */
    private Path busyWithoutPressure() throws IOException {
        v2Tree();
        reader = reader();
        Path busy = unified().resolve("hd.slice/busy.service");
        noPressure(busy);
        return busy;
    }

    /**
     * Passes after which a cgroup that stopped is cool (COOL_POLLS still polls after its first
     * reading), rounded up to an even number so that the next pass is one that skips cool cgroups.
     */
    private static int coolingPasses() {
        int n = CgroupReader.COOL_POLLS + 1;
        return n + n % 2;
    }

    /**
     * The v2 tree as a family: hd.slice with busy.service and plain.slice (500 ms of CPU), no
     * pressure anywhere, and the reader; hd.slice's directory.
     */
    private Path family() throws IOException {
        v2Tree();
        Path slice = unified().resolve("hd.slice");
        Path plain = slice.resolve("plain.slice");
        put(plain, "cpu.stat", cpuStat(500_000)); // every cgroup2 cgroup has one
        reader = reader();
        for (Path cgroup : List.of(slice.resolve("busy.service"), plain, plain.resolve("leaf.service"))) {
            noPressure(cgroup);
        }
        return slice;
    }

    /**
     * Pass {@code i} of a family: busy.service works (1 ms more), hd.slice's time is its own 7 ms
     * plus its children's (plus {@code rounding} µs), the root's moves by its own work too.
     */
    private void family(Path slice, long[] busy, long plainTime, long rounding, int i) throws IOException {
        busy[0] += 1000;
        Files.writeString(slice.resolve("busy.service/cpu.stat"), cpuStat(busy[0]));
        long sliceTime = 7_000 + busy[0] + plainTime + rounding;
        Files.writeString(slice.resolve("cpu.stat"), cpuStat(sliceTime));
        Files.writeString(unified().resolve("cpu.stat"), cpuStat(sliceTime + 90_000 + 10L * i));
    }

    private static String cpuStat(long usage) {
        return V2_BUSY_CPU_STAT.replace("usage_usec 1029753", "usage_usec " + usage);
    }

    /** The CPU time of the root and of {@code slice} moves (a different, larger value for each {@code work}). */
    private void parentsWork(Path slice, int work) throws IOException {
        for (Path above : List.of(unified(), slice)) {
            Files.writeString(above.resolve("cpu.stat"), V2_ROOT_CPU_STAT.replace("usage_usec ", "usage_usec " + work));
        }
    }

    /** A cgroup with no controllers of its own and the files the walk and a CPU poll read. */
    private static void leafMade(Path cgroup) throws IOException {
        put(cgroup, "cgroup.controllers", "");
        put(cgroup, "cgroup.stat", HY_CGROUP_STAT_LEAF);
        put(cgroup, "cpu.stat", V2_LEAF_CPU_STAT);
    }

    private static void noPressure(Path cgroup) throws IOException {
        for (String file : List.of("cpu.pressure", "memory.pressure", "io.pressure")) {
            put(cgroup, file, V2_ROOT_MEMORY_PRESSURE); // all zero
        }
    }

    /** One sampler's pass: beginPass(), then poll() of each cgroup, parents first. */
    private java.util.Map<String, CgroupSample> pass() {
        java.util.Map<String, CgroupSample> out = new java.util.HashMap<>();
        for (String path : reader.beginPass()) {
            reader.poll(path).ifPresent(s -> out.put(path, s));
        }
        return out;
    }

    @Test
    void aCgroupThatStopsRunningKeepsOnlyItsCpuFileOpen() throws IOException {
        v2Tree();
        reader = reader();
        Path busy = unified().resolve("hd.slice/busy.service");
        String cpuStat = V2_BUSY_CPU_STAT;
        for (int i = 0; i < 3; i++) { // running: every poll reads the per-tick files, and keeps them open
            cpuStat = cpuStat.replace("usage_usec ", "usage_usec 1");
            Files.writeString(busy.resolve("cpu.stat"), cpuStat);
            reader.poll("/hd.slice/busy.service");
        }
        int running = reader.openFiles();
        assertThat(running).as("cpu.stat, memory.current, io.stat, pids.current, 3 pressure files").isEqualTo(7);
        for (int i = 0; i < CgroupReader.COOL_POLLS; i++) {
            reader.poll("/hd.slice/busy.service");
        }
        assertThat(reader.openFiles()).as("only cpu.stat, after %d still polls", CgroupReader.COOL_POLLS)
                .isEqualTo(1);
    }

    @Test
    void underATightBudgetACgroupThatStopsRunningGivesBackEvenItsCpuFile() throws IOException {
        CgroupSample last = ranThenCooled(8); // 7 files of a running cgroup: seven eighths
        assertThat(reader.openFiles()).as("cool, at seven eighths of the budget: none kept").isZero();
        Path cpuStat = unified().resolve("hd.slice/busy.service/cpu.stat");
        Files.writeString(cpuStat, Files.readString(cpuStat).replace("usage_usec ", "usage_usec 1"));
        assertThat(reader.poll("/hd.slice/busy.service").orElseThrow().cpuUsageUsec())
                .as("still read, opened for the read").isGreaterThan(last.cpuUsageUsec());
    }

    @Test
    void aCoolCgroupKeepsItsCpuFileWhileBelowSevenEighthsOfTheBudget() throws IOException {
        ranThenCooled(10); // 7 files of a running cgroup: past half, below 7/8
        assertThat(reader.openFiles()).as("cool: its CPU file kept, the budget being far from spent").isEqualTo(1);
    }

    /**
     * A reader with a budget of {@code budget} files, and busy.service run for three polls (its 7
     * per-tick files open) and then still for COOL_POLLS: its last reading.
     */
    private CgroupSample ranThenCooled(int budget) throws IOException {
        v2Tree();
        reader = new CgroupReader(host(), budget, false);
        Path busy = unified().resolve("hd.slice/busy.service");
        String cpuStat = V2_BUSY_CPU_STAT;
        for (int i = 0; i < 3; i++) {
            cpuStat = cpuStat.replace("usage_usec ", "usage_usec 1");
            Files.writeString(busy.resolve("cpu.stat"), cpuStat);
            reader.poll("/hd.slice/busy.service");
        }
        assertThat(reader.openFiles()).as("running: its per-tick files").isEqualTo(7);
        CgroupSample last = null;
        for (int i = 0; i < CgroupReader.COOL_POLLS; i++) {
            last = reader.poll("/hd.slice/busy.service").orElseThrow();
        }
        return last;
    }

    @Test
    void aPassWalksTheTreeAgainWhenTheRootCountsOtherDescendantsOrAListedCgroupIsGoneListAlways() throws IOException {
        v2Tree();
        reader = reader();
        List<String> first = reader.beginPass();
        Path extra = unified().resolve("hd.slice/extra.service");
        put(extra, "cgroup.stat", HY_CGROUP_STAT_LEAF);
        put(extra, "cpu.stat", V2_LEAF_CPU_STAT);
        assertThat(reader.beginPass()).as("root's nr_descendants unchanged: the last walk stands")
                .containsExactlyElementsOf(first);
        assertThat(reader.list()).as("list() walks every time").contains("/hd.slice/extra.service");
        put(unified(), "cgroup.stat", "nr_descendants 5\nnr_dying_descendants 0\n");
        assertThat(reader.beginPass()).as("the root counts one more").contains("/hd.slice/extra.service");

        deleteTree(extra); // one gone, one made between two passes: the same count
        put(unified().resolve("hd.slice/other.service"), "cgroup.stat", HY_CGROUP_STAT_LEAF);
        assertThat(reader.beginPass()).contains("/hd.slice/extra.service").doesNotContain("/hd.slice/other.service");
        assertThat(reader.poll("/hd.slice/extra.service")).isEmpty();
        assertThat(reader.beginPass()).as("a listed cgroup found gone").doesNotContain("/hd.slice/extra.service")
                .contains("/hd.slice/other.service");
    }

    // ------------------------------------------------------------------ hybrid

    @Test
    void hybridTakesCpuAndPressureFromTheUnifiedTreeAndTheRestFromV1() throws IOException {
        hybridTree();
        reader = reader();
        assertThat(reader.mode()).isEqualTo(CgroupMode.HYBRID);
        assertThat(reader.list()).containsExactly("/", "/system.slice", "/system.slice/dbus.service",
                "/system.slice/hd-cg-busy.service");

        CgroupSample s = reader.read("/system.slice/hd-cg-busy.service").orElseThrow();
        assertThat(List.of(s.cpuUsageUsec(), s.cpuUserUsec(), s.cpuSystemUsec())).containsExactly(3060806L, 3053567L, 7238L);
        assertThat(List.of(s.cpuPeriods(), s.cpuThrottled())).containsExactly(102L, 101L);
        assertThat(s.cpuThrottledUsec()).as("ns to µs").isEqualTo(6815230);
        assertThat(s.cpuQuotaUsec()).isEqualTo(30000);
        assertThat(s.cpuPeriodUsec()).isEqualTo(100000);
        assertThat(s.cpuShares()).isEqualTo(1024);
        assertThat(s.cpuWeight()).isNull();
        assertThat(s.memoryBytes()).isEqualTo(614400);
        assertThat(s.memoryMax()).isEqualTo(33554432);
        assertThat(s.memoryHigh()).isNull();
        assertThat(s.memoryAnon()).as("total_rss").isEqualTo(999424);
        assertThat(s.memoryFile()).as("total_cache").isEqualTo(8413184);
        assertThat(s.memoryInactiveFile()).as("total_inactive_file").isZero();
        assertThat(s.memoryWorkingSet()).as("usage - total_inactive_file").isEqualTo(614400);
        assertThat(s.swapBytes()).as("memsw - usage").isZero();
        assertThat(s.memoryFailcnt()).isEqualTo(86);
        assertThat(s.oomEvents()).isNull();
        assertThat(s.oomKills()).isEqualTo(1);
        assertThat(s.ioReadBytes()).isEqualTo(4194304 + 1048576);
        assertThat(s.ioWriteBytes()).isEqualTo(4194304 + 2097152);
        assertThat(s.ioDevices()).containsExactly(new IoDevice(254, 0, 4194304, 4194304), new IoDevice(7, 0, 1048576, 2097152));
        assertThat(s.tasks()).isEqualTo(1);
        assertThat(s.tasksMax()).isEqualTo(7);
        assertThat(s.cpuPressure()).isEqualTo(new Pressure(43.09, 43.09, 6967141, 6967141L));
        assertThat(s.ioPressure()).isEqualTo(new Pressure(0.24, 0.24, 60672, 60607L));
    }

    @Test
    void hybridHierarchiesAUnitLacksAreNull() throws IOException {
        hybridTree();
        reader = reader();
        // dbus.service has no cpu/ and no blkio/ cgroup (systemd makes them only when needed)
        CgroupSample s = reader.read("/system.slice/dbus.service").orElseThrow();
        assertThat(s.cpuUsageUsec()).isEqualTo(3060806);
        assertThat(s.cpuQuotaUsec()).isNull();
        assertThat(s.cpuPeriodUsec()).isNull();
        assertThat(s.cpuShares()).isNull();
        assertThat(s.cpuPeriods()).isNull();
        assertThat(s.ioReadBytes()).isNull();
        assertThat(s.memoryMax()).as("9223372036854771712 is no limit").isNull();
        assertThat(s.tasks()).isEqualTo(1);
        // the v1 pids root has no pids.current or pids.max
        CgroupSample top = reader.read("/").orElseThrow();
        assertThat(top.tasks()).isNull();
        assertThat(top.tasksMax()).isNull();
        assertThat(top.ioReadBytes()).isZero();
        assertThat(top.ioDevices()).as("a blkio file with no device: no IO yet, not unknown").isEmpty();
    }

    // ------------------------------------------------------------------ legacy

    @Test
    void legacyReadsCpuFromCpuacctInACombinedHierarchyWithoutFollowingItsSymlinks() throws IOException {
        legacyTree();
        reader = reader();
        assertThat(reader.mode()).isEqualTo(CgroupMode.V1);
        assertThat(reader.list()).containsExactly("/", "/system.slice", "/system.slice/a.service",
                "/system.slice/old.service");

        CgroupSample a = reader.read("/system.slice/a.service").orElseThrow();
        assertThat(a.cpuUsageUsec()).as("cpuacct.usage ns to µs").isEqualTo(3753180);
        assertThat(a.cpuUserUsec()).isEqualTo(3810951);
        assertThat(a.cpuSystemUsec()).isEqualTo(235968);
        assertThat(a.cpuQuotaUsec()).as("-1").isNull();
        assertThat(a.cpuPeriodUsec()).isEqualTo(100000);
        assertThat(a.cpuPeriods()).isEqualTo(102);
        assertThat(a.memoryBytes()).isEqualTo(614400);
        assertThat(a.tasksMax()).isEqualTo(7);
        assertThat(a.cpuPressure()).isNull();
        assertThat(a.memoryPressure()).isNull();
        assertThat(a.ioPressure()).isNull();

        // before 4.7 there is no cpuacct.usage_user/usage_sys: cpuacct.stat in USER_HZ (100) ticks
        CgroupSample old = reader.read("/system.slice/old.service").orElseThrow();
        assertThat(old.cpuUsageUsec()).isEqualTo(3753180);
        assertThat(old.cpuUserUsec()).isEqualTo(353 * 10_000L);
        assertThat(old.cpuSystemUsec()).isEqualTo(21 * 10_000L);
        assertThat(old.memoryBytes()).as("no memory cgroup").isNull();
    }

    // ------------------------------------------------------------------ gone, paths, files

    @Test
    void aCgroupThatVanishesBetweenListAndReadIsGone() throws IOException {
        v2Tree();
        reader = reader();
        assertThat(reader.list()).contains("/hd.slice/busy.service");
        deleteTree(unified().resolve("hd.slice/busy.service"));

        assertThat(reader.read("/hd.slice/busy.service")).isEmpty();
        assertThat(reader.list()).doesNotContain("/hd.slice/busy.service");
        assertThat(reader.read("/no/such.service")).isEmpty();
    }

    @Test
    void aCgroupThatVanishesAfterAReadIsGone() throws IOException {
        legacyTree();
        reader = new CgroupReader(host(), 0); // files opened per read, as past the budget
        assertThat(reader.read("/system.slice/a.service")).isPresent();
        deleteTree(root.resolve("sys/fs/cgroup/systemd/system.slice/a.service"));
        deleteTree(root.resolve("sys/fs/cgroup/memory/system.slice/a.service"));

        assertThat(reader.read("/system.slice/a.service")).isEmpty();
    }

    @Test
    void filesAreKeptOpenWithinTheBudgetAndClosedAtTheEnd() throws IOException {
        v2Tree();
        reader = reader();
        reader.list().forEach(reader::read);
        assertThat(reader.openFiles()).isPositive();
        reader.close();
        assertThat(reader.openFiles()).isZero();
        assertThat(reader.read("/hd.slice/busy.service")).isEmpty();

        CgroupReader none = new CgroupReader(host(), 0);
        try {
            none.list().forEach(none::read);
            assertThat(none.openFiles()).isZero();
            assertThat(none.read("/hd.slice/busy.service").orElseThrow().tasksMax()).isEqualTo(7);
        } finally {
            none.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "system.slice", "../etc", "/..", "/system.slice/../../../etc", "/a/..", "//etc",
        "/system.slice//x", "/a\0b", "/a/./b", "/a/.", "/a/", "/a..b" })
    void pathsThatCouldLeaveTheTreeAreRefused(String path) throws IOException {
        v2Tree();
        reader = reader();
        assertThatThrownBy(() -> reader.read(path)).isInstanceOf(IllegalArgumentException.class);
        CgroupWriter writer = new CgroupWriter(host(), reader);
        assertThatThrownBy(() -> writer.setPidsMax(path, 5L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> reader.read(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void noCgroupFileSystemMeansNothingToList() {
        reader = reader();
        assertThat(reader.mode()).isEqualTo(CgroupMode.NONE);
        assertThat(reader.list()).isEmpty();
        assertThat(reader.read("/")).isEmpty();
    }

    // ------------------------------------------------------------------ writer

    @Nested
    class Writing {

        @Test
        void v2WritesItsOwnFilesAndTheReaderSeesThemAtOnce() throws IOException {
            v2Tree();
            reader = reader();
            CgroupWriter writer = new CgroupWriter(host(), reader);
            String busy = "/hd.slice/busy.service";
            Path dir = unified().resolve("hd.slice/busy.service");
            reader.read(busy);

            writer.setMemoryMax(busy, 64L << 20);
            writer.setCpuWeight(busy, 300);
            writer.setCpuQuota(busy, 25_000L, 100_000);
            writer.setPidsMax(busy, 9L);

            assertThat(content(dir, "memory.max")).isEqualTo("67108864");
            assertThat(content(dir, "cpu.weight")).isEqualTo("300");
            assertThat(content(dir, "cpu.max")).isEqualTo("25000 100000");
            assertThat(content(dir, "pids.max")).isEqualTo("9");
            CgroupSample s = reader.read(busy).orElseThrow();
            assertThat(List.of(s.memoryMax(), s.cpuWeight(), s.cpuQuotaUsec(), s.tasksMax()))
                    .containsExactly(64L << 20, 300L, 25_000L, 9L);

            writer.setMemoryMax(busy, null);
            writer.setCpuQuota(busy, null, 50_000);
            writer.setPidsMax(busy, null);
            assertThat(content(dir, "memory.max")).isEqualTo("max");
            assertThat(content(dir, "cpu.max")).isEqualTo("max 50000");
            assertThat(content(dir, "pids.max")).isEqualTo("max");
        }

        @Test
        void v1WritesLimitInBytesSharesAndCfsFiles() throws IOException {
            hybridTree();
            reader = reader();
            CgroupWriter writer = new CgroupWriter(host(), reader);
            String busy = "/system.slice/hd-cg-busy.service";
            Path cg = root.resolve("sys/fs/cgroup");

            writer.setMemoryMax(busy, null);
            writer.setCpuWeight(busy, 50);
            writer.setCpuQuota(busy, null, 100_000);
            writer.setPidsMax(busy, 12L);

            assertThat(content(cg.resolve("memory" + busy), "memory.limit_in_bytes")).isEqualTo("-1");
            assertThat(content(cg.resolve("cpu" + busy), "cpu.shares")).isEqualTo("512");
            assertThat(content(cg.resolve("cpu" + busy), "cpu.cfs_quota_us")).isEqualTo("-1");
            assertThat(content(cg.resolve("cpu" + busy), "cpu.cfs_period_us")).isEqualTo("100000");
            assertThat(content(cg.resolve("pids" + busy), "pids.max")).isEqualTo("12");
            writer.setMemoryMax(busy, 32L << 20);
            assertThat(reader.read(busy).orElseThrow().memoryMax()).isEqualTo(32L << 20);
        }

        @Test
        void weightMapsToSharesAsSystemdDoes() {
            assertThat(CgroupWriter.sharesOf(100)).isEqualTo(1024);
            assertThat(CgroupWriter.sharesOf(1)).isEqualTo(10);
            assertThat(CgroupWriter.sharesOf(10_000)).isEqualTo(102_400);
            assertThat(CgroupWriter.sharesOf(200)).isEqualTo(2048); // CPUWeight=200 gave 2048 in SystemdAdapterIT
        }

        @Test
        void outOfRangeValuesNameTheirField() throws IOException {
            v2Tree();
            reader = reader();
            CgroupWriter writer = new CgroupWriter(host(), reader);
            String busy = "/hd.slice/busy.service";
            assertField(() -> writer.setMemoryMax(busy, 1024L), "memory");
            assertField(() -> writer.setMemoryMax(busy, 1L << 62), "memory");
            assertField(() -> writer.setCpuWeight(busy, 0), "cpuWeight");
            assertField(() -> writer.setCpuWeight(busy, 10_001), "cpuWeight");
            assertField(() -> writer.setCpuQuota(busy, 999L, 100_000), "cpuQuota");
            assertField(() -> writer.setCpuQuota(busy, 50_000L, 999), "cpuPeriod");
            assertField(() -> writer.setCpuQuota(busy, 50_000L, 1_000_001), "cpuPeriod");
            assertField(() -> writer.setPidsMax(busy, -1L), "pids");
            assertField(() -> writer.setPidsMax(busy, 4_194_305L), "pids");
            assertThat(content(unified().resolve("hd.slice/busy.service"), "pids.max")).isEqualTo("7");
        }

        @Test
        void aMissingCgroupIsNotFoundAMissingFileAConflict() throws IOException {
            v2Tree();
            reader = reader();
            CgroupWriter writer = new CgroupWriter(host(), reader);
            assertThatThrownBy(() -> writer.setMemoryMax("/hd.slice/nope.service", 1L << 20))
                    .isInstanceOf(NotFoundException.class).hasMessageContaining("/hd.slice/nope.service");
            // leaf.service's parent does not enable cpu: no cpu.weight to write, and none is made
            assertThatThrownBy(() -> writer.setCpuWeight("/hd.slice/plain.slice/leaf.service", 50))
                    .isInstanceOf(ConflictException.class).hasMessageContaining("cpu.weight");
            assertThat(unified().resolve("hd.slice/plain.slice/leaf.service/cpu.weight")).doesNotExist();
        }

        private void assertField(Runnable call, String field) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(InvalidInputException.class,
                    e -> assertThat(e.field()).isEqualTo(field));
        }
    }

    // ------------------------------------------------------------------ trees

    private HostProperties host() {
        return new HostProperties(root.toString(), null);
    }

    /** A reader whose periodic full re-reads come a whole period after the first reading, not at a random moment. */
    private CgroupReader reader() {
        return new CgroupReader(host(), CgroupReader.defaultOpenFileBudget(), false);
    }

    private Path unified() {
        return root.resolve("sys/fs/cgroup");
    }

    /** Laid out as the v2 guest's /sys/fs/cgroup, with the files it showed there. */
    private void v2Tree() throws IOException {
        Path cg = unified();
        put(cg, "cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n");
        put(cg, "cgroup.subtree_control", "cpu io memory pids\n");
        put(cg, "cgroup.stat", "nr_descendants 4\nnr_dying_descendants 0\n");
        put(cg, "cgroup.procs", "1\n");
        put(cg, "cpuset.cpus.effective", "0-1\n");
        put(cg, "cpu.stat", V2_ROOT_CPU_STAT);
        put(cg, "memory.stat", V2_ROOT_MEMORY_STAT);
        put(cg, "io.stat", V2_ROOT_IO_STAT);
        put(cg, "cpu.pressure", V2_ROOT_CPU_PRESSURE);
        put(cg, "memory.pressure", V2_ROOT_MEMORY_PRESSURE);
        put(cg, "io.pressure", V2_ROOT_IO_PRESSURE);

        Path slice = cg.resolve("hd.slice");
        put(slice, "cgroup.controllers", "cpu io memory pids\n");
        put(slice, "cgroup.stat", "nr_descendants 3\nnr_dying_descendants 0\n");
        put(slice, "cpu.stat", V2_ROOT_CPU_STAT);

        Path busy = slice.resolve("busy.service");
        put(busy, "cgroup.controllers", "");
        put(busy, "cgroup.stat", HY_CGROUP_STAT_LEAF);
        put(busy, "cpu.stat", V2_BUSY_CPU_STAT);
        put(busy, "cpu.max", V2_BUSY_CPU_MAX);
        put(busy, "cpu.weight", V2_BUSY_CPU_WEIGHT);
        put(busy, "memory.current", V2_BUSY_MEMORY_CURRENT);
        put(busy, "memory.max", V2_BUSY_MEMORY_MAX);
        put(busy, "memory.high", V2_BUSY_MEMORY_HIGH);
        put(busy, "memory.events", V2_BUSY_MEMORY_EVENTS);
        put(busy, "memory.stat", V2_ROOT_MEMORY_STAT);
        put(busy, "memory.swap.current", V2_BUSY_SWAP_CURRENT);
        put(busy, "io.stat", V2_IO_STAT);
        put(busy, "pids.current", V2_BUSY_PIDS_CURRENT);
        put(busy, "pids.max", V2_BUSY_PIDS_MAX);
        put(busy, "cpu.pressure", V2_BUSY_CPU_PRESSURE);
        put(busy, "memory.pressure", V2_OOM_MEMORY_PRESSURE);
        put(busy, "io.pressure", V2_IO_PRESSURE);

        Path plain = slice.resolve("plain.slice");
        put(plain, "cgroup.controllers", "memory pids\n");
        put(plain, "cgroup.stat", "nr_descendants 1\nnr_dying_descendants 0\n");
        Path leaf = plain.resolve("leaf.service");
        put(leaf, "cgroup.controllers", "memory pids\n");
        put(leaf, "cgroup.stat", HY_CGROUP_STAT_LEAF);
        put(leaf, "cpu.stat", V2_LEAF_CPU_STAT);
        put(leaf, "memory.current", V2_BUSY_MEMORY_CURRENT);
        put(leaf, "memory.max", V2_OOM_MEMORY_MAX);
        put(leaf, "memory.high", V2_BUSY_MEMORY_MAX);
        put(leaf, "memory.events", V2_OOM_MEMORY_EVENTS);
        put(leaf, "memory.stat", V2_ROOT_MEMORY_STAT);
        put(leaf, "memory.swap.current", V2_BUSY_SWAP_CURRENT);
        put(leaf, "pids.current", V2_BUSY_PIDS_CURRENT);
        put(leaf, "pids.max", "max\n");
        put(leaf, "cpu.pressure", V2_ROOT_CPU_PRESSURE);
        put(leaf, "memory.pressure", V2_ROOT_MEMORY_PRESSURE);
        put(leaf, "io.pressure", V2_ROOT_IO_PRESSURE);
    }

    /** Laid out as the testbed's: v1 controllers with cpu and cpuacct apart, cgroup2 at unified/. */
    private void hybridTree() throws IOException {
        Path cg = root.resolve("sys/fs/cgroup");
        Path unified = cg.resolve("unified");
        put(unified, "cgroup.controllers", "");
        put(unified, "cgroup.stat", "nr_descendants 3\nnr_dying_descendants 0\n");
        put(unified, "cpu.stat", HY_CPU_STAT);
        put(unified.resolve("system.slice"), "cgroup.stat", HY_CGROUP_STAT_SLICE.replace("206", "2"));
        put(unified.resolve("system.slice"), "cpu.stat", HY_CPU_STAT);
        for (String unit : List.of("hd-cg-busy.service", "dbus.service")) {
            Path u = unified.resolve("system.slice/" + unit);
            put(u, "cgroup.controllers", "");
            put(u, "cgroup.stat", HY_CGROUP_STAT_LEAF);
            put(u, "cpu.stat", HY_CPU_STAT);
            put(u, "cpu.pressure", HY_CPU_PRESSURE);
            put(u, "memory.pressure", HY_ZERO_PRESSURE);
            put(u, "io.pressure", HY_IO_PRESSURE);
            put(cg.resolve("systemd/system.slice/" + unit), "cgroup.procs", "");
            Path memory = cg.resolve("memory/system.slice/" + unit);
            put(memory, "memory.usage_in_bytes", V1_OOM_MEMORY_USAGE);
            put(memory, "memory.limit_in_bytes", unit.startsWith("hd") ? V1_MEMORY_LIMIT : V1_MEMORY_LIMIT_NONE);
            put(memory, "memory.stat", V1_MEMORY_STAT);
            put(memory, "memory.failcnt", V1_OOM_FAILCNT);
            put(memory, "memory.oom_control", V1_OOM_CONTROL);
            put(memory, "memory.memsw.usage_in_bytes", V1_OOM_MEMSW_USAGE);
            Path pids = cg.resolve("pids/system.slice/" + unit);
            put(pids, "pids.current", V1_PIDS_CURRENT);
            put(pids, "pids.max", V1_PIDS_MAX);
        }
        put(cg.resolve("memory"), "memory.usage_in_bytes", V1_OOM_MEMORY_USAGE);
        put(cg.resolve("memory"), "memory.limit_in_bytes", V1_MEMORY_LIMIT_NONE);
        put(cg.resolve("pids"), "cgroup.procs", "");
        put(cg.resolve("cpu"), "cpu.shares", V1_CPU_SHARES);
        put(cg.resolve("cpuacct"), "cpuacct.usage", V1_CPUACCT_USAGE);
        put(cg.resolve("blkio"), "blkio.throttle.io_service_bytes_recursive", V1_BLKIO_NONE);
        Path cpu = cg.resolve("cpu/system.slice/hd-cg-busy.service");
        put(cpu, "cpu.stat", V1_CFS_STAT);
        put(cpu, "cpu.cfs_quota_us", V1_CFS_QUOTA);
        put(cpu, "cpu.cfs_period_us", V1_CFS_PERIOD);
        put(cpu, "cpu.shares", V1_CPU_SHARES);
        put(cg.resolve("blkio/system.slice/hd-cg-busy.service"), "blkio.throttle.io_service_bytes_recursive",
                V1_BLKIO_TWO_DEVICES);
    }

    /**
     * Legacy, with cpu and cpuacct mounted together as "cpu,cpuacct" and the "cpu" and "cpuacct"
     * symlinks systemd makes, absolute here and pointing nowhere: the reader must not follow them.
     */
    private void legacyTree() throws IOException {
        Path cg = root.resolve("sys/fs/cgroup");
        put(cg.resolve("systemd"), "release_agent", "");
        put(cg.resolve("systemd"), "notify_on_release", "0\n");
        put(cg.resolve("systemd"), "tasks", "1\n");
        Path combined = cg.resolve("cpu,cpuacct");
        put(combined, "cpuacct.usage", V1_CPUACCT_USAGE);
        Files.createSymbolicLink(cg.resolve("cpu"), Path.of("/nonexistent-hostdeck/cpu,cpuacct"));
        Files.createSymbolicLink(cg.resolve("cpuacct"), Path.of("/nonexistent-hostdeck/cpu,cpuacct"));
        for (String unit : List.of("a.service", "old.service")) {
            put(cg.resolve("systemd/system.slice/" + unit), "tasks", "");
            Path c = combined.resolve("system.slice/" + unit);
            put(c, "cpuacct.usage", V1_CPUACCT_USAGE);
            put(c, "cpuacct.stat", V1_CPUACCT_STAT);
            put(c, "cpu.cfs_quota_us", V1_CFS_QUOTA_NONE);
            put(c, "cpu.cfs_period_us", V1_CFS_PERIOD);
            put(c, "cpu.stat", V1_CFS_STAT);
        }
        put(combined.resolve("system.slice/a.service"), "cpuacct.usage_user", V1_CPUACCT_USAGE_USER);
        put(combined.resolve("system.slice/a.service"), "cpuacct.usage_sys", V1_CPUACCT_USAGE_SYS);
        Path memory = cg.resolve("memory/system.slice/a.service");
        put(memory, "memory.usage_in_bytes", V1_OOM_MEMORY_USAGE);
        put(memory, "memory.stat", V1_MEMORY_STAT);
        put(cg.resolve("pids/system.slice/a.service"), "pids.max", V1_PIDS_MAX);
    }

    private static void put(Path dir, String file, String content) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(file), content);
    }

    private static String content(Path dir, String file) throws IOException {
        return Files.readString(dir.resolve(file)).strip();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
