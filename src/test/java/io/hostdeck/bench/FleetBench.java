package io.hostdeck.bench;

import static io.hostdeck.bench.Figures.cpuModel;
import static io.hostdeck.bench.Figures.line;
import static io.hostdeck.bench.Figures.osName;

import java.io.BufferedWriter;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.hostdeck.HostdeckApplication;
import io.hostdeck.support.TestUsers;
import io.hostdeck.support.WebSession;
import io.hostdeck.testbed.Testbed;

/**
 * Benchmark, not a test: {@code GET /fleet} at 1,000 hosts, on a Prometheus TSDB backfilled with
 * {@code promtool tsdb create-blocks-from openmetrics} (Debian's promtool, from the package
 * {@code src/test/prometheus/prepare.sh} unpacks), beside the page's PromQL queries sent straight
 * to the same Prometheus (what a Grafana dashboard of the same panels costs). Prints medians.
 *
 * <pre>
 * flock /tmp/hostdeck-maven.lock ./mvnw -q test-compile
 * flock /tmp/hostdeck-maven.lock ./mvnw -q exec:java -Dexec.mainClass=io.hostdeck.bench.FleetBench \
 *     -Dexec.classpathScope=test -Dexec.args="1000 20"
 * </pre>
 *
 * Arguments: H hosts (default 1000), K measured rounds (default 20). The fleet it writes: every
 * host a Hostdeck under job "hostdeck", 150 loaded units (node_systemd_unit_state, five series
 * each), its identity, systemd state, CPUs and memory; one host in ten a container host with 1,000
 * cgroups (800 of them containers), the others 150 cgroups; each cgroup with its CPU counter and
 * working set, and each host's own top 20 cgroups and containers by both (hostdeck_top_*); 3 % of hosts with one to three failed units, 1 % down for the last three minutes.
 * Samples every 15 s: an hour of up and hostdeck_info, the last five minutes of everything else
 * (what the page's instant queries reach: 5 minutes' lookback, 1 minute rates). Needs root (the
 * testbed the app is pointed at), like the integration tests.
 */
public final class FleetBench {

    private static final String NAME = "fleetbench";
    private static final Duration STEP = Duration.ofSeconds(15);
    private static final int UNITS = 150;
    private static final int BIG_CGROUPS = 1000;
    private static final int SMALL_CGROUPS = 150;
    private static final Pattern HOST_COUNT = Pattern.compile("id=\"host-count\">(\\d+)<");
    private static final Pattern PROMQL = Pattern.compile("<dt>([a-z_]+)</dt><dd><code>([^<]+)</code>");

    private FleetBench() {
    }

