package io.hostdeck.bench;

import static io.hostdeck.bench.Figures.cpuModel;
import static io.hostdeck.bench.Figures.line;
import static io.hostdeck.bench.Figures.median;
import static io.hostdeck.bench.Figures.osName;
import static io.hostdeck.bench.Figures.p95;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Constructor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.hostdeck.cgroups.CgroupSampler;
import io.hostdeck.host.HostProperties;
import io.hostdeck.host.cgroupfs.CgroupReader;
import io.hostdeck.testbed.Testbed;

/**
 * Benchmark, not a test: one {@link CgroupSampler#sampleOnce()} pass over N cgroups (CPU time, wall
 * time, bytes allocated, from {@link CgroupSampler#lastPass()}), beside {@code systemd-cgtop -b -d 1
 * --raw} on the same tree in the same run (its CPU time per iteration). Prints median and p95 and
 * exits; the figures go to {@code docs/benchmarks.md} by hand.
 *
 * <pre>
 * flock /tmp/hostdeck-maven.lock sh -c './mvnw -q test-compile &amp;&amp; ./mvnw -q exec:java \
 *     -Dexec.mainClass=io.hostdeck.bench.CgroupSamplerBench -Dexec.classpathScope=test -Dexec.args="1000 30"'
 * </pre>
 *
 * Arguments: N cgroups (default 1000), K measured passes (default 30), W warm-up passes (default
 * 20), R cgtop runs (default 3). Needs root (the testbed). The N cgroups are plain directories
 * {@code hd-bench.slice/hd-bench-NNNN} made in every hierarchy the reader or cgtop reads (unified,
 * name=systemd, memory, cpu, cpuacct, pids, blkio; as the container mounts them), each holding one {@code sleep infinity} of the
 * container, so that every counter is real. Passes run one per second, the sampler's real tick.
 * cgtop runs in a cgroup of its own; its CPU time is that cgroup's {@code cpuacct.usage} (ns).
 */
public final class CgroupSamplerBench {

    private static final String NAME = "cgbench";
    private static final Duration T = Duration.ofSeconds(120);
    private static final List<String> HIERARCHIES = List.of("unified", "systemd", "memory", "cpu", "cpuacct", "pids",
            "blkio");

    private CgroupSamplerBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int k = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int cgtopRuns = args.length > 3 ? Integer.parseInt(args[3]) : 3;

