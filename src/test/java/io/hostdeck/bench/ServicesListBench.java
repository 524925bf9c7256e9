package io.hostdeck.bench;

import static io.hostdeck.bench.Figures.cpuModel;
import static io.hostdeck.bench.Figures.line;
import static io.hostdeck.bench.Figures.median;
import static io.hostdeck.bench.Figures.osName;
import static io.hostdeck.bench.Figures.p95;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.hostdeck.HostdeckApplication;
import io.hostdeck.host.cgroupfs.CgroupFs;
import io.hostdeck.host.systemd.Systemd;
import io.hostdeck.host.systemd.UnitFile;
import io.hostdeck.host.systemd.UnitSummary;
import io.hostdeck.support.TestUsers;
import io.hostdeck.support.WebSession;
import io.hostdeck.testbed.Testbed;

/**
 * Benchmark, not a test: {@code GET /services} with N loaded units on the testbed's systemd, beside
 * {@code systemctl list-units --all} on the same testbed in the same run. Prints median and p95 of
 * each and exits; the figures go to {@code docs/benchmarks.md} by hand.
 *
 * <pre>
 * flock /tmp/hostdeck-maven.lock ./mvnw -q test-compile
 * flock /tmp/hostdeck-maven.lock ./mvnw -q exec:java -Dexec.mainClass=io.hostdeck.bench.ServicesListBench \
 *     -Dexec.classpathScope=test -Dexec.args="1000 50"
 * </pre>
 *
 * Arguments: N units (default 1000), K measured runs of each kind (default 50), W warm-up requests
 * (default 20), then any {@code --name=value} settings to start the app with (what-if runs; the
 * default run has none). Needs root (the testbed), like the integration tests. Every kind of
 * measurement is taken once per round, round after round, so that load from elsewhere on the
 * machine falls on all of them alike. exec:java with the test scope puts every test jar on the
 * app's class path too, which makes lookups of class-path resources slower than in production;
 * {@code docs/benchmarks.md} also gives a run with the runtime class path only.
 */
public final class ServicesListBench {

    private static final String NAME = "bench";
    private static final Duration T = Duration.ofSeconds(60);
    private static final Pattern ROW_COUNT = Pattern.compile("id=\"row-count\">(\\d+)<");
    private static final Pattern ROW = Pattern.compile("<tr id=\"unit-");
    private static final String NO_MATCH = "zz-no-such-unit-zz";

    private ServicesListBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int k = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        List<String> appArgs = args.length > 3 ? List.of(args).subList(3, args.length) : List.of();

