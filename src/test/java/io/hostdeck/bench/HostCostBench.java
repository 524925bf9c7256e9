package io.hostdeck.bench;

import static io.hostdeck.bench.Figures.cpuModel;
import static io.hostdeck.bench.Figures.median;
import static io.hostdeck.bench.Figures.osName;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.hostdeck.support.TestUsers;
import io.hostdeck.support.WebSession;
import io.hostdeck.testbed.Testbed;

/**
 * Benchmark, not a test (issue 17): what the <b>whole Hostdeck process</b> costs on a realistic
 * tree, beside {@code systemd-cgtop} on the same tree in the same run, alternating.
 *
 * <p>For each size N: N units ({@code sleep infinity}, MemoryMax=64M) in N/100 parent slices at the top;
 * N/10 worker processes that wake twice a second and do a little work, moved every 10 s to
 * another random set of units (cpu, cpuacct, memory, pids, blkio hierarchies), so ~10 % of the
 * leaves are active at any time, the active set changes and every parent slice is busy. Hostdeck
 * runs as its shipped unit runs it (the JVM options of packaging/hostdeck.service's ExecStart, and
 * {@code -XX:MaxRAM} for its MemoryMax), as a separate JVM, with 10 live pages open
 * (5 following the cgroups table, 5 the units list). After a warm-up, R rounds of: a window of S
 * seconds of the Hostdeck JVM's utime+stime and RSS from {@code /proc/PID/stat|status}, then
 * {@code systemd-cgtop -b -n 10 -d 1 --depth=3} in the testbed (its CPU from the shell's
 * children times). Then {@code GET /services} and {@code GET /cgroups} (round trip on loopback)
 * and the JVM's NMT summary.
 *
 * <pre>
 * ./mvnw -q -DskipTests package &amp;&amp; ./mvnw -q exec:java -Dexec.mainClass=io.hostdeck.bench.HostCostBench \
 *     -Dexec.classpathScope=test -Dexec.args="100,1000,5000,10000 30 3 60"
 * </pre>
 * Arguments: sizes (comma-separated), S window seconds (30), R rounds (3), warm-up seconds (60),
 * and optionally "idle" (no workers: the flattering tree of the first benches). Needs root.
 */
public final class HostCostBench {

    private static final String NAME = "costbench";
    private static final Duration T = Duration.ofSeconds(600);
    /**
     * Where the workers are moved: every controller hierarchy, and the cgroup2 tree (on a hybrid
     * host the unified tree, whose cpu.stat Hostdeck reads for CPU time; systemd keeps a unit's
     * processes in the same place in all of them). Not name=systemd (systemd's own bookkeeping).
     */
    private static final List<String> MOVE_HIERARCHIES = List.of("unified", "cpu", "cpuacct", "memory", "pids", "blkio");
    private static final long TICKS = 100; // USER_HZ
    private static final long PAGE = 4096;

    private HostCostBench() {
    }

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        for (String s : (args.length > 0 ? args[0] : "100,1000").split(",")) {
            sizes.add(Integer.parseInt(s.strip()));
        }
        int window = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 60;
        boolean idle = args.length > 4 && args[4].equals("idle");
        Path jar = jar();