        BenchTestbed.run(NAME, (tb, app) -> run(tb, n, k, warmup, cgtopRuns));
    }

    private static void run(Testbed tb, int n, int k, int warmup, int cgtopRuns) throws Exception {
        System.out.printf(Locale.ROOT, "testbed: %s, cgroup mode %s%n", tb, tb.cgroupMode());

        // ---- 1. N cgroups in every hierarchy, one sleeping process in each
        // the container's own view of each hierarchy: its root there is not always the testbed's
        // root cgroup (unified and name=systemd are mounted from ".../payload")
        Set<Path> trees = new LinkedHashSet<>();
        for (String h : HIERARCHIES) {
            Path tree = tb.root().resolve("sys/fs/cgroup").resolve(h);
            if (Files.isDirectory(tree)) {
                trees.add(tree);
            } else {
                System.out.println("no hierarchy " + h + " on this testbed");
            }
        }
        long t0 = System.nanoTime();
        for (Path tree : trees) {
            for (int i = 1; i <= n; i++) {
                Files.createDirectories(tree.resolve("hd-bench.slice").resolve(name(i)));
            }
        }
        // a shell in the container's PID namespace but the host's mount namespace: it can write to
        // the host's (writable) view of the container's cgroups, and $! is a PID of the container
        StringBuilder script = new StringBuilder("i=0; while [ $i -lt ").append(n).append(" ]; do i=$((i+1)); ")
                .append("sleep infinity </dev/null >/dev/null 2>&1 & p=$!; d=$(printf 'hd-bench-%04d' $i); ");
        for (Path tree : trees) {
            script.append("echo $p > ").append(tree).append("/hd-bench.slice/$d/cgroup.procs || exit 1; ");
        }
        script.append("done");
        Testbed.Result moved = Testbed.runOnHost(Duration.ofSeconds(300), "nsenter", "-t",
                Long.toString(tb.leaderPid()), "-p", "--", "sh", "-c", script.toString());
        if (moved.exitCode() != 0) {
            throw new IllegalStateException("could not start the sleeping processes: " + moved.stderr());
        }
        Path unified = tb.root().resolve("sys/fs/cgroup/unified/hd-bench.slice");
        int populated = 0;
        for (int i = 1; i <= n; i++) {
            if (!Files.readString(unified.resolve(name(i)).resolve("cgroup.procs")).isBlank()) {
                populated++;
            }
        }
        System.out.printf(Locale.ROOT, "cgroups: %d made in %d hierarchies (%s), %d of them with a process, "
                + "in %.1f s%n", n, trees.size(), trees, populated, (System.nanoTime() - t0) / 1e9);
        if (populated != n) {
            throw new IllegalStateException(populated + " of " + n + " cgroups have a process");
        }

        // ---- 2. the reader and the sampler, as the app makes them
        CgroupReader reader = new CgroupReader(new HostProperties(tb.root().toString(), null));
        Constructor<CgroupSampler> c = CgroupSampler.class.getDeclaredConstructor(CgroupReader.class,
                Duration.class, int.class);
        c.setAccessible(true);
        CgroupSampler sampler = c.newInstance(reader, Duration.ofSeconds(1), 5000);
        System.out.printf(Locale.ROOT, "reader: mode %s%n", reader.mode());

        // ---- 3. warm-up and K passes, one per second, first with every cgroup idle (one sleeping
        // process each), then with every cgroup running a little (a loop that wakes twice a second)
        long tick = System.nanoTime();
        for (int i = 0; i < warmup; i++) {
            tick = pass(sampler, tick);
        }
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).strip();
        Phase idle = new Phase();
        tick = measure(sampler, k, idle, tick);
        long idleFds = openFds();
        // where an idle pass's time goes: list() and poll() of every cgroup, no sampler
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long me = Thread.currentThread().getId();
        List<Double> pollCpu = new ArrayList<>();
        List<Double> pollKib = new ArrayList<>();
        for (int i = 0; i < Math.max(5, k / 3); i++) {
            tick = pass(() -> {
                long c0 = mx.getCurrentThreadCpuTime();
                long a0 = mx.getThreadAllocatedBytes(me);
                for (String path : reader.beginPass()) {
                    reader.poll(path);
                }
                pollCpu.add((mx.getCurrentThreadCpuTime() - c0) / 1e6);
                pollKib.add((mx.getThreadAllocatedBytes(me) - a0) / 1024.0);
            }, tick);
        }
        List<Cgtop> idleCgtop = new ArrayList<>();
        Path cgtopCg = tb.root().resolve("sys/fs/cgroup/cpuacct/hd-cgtop");
        Files.createDirectories(cgtopCg);
        tb.exec(T, "systemd-cgtop", "-b", "-n", "1", "--raw"); // warm the page cache for the binary
        for (int r = 0; r < cgtopRuns; r++) {
            idleCgtop.add(cgtop(tb, cgtopCg, 6));
        }

        startWakers(tb, trees, n);
        tick = System.nanoTime();
        for (int i = 0; i < 5; i++) { // the cgroups' files are opened and the wakers settle
            tick = pass(sampler, tick);
        }
        Phase busy = new Phase();
        tick = measure(sampler, k, busy, tick);
        long busyFds = openFds();
        int seen = busy.seen;
        long benchSeen = sampler.latest().keySet().stream().filter(s -> s.contains("/hd-bench-")).count();
        long moving = sampler.latest().entrySet().stream().filter(e -> e.getKey().contains("/hd-bench-"))
                .filter(e -> e.getValue().cpuPercent() != null && e.getValue().cpuPercent() > 0).count();

        // ---- 3b. the reader alone with the cgroups running: list() and a full read() of each
        List<Double> listCpu = new ArrayList<>();
        List<Double> readCpu = new ArrayList<>();
        List<Double> readKib = new ArrayList<>();
        for (int i = 0; i < Math.max(5, k / 3); i++) {
            tick = pass(() -> {
                long c0 = mx.getCurrentThreadCpuTime();
                List<String> paths = reader.list();
                long c1 = mx.getCurrentThreadCpuTime();
                long a1 = mx.getThreadAllocatedBytes(me);
                for (String path : paths) {
                    reader.read(path);
                }
                long c2 = mx.getCurrentThreadCpuTime();
                long a2 = mx.getThreadAllocatedBytes(me);
                listCpu.add((c1 - c0) / 1e6);
                readCpu.add((c2 - c1) / 1e6);
                readKib.add((a2 - a1) / 1024.0);
            }, tick);
        }

        // ---- 3c. one /metrics scrape of the same tree: rendering the sampler's readings (what the
        // endpoint does besides one ListUnits), CPU time and bytes of text
        List<Double> scrapeCpu = new ArrayList<>();
        List<Double> scrapeKib = new ArrayList<>();
        int scrapeBytes = 0;
        for (int i = 0; i < Math.max(10, k / 3); i++) {
            long c0 = mx.getCurrentThreadCpuTime();
            long a0 = mx.getThreadAllocatedBytes(me);
            String text = io.hostdeck.metrics.PrometheusText.render(sampler.samples(), List.of());
            scrapeCpu.add((mx.getCurrentThreadCpuTime() - c0) / 1e6);
            scrapeKib.add((mx.getThreadAllocatedBytes(me) - a0) / 1024.0);
            scrapeBytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }

        // ---- 4. systemd-cgtop on the same tree (the wakers still running), in a cgroup of its own
        Cgtop one = cgtop(tb, cgtopCg, 1);
        List<Cgtop> runs = new ArrayList<>();
        for (int r = 0; r < cgtopRuns; r++) {
            runs.add(cgtop(tb, cgtopCg, 6));
        }
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).strip();

        // ---- 5. the table
        List<Double> cgtopPerIter = runs.stream().map(r -> r.cpuMs / 6).toList();
        List<Double> cgtopIdlePerIter = idleCgtop.stream().map(r -> r.cpuMs / 6).toList();
        List<Double> cgtopMarginal = runs.stream().map(r -> (r.cpuMs - one.cpuMs) / 5).toList();
        double perIter = median(cgtopPerIter);
        System.out.println();
        System.out.printf(Locale.ROOT, "N=%d cgroups made; the pass saw %d cgroups (%d hd-bench-*); K=%d passes per "
                + "phase at a 1 s tick after %d warm-up passes; in the running phase %d of the bench cgroups showed "
                + "CPU use at the last tick%n", n, seen, benchSeen, k, warmup, moving);
        System.out.printf(Locale.ROOT, "cgtop lines mentioning hd-bench-NNNN per run: idle %s, running %s "
                + "(6 iterations, so up to %d)%n", idleCgtop.stream().map(r -> Integer.toString(r.benchLines)).toList(),
                runs.stream().map(r -> Integer.toString(r.benchLines)).toList(), 6 * n);
        System.out.println();
        System.out.println("| what | median | p95 | min | max |");
        System.out.println("| --- | ---: | ---: | ---: | ---: |");
        line("idle cgroups: sampler pass: CPU ms", idle.cpu);
        System.out.printf(Locale.ROOT, "| idle cgroups: sampler pass: CPU ms, mean | %.2f | | | |%n", mean(idle.cpu));
        line("idle cgroups: sampler pass: wall ms", idle.wall);
        line("idle cgroups: sampler pass: KiB allocated", idle.kib);
        line("running cgroups: sampler pass: CPU ms", busy.cpu);
        System.out.printf(Locale.ROOT, "| running cgroups: sampler pass: CPU ms, mean | %.2f | | | |%n", mean(busy.cpu));
        line("running cgroups: sampler pass: wall ms", busy.wall);
        line("running cgroups: sampler pass: KiB allocated", busy.kib);
        line("  idle: list() + poll() of every cgroup, no sampler: CPU ms", pollCpu);
        line("  idle: list() + poll() of every cgroup, no sampler: KiB allocated", pollKib);
        line("  reader.list() alone: CPU ms", listCpu);
        line("  reader.read() of every cgroup alone (everything, no skipping): CPU ms", readCpu);
        line("  reader.read() of every cgroup alone: KiB allocated", readKib);
        line("/metrics scrape (render of every cgroup): CPU ms", scrapeCpu);
        line("/metrics scrape: KiB allocated", scrapeKib);
        System.out.printf(Locale.ROOT, "| /metrics scrape: bytes of text | %d | | | |%n", scrapeBytes);
        line("cgtop -n 6 -d 1, idle cgroups: CPU ms per iteration (run CPU / 6)", cgtopIdlePerIter);
        line("cgtop -n 6 -d 1, running cgroups: CPU ms per iteration (run CPU / 6)", cgtopPerIter);
        line("cgtop: CPU ms per extra iteration ((n6 - n1) / 5)", cgtopMarginal);
        System.out.printf(Locale.ROOT, "| cgtop -n 1: CPU ms (one run) | %.1f | | | |%n", one.cpuMs);
        System.out.println();
        for (Phase ph : List.of(idle, busy)) {
            String what = ph == idle ? "idle cgroups" : "running cgroups";
            double passCpu = median(ph.cpu);
            double peer = ph == idle ? median(cgtopIdlePerIter) : perIter;
            System.out.printf(Locale.ROOT, "%s: pass CPU / cgtop CPU per iteration: %.2f (goal <= 0.5): %s%n", what,
                    passCpu / peer, passCpu / peer <= 0.5 ? "met" : "NOT met");
            System.out.printf(Locale.ROOT, "%s: CPU %% of one core at a 1 s tick: %.2f %% median, %.2f %% p95 "
                    + "(goal < 1 %%): %s%n", what, passCpu / 10, p95(ph.cpu) / 10, passCpu / 10 < 1 ? "met" : "NOT met");
            System.out.printf(Locale.ROOT, "%s: per cgroup: %.1f us CPU, %.0f B allocated (medians / %d)%n", what,
                    passCpu * 1000 / ph.seen, median(ph.kib) * 1024 / ph.seen, ph.seen);
        }
        System.out.printf(Locale.ROOT, "file descriptors open in the JVM after the idle passes: %d, after the running "
                + "passes: %d%n", idleFds, busyFds);
        System.out.printf(Locale.ROOT, "load before/after: %s / %s; %d CPUs; %s; %s; Java %s%n", loadBefore,
                loadAfter, Runtime.getRuntime().availableProcessors(), cpuModel(), osName(),
                System.getProperty("java.version"));
        reader.close();
        Files.deleteIfExists(Path.of("/tmp/hd-cgbench-fifo"));
    }

    private record Cgtop(double cpuMs, int benchLines) {
    }

    /** One phase's passes. */
    private static final class Phase {
        final List<Double> cpu = new ArrayList<>();
        final List<Double> wall = new ArrayList<>();
        final List<Double> kib = new ArrayList<>();
        int seen = -1;
    }

    private static long measure(CgroupSampler sampler, int k, Phase into, long tick) throws InterruptedException {
        for (int i = 0; i < k; i++) {
            tick = pass(sampler, tick);
            CgroupSampler.PassCost p = sampler.lastPass();
            into.cpu.add(p.cpuNanos() / 1e6);
            into.wall.add(p.wallNanos() / 1e6);
            into.kib.add(p.allocatedBytes() / 1024.0);
            into.seen = p.cgroups();
        }
        return tick;
    }

    private static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static long openFds() throws IOException {
        try (var fd = Files.list(Path.of("/proc/self/fd"))) {
            return fd.count();
        }
    }

    /**
     * A second process in each bench cgroup that wakes twice a second (bash's {@code read -t} on a
     * FIFO nobody writes), so that every cgroup's CPU time moves on every tick.
     */
    private static void startWakers(Testbed tb, Set<Path> trees, int n) throws IOException {
        Path fifo = Path.of("/tmp/hd-cgbench-fifo");
        Files.deleteIfExists(fifo);
        Testbed.runOnHost(Duration.ofSeconds(10), "mkfifo", fifo.toString());
        StringBuilder script = new StringBuilder("i=0; while [ $i -lt ").append(n).append(" ]; do i=$((i+1)); ")
                .append("bash -c 'exec 3<>").append(fifo).append("; while :; do read -t 0.5 -u 3 x; done' ")
                .append("</dev/null >/dev/null 2>&1 & p=$!; d=$(printf 'hd-bench-%04d' $i); ");
        for (Path tree : trees) {
            script.append("echo $p > ").append(tree).append("/hd-bench.slice/$d/cgroup.procs || exit 1; ");
        }
        script.append("done");
        long t0 = System.nanoTime();
        Testbed.Result r = Testbed.runOnHost(Duration.ofSeconds(300), "nsenter", "-t", Long.toString(tb.leaderPid()),
                "-p", "--", "sh", "-c", script.toString());
        if (r.exitCode() != 0) {
            throw new IllegalStateException("could not start the waking processes: " + r.stderr());
        }
        System.out.printf(Locale.ROOT, "wakers: %d started in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
    }

    /** One run of cgtop, moved into {@code cg} before it starts; its CPU is the cgroup's usage delta. */
    private static Cgtop cgtop(Testbed tb, Path cg, int iterations) throws IOException {
        long before = Long.parseLong(Files.readString(cg.resolve("cpuacct.usage")).strip());
        String script = "echo $$ > " + cg + "/cgroup.procs && exec nsenter -t " + tb.leaderPid()
                + " -a -- systemd-cgtop -b -n " + iterations + " -d 1 --raw";
        Testbed.Result r = Testbed.runOnHost(T, "nsenter", "-t", Long.toString(tb.leaderPid()), "-p", "--", "sh",
                "-c", script);
        long after = Long.parseLong(Files.readString(cg.resolve("cpuacct.usage")).strip());
        if (r.exitCode() != 0) {
            throw new IllegalStateException("systemd-cgtop failed: " + r.stderr());
        }
        int lines = (int) r.stdout().lines().filter(l -> l.matches(".*hd-bench-\\d{4}.*")).count();
        return new Cgtop((after - before) / 1e6, lines);
    }

    /** Waits for the next 1 s tick after {@code tick}, makes one pass, returns that tick. */
    private static long pass(CgroupSampler sampler, long tick) throws InterruptedException {
        return pass(sampler::sampleOnce, tick);
    }

    private static long pass(Runnable work, long tick) throws InterruptedException {
        long next = tick + 1_000_000_000L;
        long wait = next - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        work.run();
        return next;
    }

    private static String name(int i) {
        return String.format(Locale.ROOT, "hd-bench-%04d", i);
    }

    // ------------------------------------------------------------------ figures






}