    public static void main(String[] args) throws Exception {
        int hosts = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Path work = Path.of("/var/tmp/hostdeck-fleetbench");
        Testbed.Result prepared = Testbed.runOnHost(Duration.ofMinutes(5), "bash", "src/test/prometheus/prepare.sh");
        if (prepared.exitCode() != 0) {
            throw new IllegalStateException("prepare.sh: " + prepared.stderr());
        }
        Path prometheusBin = Path.of(prepared.stdout().strip());
        Path promtool = prometheusBin.resolveSibling("promtool");
        deleteTree(work);
        Files.createDirectories(work);

        // ---- 1. the fleet as OpenMetrics text, ending ten minutes ago on a 15 s step
        Instant end = Instant.ofEpochSecond((Instant.now().getEpochSecond() - 600) / 15 * 15);
        long t0 = System.nanoTime();
        long[] counts = write(work.resolve("fleet.om"), hosts, end);
        System.out.printf(Locale.ROOT, "fleet: %d hosts, %d series, %d samples, %d MiB of OpenMetrics, written in %.1f s%n",
                hosts, counts[0], counts[1], Files.size(work.resolve("fleet.om")) >> 20, (System.nanoTime() - t0) / 1e9);

        // ---- 2. backfilled into a TSDB
        t0 = System.nanoTime();
        Testbed.Result blocks = Testbed.runOnHost(Duration.ofMinutes(60), promtool.toString(), "tsdb",
                "create-blocks-from", "openmetrics", work.resolve("fleet.om").toString(), work.resolve("data").toString());
        if (blocks.exitCode() != 0) {
            throw new IllegalStateException("promtool: " + blocks.stdout() + blocks.stderr());
        }
        System.out.printf(Locale.ROOT, "promtool tsdb create-blocks-from openmetrics: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        Files.delete(work.resolve("fleet.om"));

        // ---- 3. Prometheus on it (nothing to scrape), the app pointed at it and at a testbed
        int promPort = freePort();
        Files.writeString(work.resolve("prometheus.yml"), "global:\n  scrape_interval: 15s\n");
        Process prometheus = new ProcessBuilder(prometheusBin.toString(), "--config.file=" + work.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + work.resolve("data"), "--storage.tsdb.retention.time=30d",
                "--web.listen-address=127.0.0.1:" + promPort).redirectErrorStream(true)
                .redirectOutput(work.resolve("prometheus.log").toFile()).start();
        Testbed tb = null;
        ConfigurableApplicationContext app = null;
        try {
            Testbed.teardown(NAME);
            tb = Testbed.boot(NAME);
            ServerTimer server = new ServerTimer();
            app = new SpringApplicationBuilder(HostdeckApplication.class).registerShutdownHook(false)
                    .initializers(c -> {
                        c.getBeanFactory().registerSingleton("benchServerTimer", server.registration());
                        // the page asks Prometheus for the backfilled instant, not for now
                        c.getBeanFactory().registerSingleton("fleetClock", Clock.fixed(end, ZoneOffset.UTC));
                    })
                    .run("--hostdeck.host.root=" + tb.root(), "--hostdeck.host.bus=" + tb.busAddress(),
                            "--hostdeck.users-file=" + TestUsers.write(), "--server.port=0", "--hostdeck.pam.enabled=false",
                            "--hostdeck.audit.file=" + work.resolve("audit.log"), "--hostdeck.tokens.file=" + work.resolve("tokens"),
                            "--hostdeck.fleet.prometheus-url=http://127.0.0.1:" + promPort, "--hostdeck.fleet.refresh=15s",
                            "--hostdeck.fleet.timeout=30s", "--logging.level.root=WARN");
            int port = app.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
            WebSession web = new WebSession(port);
            web.login("viewer", TestUsers.PASSWORD);
            awaitPrometheus(promPort);

            HttpResponse<String> first = web.get("/fleet");
            Matcher m = HOST_COUNT.matcher(first.body());
            if (first.statusCode() != 200 || !m.find() || Integer.parseInt(m.group(1)) != hosts) {
                throw new IllegalStateException("the page does not list " + hosts + " hosts: HTTP " + first.statusCode()
                        + "\n" + first.body().substring(0, Math.min(3000, first.body().length())));
            }
            Map<String, String> queries = new LinkedHashMap<>();
            Matcher q = PROMQL.matcher(first.body());
            while (q.find()) {
                queries.put(q.group(1), org.springframework.web.util.HtmlUtils.htmlUnescape(q.group(2)));
            }
            System.out.printf(Locale.ROOT, "page: %d hosts, %d KiB of HTML, %d queries%n", hosts, first.body().length() / 1024,
                    queries.size());

            // ---- 4. warm-up, then K rounds of: the page, the queries in parallel, each query alone
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < 3; i++) {
                Thread.sleep(600); // past the page's half-second cache
                web.get("/fleet");
                parallel(http, promPort, queries.values(), end);
            }
            server.clear();
            Map<String, List<Double>> samples = new LinkedHashMap<>();
            for (int r = 0; r < rounds; r++) {
                Thread.sleep(600);
                web.get("/fleet");
                samples.computeIfAbsent("GET /fleet (server time)", k -> new ArrayList<>()).add(server.lastMs());
                long t = System.nanoTime();
                parallel(http, promPort, queries.values(), end);
                samples.computeIfAbsent("the " + queries.size() + " queries in parallel, straight to Prometheus",
                        k -> new ArrayList<>()).add((System.nanoTime() - t) / 1e6);
                for (Map.Entry<String, String> e : queries.entrySet()) {
                    long t1 = System.nanoTime();
                    query(http, promPort, e.getValue(), end).join();
                    samples.computeIfAbsent("query " + e.getKey(), k -> new ArrayList<>()).add((System.nanoTime() - t1) / 1e6);
                }
            }
            System.out.printf(Locale.ROOT, "%n%s, %s, %d cores; %s; %d rounds%n", cpuModel(), osName(),
                    Runtime.getRuntime().availableProcessors(), Files.readString(Path.of("/proc/loadavg")).strip(), rounds);
            System.out.println("| ms | median | p95 | min | max |\n| --- | --- | --- | --- | --- |");
            samples.forEach(Figures::line);
        } finally {
            if (app != null) {
                app.close();
            }
            if (tb != null) {
                tb.close();
            }
            prometheus.destroy();
            if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
            deleteTree(work);
        }
    }