        BenchTestbed.run(NAME, (tb, app) -> run(tb, app, n, k, warmup, appArgs));
    }

    private static void run(Testbed tb, AtomicReference<ConfigurableApplicationContext> app, int n, int k, int warmup,
            List<String> appArgs) throws Exception {
        // ---- 1. N units, loaded and active
        long t0 = System.nanoTime();
        createUnits(tb, n);
        ctl(tb, Duration.ofSeconds(300), "daemon-reload");
        ctl(tb, Duration.ofSeconds(600), "start", "hd-bench.target");
        String listed = ctl(tb, T, "list-units", "--all", "--no-legend", "--plain", "--no-pager");
        long loaded = listed.lines().filter(l -> !l.isBlank()).count();
        long benchActive = listed.lines().map(l -> l.strip().split("\\s+"))
                .filter(f -> f.length >= 3 && f[0].startsWith("hd-bench-") && f[1].equals("loaded")
                        && f[2].equals("active"))
                .count();
        System.out.printf(Locale.ROOT, "units: %d hd-bench units created and started in %.1f s; "
                + "systemctl list-units --all lists %d units, %d of them hd-bench-* loaded+active%n",
                n, ms(System.nanoTime() - t0) / 1000, loaded, benchActive);
        if (loaded < n || benchActive != n) {
            throw new IllegalStateException("systemd does not list the " + n + " units: " + loaded + " listed, "
                    + benchActive + " hd-bench-* active");
        }

        // ---- 2. the app, in-process, pointed at the testbed
        t0 = System.nanoTime();
        // as command-line arguments: they win over application.properties (builder.properties() would not)
        List<String> argv = new ArrayList<>(List.of("--hostdeck.host.root=" + tb.root(),
                "--hostdeck.host.bus=" + tb.busAddress(),
                "--hostdeck.users-file=" + TestUsers.write(),
                "--server.port=0",
                "--logging.level.root=WARN"));
        argv.addAll(appArgs); // what-if runs, e.g. --spring.thymeleaf.enable-spring-el-compiler=true
        ConfigurableApplicationContext ctx = new SpringApplicationBuilder(HostdeckApplication.class)
                .registerShutdownHook(false)
                .run(argv.toArray(String[]::new));
        app.set(ctx);
        String root = ctx.getEnvironment().getProperty("hostdeck.host.root");
        if (!tb.root().toString().equals(root)) {
            throw new IllegalStateException("the app is not pointed at the testbed: hostdeck.host.root=" + root);
        }
        int port = ctx.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
        System.out.printf(Locale.ROOT, "app: started on port %d in %.0f ms%n", port, ms(System.nanoTime() - t0));
        Systemd systemd = ctx.getBean(Systemd.class);
        Catalog catalog = new Catalog(ctx.getBean("serviceCatalog"));
        CgroupSide cgroupSide = CgroupSide.of(ctx);

        WebSession web = new WebSession(port);
        String location = web.login("viewer", TestUsers.PASSWORD).headers().firstValue("Location").orElse("");
        if (location.contains("error") || location.contains("login")) {
            throw new IllegalStateException("login as viewer failed: redirected to " + location);
        }

        // ---- 3. cold: the first page after start lists the unit files (uncached)
        t0 = System.nanoTime();
        HttpResponse<String> first = web.get("/services");
        double coldMs = ms(System.nanoTime() - t0);
        int expected = expectedRows(systemd);
        int rows = check(first, expected, n);
        long rendered = ROW.matcher(first.body()).results().count();
        if (rendered != rows) {
            throw new IllegalStateException("row-count says " + rows + " but the table has " + rendered + " rows");
        }
        System.out.printf(Locale.ROOT, "page: %d rows (%d loaded units + unit files not loaded), %d KiB of HTML; "
                + "first GET after start %.0f ms%n", rows, systemd.listUnits().size(),
                first.body().length() / 1024, coldMs);

        // ---- 4. warm-up: the page, the pieces, and the process paths
        List<String> names = systemd.listUnits().stream().map(UnitSummary::name).toList();
        for (int i = 0; i < warmup; i++) {
            check(web.get("/services"), expected, n);
            web.get("/services?q=" + NO_MATCH);
            systemd.listUnits();
            systemd.unitFacts(names);
            cgroupSide.run();
            catalog.list();
        }
        // the list's per-unit facts (main PID, since) are read in the background after the first
        // page asks for them: measure once they are all there, not while they are being filled
        int facts = awaitFacts(systemd, names);
        System.out.printf(Locale.ROOT, "unit facts known for %d of %d loaded units%n", facts, names.size());
        for (int i = 0; i < 3; i++) {
            tb.exec(T, "true");
            tb.exec(T, "systemctl", "list-units", "--all", "--no-pager");
            busctl(tb, "ListUnits");
        }

        // ---- 5. K rounds, one of each per round
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).strip();
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        for (String key : List.of("get", "getEmpty", "catalog", "listUnits", "listUnitFiles", "unitFacts",
                "cgroups", "systemctl", "nsenterTrue", "busctlListUnits", "busctlPing")) {
            samples.put(key, new ArrayList<>(k));
        }
        for (int i = 0; i < k; i++) {
            long s = System.nanoTime();
            HttpResponse<String> page = web.get("/services");
            samples.get("get").add(ms(System.nanoTime() - s));
            check(page, expected, n);

            s = System.nanoTime();
            HttpResponse<String> empty = web.get("/services?q=" + NO_MATCH);
            samples.get("getEmpty").add(ms(System.nanoTime() - s));
            if (empty.statusCode() != 200 || !empty.body().contains("id=\"row-count\">0<")) {
                throw new IllegalStateException("GET /services?q=" + NO_MATCH + " did not give 0 rows");
            }

            s = System.nanoTime();
            int listedRows = catalog.list();
            samples.get("catalog").add(ms(System.nanoTime() - s));
            if (listedRows != expected) {
                throw new IllegalStateException("ServiceCatalog.list gave " + listedRows + " rows, not " + expected);
            }

            s = System.nanoTime();
            systemd.listUnits();
            samples.get("listUnits").add(ms(System.nanoTime() - s));

            s = System.nanoTime();
            systemd.listUnitFiles();
            samples.get("listUnitFiles").add(ms(System.nanoTime() - s));

            s = System.nanoTime();
            systemd.unitFacts(names);
            samples.get("unitFacts").add(ms(System.nanoTime() - s));

            s = System.nanoTime();
            cgroupSide.run();
            samples.get("cgroups").add(ms(System.nanoTime() - s));

            s = System.nanoTime();
            Testbed.Result r = tb.exec(T, "systemctl", "list-units", "--all", "--no-pager");
            samples.get("systemctl").add(ms(System.nanoTime() - s));
            ok(r, "systemctl list-units --all");

            s = System.nanoTime();
            r = tb.exec(T, "true");
            samples.get("nsenterTrue").add(ms(System.nanoTime() - s));
            ok(r, "true");

            s = System.nanoTime();
            busctl(tb, "ListUnits");
            samples.get("busctlListUnits").add(ms(System.nanoTime() - s));

            s = System.nanoTime();
            r = Testbed.runOnHost(T, "busctl", "--address=" + tb.busAddress(), "call", "org.freedesktop.systemd1",
                    "/org/freedesktop/systemd1", "org.freedesktop.DBus.Peer", "Ping");
            samples.get("busctlPing").add(ms(System.nanoTime() - s));
            ok(r, "busctl Ping");
        }
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).strip();

        // ---- 6. ListUnitFiles uncached, as systemd answers it (a few: it is slow)
        List<Double> listUnitFilesBus = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long s = System.nanoTime();
            busctl(tb, "ListUnitFiles");
            listUnitFilesBus.add(ms(System.nanoTime() - s));
        }

        // ---- 7. the table
        Runtime rt = Runtime.getRuntime();
        System.out.println();
        System.out.printf(Locale.ROOT, "ServicesListBench: N=%d units, K=%d runs each (after %d warm-up), "
                + "systemd %s%s%n", n, k, warmup, systemd.manager().version(),
                appArgs.isEmpty() ? "" : "; app settings changed for this run: " + String.join(" ", appArgs));
        System.out.printf(Locale.ROOT, "machine: %d CPUs (%s), %s, kernel %s; JVM %s %s, max heap %d MiB%n",
                rt.availableProcessors(), cpuModel(), osName(), System.getProperty("os.version"),
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
                rt.maxMemory() >> 20);
        System.out.printf(Locale.ROOT, "load average before/after the measured rounds: %s / %s%n", loadBefore,
                loadAfter);
        System.out.printf(Locale.ROOT, "rows on the page: %d (systemctl list-units --all: %d units)%n%n", rows,
                loaded);
        System.out.println("| what | median ms | p95 ms | min ms | max ms |");
        System.out.println("| --- | ---: | ---: | ---: | ---: |");
        line("GET /services, round trip on loopback (" + rows + " rows)", samples.get("get"));
        line("GET /services?q=" + NO_MATCH + " (same data work, 0 rows rendered)", samples.get("getEmpty"));
        line("  ServiceCatalog.list, in-process (all the data, no HTML)", samples.get("catalog"));
        line("    Systemd.listUnits (ListUnits over dbus-java)", samples.get("listUnits"));
        line("    Systemd.listUnitFiles (cached)", samples.get("listUnitFiles"));
        line("    Systemd.unitFacts (main PID, since; cached)", samples.get("unitFacts"));
        line("    " + cgroupSide.what(), samples.get("cgroups"));
        line("systemctl list-units --all --no-pager, via nsenter", samples.get("systemctl"));
        line("  baseline: `true` via the same nsenter path", samples.get("nsenterTrue"));
        line("busctl call ... Manager ListUnits, from the host", samples.get("busctlListUnits"));
        line("  baseline: busctl call ... Peer Ping, from the host", samples.get("busctlPing"));
        line("busctl call ... Manager ListUnitFiles (uncached; 5 runs)", listUnitFilesBus);
        System.out.printf(Locale.ROOT, "%nfirst GET /services after start (includes uncached ListUnitFiles): %.0f ms%n",
                coldMs);
        cgroupSide.background().ifPresent(System.out::println);
        double get = median(samples.get("get"));
        System.out.printf(Locale.ROOT, "goal: GET /services under 150 ms at 1,000 units: median %.1f ms, p95 %.1f ms "
                + "-> %s%n", get, p95(samples.get("get")),
                n < 1000 ? "not judged (N < 1000)" : p95(samples.get("get")) < 150 ? "met (p95 too)"
                        : get < 150 ? "met by the median, not by p95" : "NOT met");
    }

    // ------------------------------------------------------------------ units

    private static void createUnits(Testbed tb, int n) throws IOException {
        Path dir = tb.root().resolve("etc/systemd/system");
        StringBuilder target = new StringBuilder("[Unit]\nDescription=Hostdeck bench: all hd-bench units\n");
        for (int i = 1; i <= n; i++) {
            String unit = String.format(Locale.ROOT, "hd-bench-%04d.service", i);
            Files.writeString(dir.resolve(unit), "[Unit]\nDescription=Hostdeck bench unit " + i + "\n"
                    + "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n");
            target.append("Wants=").append(unit).append('\n');
        }
        Files.writeString(dir.resolve("hd-bench.target"), target.toString());
    }

    private static String ctl(Testbed tb, Duration timeout, String... args) {
        String[] argv = new String[args.length + 1];
        argv[0] = "systemctl";
        System.arraycopy(args, 0, argv, 1, args.length);
        Testbed.Result r = tb.exec(timeout, argv);
        ok(r, String.join(" ", argv));
        return r.stdout();
    }

    private static void busctl(Testbed tb, String method) {
        ok(Testbed.runOnHost(T, "busctl", "--address=" + tb.busAddress(), "call", "org.freedesktop.systemd1",
                "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager", method), "busctl " + method);
    }

    private static void ok(Testbed.Result r, String what) {
        if (r.exitCode() != 0) {
            throw new IllegalStateException(what + " failed with " + r.exitCode() + ": " + r.stderr() + r.stdout());
        }
    }

    // ------------------------------------------------------------------ the page

    /** Rows the unfiltered list should have: every loaded unit, and every unit file not loaded. */
    private static int expectedRows(Systemd systemd) {
        Set<String> names = new HashSet<>();
        for (UnitSummary u : systemd.listUnits()) {
            names.add(u.name());
        }
        for (UnitFile f : systemd.listUnitFiles()) {
            names.add(f.name());
        }
        return names.size();
    }

    private static int check(HttpResponse<String> page, int expected, int n) {
        if (page.statusCode() != 200) {
            throw new IllegalStateException("GET /services answered " + page.statusCode() + ":\n" + page.body());
        }
        Matcher m = ROW_COUNT.matcher(page.body());
        if (!m.find()) {
            throw new IllegalStateException("GET /services has no row-count:\n" + page.body());
        }
        int rows = Integer.parseInt(m.group(1));
        if (rows != expected || rows < n) {
            throw new IllegalStateException("GET /services shows " + rows + " rows; expected " + expected
                    + " (at least " + n + ")");
        }
        return rows;
    }

    /** ServiceCatalog and ServiceListQuery are package-private: reached by reflection, timed without it. */
    private static final class Catalog {
        private final Object bean;
        private final Method list;
        private final Object all;

        Catalog(Object bean) throws ReflectiveOperationException {
            this.bean = bean;
            Class<?> query = Class.forName("io.hostdeck.services.ServiceListQuery");
            Method of = query.getDeclaredMethod("of", String.class, String.class, String.class);
            of.setAccessible(true);
            this.all = of.invoke(null, null, null, null);
            Method found = null;
            for (Class<?> c = bean.getClass(); c != null && found == null; c = c.getSuperclass()) {
                try {
                    found = c.getDeclaredMethod("list", query);
                } catch (NoSuchMethodException e) {
                    // a proxy: look in the class it extends
                }
            }
            if (found == null) {
                throw new NoSuchMethodException("ServiceCatalog.list(ServiceListQuery)");
            }
            found.setAccessible(true);
            this.list = found;
        }

        int list() throws IllegalAccessException {
            try {
                return ((List<?>) list.invoke(bean, all)).size();
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
    }

    /** Waits (up to 60 s) until the facts of every loaded unit are known, or their number stops growing. */
    private static int awaitFacts(Systemd systemd, List<String> names) throws InterruptedException {
        int known = -1;
        int steady = 0;
        for (long end = System.nanoTime() + Duration.ofSeconds(60).toNanos(); System.nanoTime() < end; ) {
            int now = systemd.unitFacts(names).size();
            if (now == names.size()) {
                return now;
            }
            steady = now == known ? steady + 1 : 0;
            if (steady >= 10) {
                return now; // some units have no facts to read: stop waiting for them
            }
            known = now;
            Thread.sleep(200);
        }
        return known;
    }

    /**
     * The cgroup side of the list, whichever the tree has: a walk of the cgroup files on every
     * request ({@code CgroupFs.unitUsage()}, timed here), or a background sampler whose latest tick
     * the list reads ({@code CgroupSampler.latest()}, timed here, with the cost of its passes reported
     * beside it, since they take CPU from the same two cores). By reflection, so this bench compiles
     * against either.
     */
    private static final class CgroupSide {
        private final String what;
        private final Object target;
        private final Method method;
        private final Object sampler;
        private final List<double[]> passes = new ArrayList<>();

        private CgroupSide(String what, Object target, Method method, Object sampler) {
            this.what = what;
            this.target = target;
            this.method = method;
            this.sampler = sampler;
        }

        static CgroupSide of(ConfigurableApplicationContext ctx) throws ReflectiveOperationException {
            try {
                Class<?> type = Class.forName("io.hostdeck.cgroups.CgroupSampler");
                Object sampler = ctx.getBean(type);
                return new CgroupSide("CgroupSampler.latest (the last background tick)", sampler,
                        type.getMethod("latest"), sampler);
            } catch (ClassNotFoundException e) {
                Object fs = ctx.getBean(CgroupFs.class);
                return new CgroupSide("CgroupFs.unitUsage (memory + pids walk)", fs,
                        CgroupFs.class.getMethod("unitUsage"), null);
            }
        }

        String what() {
            return what;
        }

        void run() throws ReflectiveOperationException {
            method.invoke(target);
            if (sampler != null) {
                Object pass = sampler.getClass().getMethod("lastPass").invoke(sampler);
                double[] p = {number(pass, "cgroups"), number(pass, "wallNanos") / 1e6, number(pass, "cpuNanos") / 1e6};
                if (p[0] > 0 && (passes.isEmpty() || !Arrays.equals(passes.get(passes.size() - 1), p))) {
                    passes.add(p);
                }
            }
        }

        /** What the background sampler's passes cost while the bench ran, if there is one. */
        Optional<String> background() {
            if (passes.isEmpty()) {
                return Optional.empty();
            }
            List<Double> wall = passes.stream().map(p -> p[1]).toList();
            List<Double> cpu = passes.stream().map(p -> p[2]).toList();
            return Optional.of(String.format(Locale.ROOT, "background cgroup sampler, %d passes seen "
                    + "(%.0f cgroups each): wall median %.1f ms (p95 %.1f), CPU median %.1f ms (p95 %.1f)",
                    passes.size(), passes.get(passes.size() - 1)[0], median(wall), p95(wall), median(cpu), p95(cpu)));
        }

        private static double number(Object record, String accessor) throws ReflectiveOperationException {
            Method m = record.getClass().getMethod(accessor);
            m.setAccessible(true);
            return ((Number) m.invoke(record)).doubleValue();
        }
    }

    // ------------------------------------------------------------------ figures

    private static double ms(long nanos) {
        return nanos / 1e6;
    }






}