        AtomicReference<Process> app = new AtomicReference<>();
        // the Hostdeck JVM is a process of ours, not a Spring context: ended before the testbed, also on Ctrl-C
        Thread hook = new Thread(() -> stop(app), "costbench-app");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            BenchTestbed.run(NAME, (tb, unused) -> {
                System.out.printf(Locale.ROOT, "machine: %s, %d CPUs, %s; testbed %s, cgroups %s; jar %s%n", cpuModel(),
                        Runtime.getRuntime().availableProcessors(), osName(), tb, tb.cgroupMode(), jar.getFileName());
                System.out.printf(Locale.ROOT, "tree: %s%n", idle ? "idle (no workers: flatters Hostdeck)"
                        : "realistic (N/10 workers waking twice a second, moved every 10 s)");
                List<String> table = new ArrayList<>();
                int made = 0;
                try {
                    for (int n : sizes) {
                        made = grow(tb, made, n);
                        table.add(measure(tb, jar, app, n, window, rounds, warmup, idle));
                        System.out.println("row: " + table.get(table.size() - 1));
                    }
                } finally {
                    stop(app);
                }
                System.out.println();
                System.out.println("| cgroups | Hostdeck JVM CPU ms/s (median) | % of a core | systemd-cgtop ms/iteration | ratio | RSS MB | /services ms | /cgroups ms |");
                System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
                table.forEach(System.out::println);
            });
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running
            }
        }
    }

    /** target/hostdeck-*.jar, or the jar named by -Dhostdeck.bench.jar (an earlier build, for a before/after). */
    private static Path jar() throws IOException {
        String named = System.getProperty("hostdeck.bench.jar");
        if (named != null) {
            return Path.of(named);
        }
        try (var files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("hostdeck-.*\\.jar")
                    && !p.getFileName().toString().endsWith("-plain.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no target/hostdeck-*.jar: run ./mvnw -DskipTests package first"));
        }
    }

    private static void stop(AtomicReference<Process> app) {
        Process p = app.getAndSet(null);
        if (p != null) {
            p.destroy();
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Units made-1 .. n-1 more, in slices of 100; started. */
    static int grow(Testbed tb, int made, int n) throws IOException {
        long t0 = System.nanoTime();
        Path dir = tb.root().resolve("etc/systemd/system");
        StringBuilder target = new StringBuilder("[Unit]\nDescription=Hostdeck cost bench\n");
        for (int i = made; i < n; i++) {
            String unit = unit(i);
            Files.writeString(dir.resolve(unit), "[Unit]\nDescription=cost bench " + i + "\n[Service]\n"
                    + "ExecStart=/bin/sleep infinity\nMemoryMax=64M\nCPUAccounting=yes\nSlice=" + slice(i) + "\n");
            target.append("Wants=").append(unit).append('\n');
        }
        Files.writeString(dir.resolve("hd-cost.target"), target.toString());
        ctl(tb, "daemon-reload");
        ctl(tb, "start", "hd-cost.target");
        String active = ctl(tb, "list-units", "--no-legend", "--plain", "--state=active", "hd-cost-u*");
        long count = active.lines().filter(l -> !l.isBlank()).count();
        if (count != n) {
            throw new IllegalStateException(count + " of " + n + " units active");
        }
        System.out.printf(Locale.ROOT, "units: %d active (made %d in %.1f s)%n", n, n - made, (System.nanoTime() - t0) / 1e9);
        return n;
    }

    private static String unit(int i) {
        return String.format(Locale.ROOT, "hd-cost-u%05d.service", i);
    }

    private static String slice(int i) {
        // no "-" in the name: a slice at the top, its units at depth 2 like system.slice's, within cgtop's --depth=3
        return String.format(Locale.ROOT, "hdcostg%03d.slice", i / 100);
    }

    private static String measure(Testbed tb, Path jar, AtomicReference<Process> app, int n, int window, int rounds,
            int warmup, boolean idle) throws Exception {
        System.out.printf(Locale.ROOT, "%n== %d units ==%n", n);
        AtomicBoolean moving = new AtomicBoolean(!idle);
        Thread mover = null;
        List<Long> workers = List.of();
        if (!idle) {
            workers = startWorkers(tb, Math.max(10, n / 10));
            List<Long> w = workers;
            mover = new Thread(() -> move(tb, w, n, moving), "costbench-mover");
            mover.setDaemon(true);
            mover.start();
            Thread.sleep(1000);
            // where the first worker is now: in a unit of the tree, in every hierarchy (cgroup2's "0::" line too)
            System.out.println("a worker's cgroups: " + Files.readAllLines(Path.of("/proc", w.get(0).toString(), "cgroup")).stream()
                    .filter(l -> l.startsWith("0::") || l.contains("cpuacct")).toList());
        }
        int port = freePort();
        Path log = Files.createTempFile("hostdeck-costbench", ".log");
        List<String> cmd = new ArrayList<>();
        String nofile = shippedNofile();
        long hard = ownHardNofile();
        if (nofile != null && hard >= Long.parseLong(nofile.substring(nofile.indexOf(':') + 1))) {
            // the unit's open-file limit, as systemd would set it (the JVM raises its soft limit to the hard one)
            cmd.addAll(List.of("prlimit", "--nofile=" + nofile, "--"));
        } else if (nofile != null) {
            System.out.printf(Locale.ROOT, "open-file limit: the unit's LimitNOFILE=%s is above this machine's hard limit, %d,"
                    + " which the bench cannot raise: Hostdeck runs with %d (its reader keeps at most %d cgroup files open)%n",
                    nofile, hard, hard, hard - Math.max(1024, hard / 4));
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(shippedJvmOptions());
        String jfr = System.getProperty("hostdeck.bench.jfr"); // a profile of the measured windows: jfr view hot-methods FILE
        if (jfr != null) {
            cmd.add("-XX:StartFlightRecording=delay=" + warmup + "s,settings=profile,dumponexit=true,filename=" + jfr + "-" + n + ".jfr");
        }
        cmd.addAll(List.of("-XX:NativeMemoryTracking=summary", "-jar", jar.toString(), "--server.port=" + port, "--hostdeck.host.root=" + tb.root(),
                "--hostdeck.host.bus=" + tb.busAddress(), "--hostdeck.users-file=" + TestUsers.write(),
                "--hostdeck.stats.max-cgroups=" + (n + 1000), "--logging.level.root=WARN"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        app.set(p);
        long pid = p.pid();
        WebSession web = awaitUp(port, p, log);
        System.out.printf(Locale.ROOT, "hostdeck: pid %d on port %d%n", pid, port);
        List<WebSocket> pages = new ArrayList<>();
        AtomicLong liveBytes = new AtomicLong();
        for (int i = 0; i < 10; i++) {
            WebSession s = new WebSession(port);
            s.login("viewer", TestUsers.PASSWORD);
            WebSocket ws = s.openLive(counting(liveBytes)).get(10, TimeUnit.SECONDS);
            ws.sendText("{\"type\":\"subscribe\",\"topic\":\"" + (i < 5 ? "cgroups" : "units") + "\",\"arg\":\"\"}", true)
                    .join();
            pages.add(ws);
        }
        Thread.sleep(warmup * 1000L);

        List<Double> hostdeck = new ArrayList<>();
        List<Double> cgtop = new ArrayList<>();
        List<Double> rss = new ArrayList<>();
        java.util.Map<String, Long> threadsBefore = threadTicks(pid);
        long threadsT0 = System.nanoTime();
        for (int r = 0; r < rounds; r++) {
            long[] a = cpuTicks(pid);
            long bytes0 = liveBytes.get();
            long t0 = System.nanoTime();
            Thread.sleep(window * 1000L);
            long[] b = cpuTicks(pid);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double msPerSecond = (b[0] + b[1] - a[0] - a[1]) * (1000.0 / TICKS) / seconds;
            hostdeck.add(msPerSecond);
            rss.add(rssMb(pid));
            double cg = cgtopMsPerIteration(tb);
            cgtop.add(cg);
            System.out.printf(Locale.ROOT, "round %d: Hostdeck %.1f ms/s (user %.0f%%), RSS %.0f MB, live %.1f KB/s to 10 pages; systemd-cgtop %.1f ms/iteration%n",
                    r + 1, msPerSecond, 100.0 * (b[0] - a[0]) / Math.max(1, b[0] + b[1] - a[0] - a[1]), rss.get(r),
                    (liveBytes.get() - bytes0) / 1024.0 / seconds, cg);
        }
        printThreads(threadsBefore, threadTicks(pid), (System.nanoTime() - threadsT0) / 1e9);
        // kernel memory outside RSS: each cgroup file kept open and read once pins a page (its seq_file buffer)
        String[] fds = new java.io.File("/proc/" + pid + "/fd").list();
        System.out.printf(Locale.ROOT, "open files: %d (soft limit: %s); kept open, each pins a 4 KiB page of kernel memory: ~%.0f MB%n",
                fds == null ? -1 : fds.length, Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits")).stream()
                        .filter(l -> l.startsWith("Max open files")).findFirst().orElse("?").replaceAll("\\s+", " "),
                fds == null ? 0 : fds.length * 4.0 / 1024);
        String about = web.get("/about").body();
        for (String id : List.of("sampling-cost", "last-pass", "history-bytes", "heap")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("id=\"" + id + "\"[^>]*>([^<]*)<").matcher(about);
            System.out.println("about: " + id + ": " + (m.find() ? m.group(1).strip() : "?"));
        }
        // -Dhostdeck.bench.pages=false: the process's cost only (the pages have PagesBench)
        boolean timePages = !"false".equals(System.getProperty("hostdeck.bench.pages"));
        double services = timePages ? pageMs(web, "/services") : Double.NaN;
        double cgroups = timePages ? pageMs(web, "/cgroups") : Double.NaN;
        String nmt = run(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid),
                "VM.native_memory", "summary"));
        System.out.println("NMT (committed):");
        nmt.lines().filter(l -> l.startsWith("Total") || l.matches("-\\s+\\S.*\\(reserved=.*"))
                .forEach(l -> System.out.println("  " + l.strip().replaceAll("reserved=\\d+KB, ", "")));
        for (WebSocket ws : pages) {
            ws.abort();
        }
        moving.set(false);
        if (mover != null) {
            mover.join(15_000);
        }
        stopWorkers(tb, workers);
        stop(app);
        double hd = median(hostdeck);
        double cg = median(cgtop);
        return String.format(Locale.ROOT, "| %,d | %.1f | %.1f %% | %.1f | %.2f× | %.0f | %.0f | %.0f |", n, hd, hd / 10,
                cg, hd / cg, median(rss), services, cgroups);
    }

    /**
     * The JVM options of the shipped unit's ExecStart (packaging/hostdeck.service), and
     * -XX:MaxRAM for its MemoryMax, which the JVM would see as its memory inside that unit; or the
     * options in -Dhostdeck.bench.jvm (space-separated), for a what-if.
     */
    static List<String> shippedJvmOptions() throws IOException {
        String named = System.getProperty("hostdeck.bench.jvm");
        if (named != null) {
            return List.of(named.strip().split("\\s+"));
        }
        List<String> out = new ArrayList<>();
        String memoryMax = null;
        for (String line : Files.readAllLines(Path.of("packaging/hostdeck.service"))) {
            if (line.startsWith("ExecStart=")) {
                String[] words = line.substring("ExecStart=".length()).strip().split("\\s+");
                for (int i = 1; i < words.length && !words[i].equals("-jar"); i++) {
                    out.add(words[i]);
                }
            } else if (line.startsWith("MemoryMax=")) {
                memoryMax = line.substring("MemoryMax=".length()).strip();
            }
        }
        if (memoryMax != null) {
            out.add("-XX:MaxRAM=" + memoryMax.toLowerCase(Locale.ROOT));
        }
        return out;
    }

    /** This process's hard limit of open files (what a child can have at most). */
    static long ownHardNofile() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String[] words = line.substring("Max open files".length()).strip().split("\\s+");
                return words[1].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(words[1]);
            }
        }
        return -1;
    }

    /** The shipped unit's LimitNOFILE= (SOFT:HARD), or null when it sets none. */
    static String shippedNofile() throws IOException {
        for (String line : Files.readAllLines(Path.of("packaging/hostdeck.service"))) {
            if (line.startsWith("LimitNOFILE=")) {
                return line.substring("LimitNOFILE=".length()).strip();
            }
        }
        return null;
    }

    private static WebSocket.Listener counting(AtomicLong bytes) {
        return new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                bytes.addAndGet(data.length());
                ws.request(1);
                return null;
            }
        };
    }

    private static WebSession awaitUp(int port, Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("Hostdeck exited: " + Files.readString(log));
            }
            try {
                WebSession web = new WebSession(port);
                String location = web.login("viewer", TestUsers.PASSWORD).headers().firstValue("Location").orElse("");
                if (!location.contains("error")) {
                    return web;
                }
            } catch (RuntimeException | AssertionError notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("Hostdeck did not answer within 180 s: " + Files.readString(log));
    }

    private static double pageMs(WebSession web, String path) {
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = web.get(path);
            double took = (System.nanoTime() - t0) / 1e6;
            if (r.statusCode() != 200) {
                throw new IllegalStateException(path + " answered " + r.statusCode());
            }
            if (i >= 2) {
                ms.add(took);
            }
        }
        return median(ms);
    }

    /** W perl processes in hd-cost-workers.service that wake twice a second; their host PIDs. */
    private static List<Long> startWorkers(Testbed tb, int w) throws Exception {
        tb.exec(T, "systemctl", "stop", "hd-cost-workers.service"); // not loaded at the first size
        tb.exec(T, "systemctl", "reset-failed", "hd-cost-workers.service");
        String script = "i=0; while [ $i -lt " + w + " ]; do i=$((i+1)); perl -e '$x=0; while (1) { select(undef,undef,undef,0.5);"
                + " for ($i=0;$i<3000;$i++) { $x+=$i } }' & done; wait";
        ok(tb.exec(T, "systemd-run", "--unit=hd-cost-workers", "--property=KillMode=control-group", "sh", "-c", script),
                "start workers");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            // host PIDs: the perl processes whose name=systemd cgroup is the workers' unit
            List<Long> pids = new ArrayList<>();
            try (var dirs = Files.list(Path.of("/proc"))) {
                for (Path d : (Iterable<Path>) dirs::iterator) {
                    String name = d.getFileName().toString();
                    if (name.chars().allMatch(Character::isDigit) && comm(Long.parseLong(name)).equals("perl")) {
                        try {
                            if (Files.readString(d.resolve("cgroup")).contains("/hd-cost-workers.service")) {
                                pids.add(Long.parseLong(name));
                            }
                        } catch (IOException gone) {
                            // ended meanwhile
                        }
                    }
                }
            }
            if (pids.size() >= w) {
                System.out.printf(Locale.ROOT, "workers: %d%n", pids.size());
                return pids;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("workers did not start");
    }

    /** Kills the workers (a stop job can time out on a testbed whose systemd has 10,000 units to watch). */
    private static void stopWorkers(Testbed tb, List<Long> workers) {
        // moved out of the unit's cgroup (in the tree systemd tracks processes by): by PID too
        workers.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        tb.exec(T, "systemctl", "kill", "--signal=SIGKILL", "hd-cost-workers.service");
        tb.exec(T, "systemctl", "stop", "hd-cost-workers.service");
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
        } catch (IOException gone) {
            return "";
        }
    }

    /** Every 10 s, each worker into another random unit's cgroups (controller hierarchies only). */
    private static void move(Testbed tb, List<Long> workers, int n, AtomicBoolean moving) {
        Random random = new Random(17);
        List<Path> roots = new ArrayList<>();
        for (String h : MOVE_HIERARCHIES) {
            // cgroup2 as the container mounts it (its root there is the testbed's ".../payload")
            Path root = !h.equals("unified") ? tb.cgroupDir(h)
                    : Files.isDirectory(tb.root().resolve("sys/fs/cgroup/unified")) ? tb.root().resolve("sys/fs/cgroup/unified")
                    : tb.root().resolve("sys/fs/cgroup");
            if (!roots.contains(root)) {
                roots.add(root);
            }
        }
        while (moving.get()) {
            for (long pid : workers) {
                int i = random.nextInt(n);
                for (Path root : roots) {
                    Path procs = root.resolve(slice(i)).resolve(unit(i)).resolve("cgroup.procs");
                    try {
                        Files.writeString(procs, Long.toString(pid));
                    } catch (IOException e) {
                        // the unit's cgroup in this hierarchy is not there (no such controller for it)
                    }
                }
            }
            for (int s = 0; s < 100 && moving.get(); s++) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** systemd-cgtop's CPU per iteration, in ms: 10 iterations at 1 s, its utime+stime from the shell that waited for it. */
    private static double cgtopMsPerIteration(Testbed tb) {
        Testbed.Result r = tb.exec(T, "sh", "-c",
                "systemd-cgtop -b -n 10 -d 1 --depth=3 >/dev/null; cat /proc/$$/stat");
        ok(r, "systemd-cgtop");
        String stat = r.stdout().strip();
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long children = Long.parseLong(f[16 - 3]) + Long.parseLong(f[17 - 3]); // cutime, cstime
        return children * (1000.0 / TICKS) / 10;
    }

    /** Each thread's utime+stime in ticks, by its name with numbers taken out ("http-nio-#-exec-#"). */
    private static java.util.Map<String, Long> threadTicks(long pid) throws IOException {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "#");
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.merge(name, Long.parseLong(f[14 - 3]) + Long.parseLong(f[15 - 3]), Long::sum);
                } catch (IOException ended) {
                    // the thread ended meanwhile
                }
            }
        }
        return out;
    }

    /** Where the measured windows' CPU went, by thread name (threads that ended meanwhile are left out). */
    private static void printThreads(java.util.Map<String, Long> before, java.util.Map<String, Long> after, double seconds) {
        List<java.util.Map.Entry<String, Long>> used = new ArrayList<>();
        after.forEach((name, ticks) -> used.add(java.util.Map.entry(name, ticks - before.getOrDefault(name, 0L))));
        used.sort((x, y) -> Long.compare(y.getValue(), x.getValue()));
        StringBuilder line = new StringBuilder("threads, ms/s:");
        for (var e : used.subList(0, Math.min(12, used.size()))) {
            if (e.getValue() > 0) {
                line.append(String.format(Locale.ROOT, " %s %.1f;", e.getKey(), e.getValue() * (1000.0 / TICKS) / seconds));
            }
        }
        System.out.println(line);
    }

    /** utime, stime of a process, in clock ticks. */
    private static long[] cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] { Long.parseLong(f[14 - 3]), Long.parseLong(f[15 - 3]) };
    }

    private static double rssMb(long pid) throws IOException {
        String[] f = Files.readString(Path.of("/proc", Long.toString(pid), "statm")).strip().split(" ");
        return Long.parseLong(f[1]) * PAGE / 1024.0 / 1024.0;
    }

    private static int freePort() throws IOException {
        try (var s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String ctl(Testbed tb, String... args) {
        String[] argv = new String[args.length + 1];
        argv[0] = "systemctl";
        System.arraycopy(args, 0, argv, 1, args.length);
        Testbed.Result r = tb.exec(T, argv);
        ok(r, String.join(" ", argv));
        return r.stdout();
    }

    private static String run(List<String> argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    private static void ok(Testbed.Result r, String what) {
        if (r.exitCode() != 0) {
            throw new IllegalStateException(what + " failed with " + r.exitCode() + ": " + r.stderr() + r.stdout());
        }
    }
}