    /** Writes the fleet; returns {series, samples}. Families stay together, as OpenMetrics wants. */
    static long[] write(Path file, int hosts, Instant end) throws IOException {
        long endS = end.getEpochSecond();
        long hourStart = endS - 3600 + STEP.toSeconds();
        long recentStart = endS - 300 + STEP.toSeconds();
        long downFrom = endS - 180;
        long[] counts = new long[2];
        Random rnd = new Random(20);
        boolean[] down = new boolean[hosts];
        int[] failedUnits = new int[hosts];
        for (int h = 0; h < hosts; h++) {
            down[h] = h % 100 == 42;
            failedUnits[h] = h % 33 == 7 ? 1 + h % 3 : 0;
        }
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            Series s = new Series(w, counts);
            s.family("up");
            for (int h = 0; h < hosts; h++) {
                for (long t = hourStart; t <= endS; t += STEP.toSeconds()) {
                    s.sample("up", labels(h), down[h] && t > downFrom ? 0 : 1, t);
                }
                s.done();
            }
            s.family("hostdeck_info");
            for (int h = 0; h < hosts; h++) {
                String l = labels(h) + ",hostname=\"" + host(h) + "\",url=\"https://" + host(h)
                        + ".example:8443\",version=\"0.1.0\",cgroup_mode=\"" + (h % 10 == 0 ? "v2" : "hybrid")
                        + "\",systemd_version=\"252.39-1~deb12u2\"";
                s.range("hostdeck_info", l, h, hourStart, endS, down[h] ? downFrom : endS, t -> 1);
            }
            s.family("hostdeck_systemd_system_state");
            for (int h = 0; h < hosts; h++) {
                String current = failedUnits[h] > 0 ? "degraded" : "running";
                for (String state : List.of("initializing", "starting", "running", "degraded", "maintenance", "stopping",
                        "offline", "unknown")) {
                    s.range("hostdeck_systemd_system_state", labels(h) + ",state=\"" + state + "\"", h, recentStart, endS,
                            down[h] ? downFrom : endS, t -> state.equals(current) ? 1 : 0);
                }
            }
            s.family("machine_cpu_cores");
            for (int h = 0; h < hosts; h++) {
                s.range("machine_cpu_cores", labels(h), h, recentStart, endS, down[h] ? downFrom : endS, t -> 8);
            }
            s.family("node_memory_MemTotal_bytes");
            for (int h = 0; h < hosts; h++) {
                s.range("node_memory_MemTotal_bytes", labels(h), h, recentStart, endS, down[h] ? downFrom : endS,
                        t -> 32L << 30);
            }
            s.family("node_memory_MemAvailable_bytes");
            for (int h = 0; h < hosts; h++) {
                long avail = (long) ((4 + rnd.nextInt(24)) * (double) (1L << 30));
                s.range("node_memory_MemAvailable_bytes", labels(h), h, recentStart, endS, down[h] ? downFrom : endS,
                        t -> avail);
            }
            s.family("node_systemd_unit_state");
            for (int h = 0; h < hosts; h++) {
                for (int u = 0; u < UNITS; u++) {
                    String unit = unit(u);
                    boolean failed = u < failedUnits[h];
                    for (String state : List.of("active", "activating", "deactivating", "inactive", "failed")) {
                        boolean on = failed ? state.equals("failed") : state.equals(u % 4 == 3 ? "inactive" : "active");
                        s.range("node_systemd_unit_state", labels(h) + ",name=\"" + unit + "\",state=\"" + state
                                + "\",type=\"service\"", h, recentStart, endS, down[h] ? downFrom : endS, t -> on ? 1 : 0);
                    }
                }
            }
            s.family("hostdeck_systemd_unit_failed");
            for (int h = 0; h < hosts; h++) {
                for (int u = 0; u < failedUnits[h]; u++) {
                    s.range("hostdeck_systemd_unit_failed", labels(h) + ",name=\"" + unit(u) + "\",type=\"service\"", h,
                            recentStart, endS, down[h] ? downFrom : endS, t -> 1);
                }
            }
            s.family("hostdeck_systemd_unit_failed_since_seconds");
            for (int h = 0; h < hosts; h++) {
                for (int u = 0; u < failedUnits[h]; u++) {
                    long since = endS - 3600 - h * 7L;
                    s.range("hostdeck_systemd_unit_failed_since_seconds", labels(h) + ",name=\"" + unit(u)
                            + "\",type=\"service\"", h, recentStart, endS, down[h] ? downFrom : endS, t -> since);
                }
            }
            s.family("container_cpu_usage_seconds_total");
            for (int h = 0; h < hosts; h++) {
                Load load = new Load(h);
                for (int c = 0; c < cgroups(h); c++) {
                    double perSecond = load.cores[c];
                    double base = load.base[c];
                    s.range("container_cpu_usage_seconds_total", cgroupLabels(h, c), h, recentStart, endS,
                            down[h] ? downFrom : endS, t -> base + perSecond * (t - recentStart));
                }
            }
            s.family("container_memory_working_set_bytes");
            for (int h = 0; h < hosts; h++) {
                Load load = new Load(h);
                for (int c = 0; c < cgroups(h); c++) {
                    long bytes = load.bytes[c];
                    s.range("container_memory_working_set_bytes", cgroupLabels(h, c), h, recentStart, endS,
                            down[h] ? downFrom : endS, t -> bytes);
                }
            }
            // each Hostdeck's own top 20s, as /metrics exports them (hostdeck_top_*)
            for (String top : List.of("hostdeck_top_cgroup_cpu_cores", "hostdeck_top_cgroup_memory_bytes",
                    "hostdeck_top_container_cpu_cores", "hostdeck_top_container_memory_bytes")) {
                s.family(top);
                boolean containers = top.contains("container");
                boolean cpu = top.endsWith("cores");
                for (int h = 0; h < hosts; h++) {
                    Load load = new Load(h);
                    List<Integer> ranked = new ArrayList<>();
                    for (int c = 1; c < cgroups(h); c++) {
                        boolean container = cgroupLabels(h, c).contains("container_id");
                        boolean slice = c < 5;
                        if (containers ? container : !slice) {
                            ranked.add(c);
                        }
                    }
                    ranked.sort((a, b) -> Double.compare(cpu ? load.cores[b] : load.bytes[b], cpu ? load.cores[a] : load.bytes[a]));
                    for (int c : ranked.subList(0, Math.min(20, ranked.size()))) {
                        double v = cpu ? load.cores[c] : load.bytes[c];
                        s.range(top, cgroupLabels(h, c), h, recentStart, endS, down[h] ? downFrom : endS, t -> v);
                    }
                }
            }
            w.write("# EOF\n");
        }
        return counts;
    }

    /** A host's cgroups' CPU (cores), counter base and working set, the same at every call. */
    private static final class Load {
        final double[] cores;
        final double[] base;
        final long[] bytes;

        Load(int h) {
            Random rnd = new Random(h);
            int n = cgroups(h);
            cores = new double[n];
            base = new double[n];
            bytes = new long[n];
            for (int c = 0; c < n; c++) {
                cores[c] = rnd.nextDouble() < 0.1 ? rnd.nextDouble() * 2 : rnd.nextDouble() * 0.01;
                base[c] = rnd.nextDouble() * 1e5;
                bytes[c] = c == 0 ? 20L << 30 : (long) (Math.exp(rnd.nextDouble() * 8) * (1 << 20));
            }
        }
    }

    private static int cgroups(int h) {
        return h % 10 == 0 ? BIG_CGROUPS : SMALL_CGROUPS;
    }

    private static String host(int h) {
        return String.format(Locale.ROOT, "host-%04d", h);
    }

    private static String labels(int h) {
        return "instance=\"" + host(h) + ":8443\",job=\"hostdeck\"";
    }

    private static String unit(int u) {
        return String.format(Locale.ROOT, "svc-%03d.service", u);
    }

    /** The root, then slices, services and, on a container host, docker scopes. */
    private static String cgroupLabels(int h, int c) {
        String id;
        String extra = "";
        if (c == 0) {
            id = "/";
        } else if (c < 5) {
            id = "/" + List.of("system", "user", "machine", "init").get(c - 1) + ".slice";
        } else if (h % 10 == 0 && c >= 200) {
            String cid = String.format(Locale.ROOT, "%016x%016x%016x%016x", h, c, h * 31L + c, 7L);
            id = "/system.slice/docker-" + cid + ".scope";
            extra = ",container_runtime=\"docker\",container_id=\"" + cid + "\"";
        } else {
            id = "/system.slice/" + unit(c) ;
        }
        String name = id.equals("/") ? "/" : id.substring(id.lastIndexOf('/') + 1);
        return labels(h) + ",id=\"" + id + "\",name=\"" + name + "\"" + extra;
    }

    /** Writes series, counting them and their samples. */
    private static final class Series {
        private final BufferedWriter w;
        private final long[] counts;

        Series(BufferedWriter w, long[] counts) {
            this.w = w;
            this.counts = counts;
        }

        void family(String name) throws IOException {
            w.write("# TYPE " + name + " gauge\n");
        }

        void sample(String name, String labels, double value, long t) throws IOException {
            w.write(name);
            w.write('{');
            w.write(labels);
            w.write("} ");
            w.write(value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value));
            w.write(' ');
            w.write(Long.toString(t));
            w.write('\n');
            counts[1]++;
        }

        void done() {
            counts[0]++;
        }

        interface Value {
            double at(long t);
        }

        /** One series from {@code from} to {@code to} (inclusive, at most {@code last}). */
        void range(String name, String labels, int h, long from, long to, long last, Value v) throws IOException {
            for (long t = from; t <= Math.min(to, last); t += STEP.toSeconds()) {
                sample(name, labels, v.at(t), t);
            }
            done();
        }
    }

    private static void parallel(HttpClient http, int port, java.util.Collection<String> queries, Instant at) {
        CompletableFuture.allOf(queries.stream().map(q -> query(http, port, q, at)).toArray(CompletableFuture[]::new)).join();
    }

    private static CompletableFuture<String> query(HttpClient http, int port, String promql, Instant at) {
        String form = "query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8) + "&time=" + at.getEpochSecond();
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/query"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form))
                .build(), HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException(promql + ": HTTP " + r.statusCode() + " " + r.body());
                    }
                    return r.body();
                });
    }

    private static void awaitPrometheus(int port) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("Prometheus did not get ready in 5 minutes");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
