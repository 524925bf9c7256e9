package io.hostdeck.bench;

import static io.hostdeck.bench.Figures.cpuModel;
import static io.hostdeck.bench.Figures.line;
import static io.hostdeck.bench.Figures.median;
import static io.hostdeck.bench.Figures.osName;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.hostdeck.HostdeckApplication;
import io.hostdeck.host.HostUnavailableException;
import io.hostdeck.host.systemd.Systemd;
import io.hostdeck.host.systemd.UnitSummary;
import io.hostdeck.support.Browser;
import io.hostdeck.support.TestUsers;
import io.hostdeck.support.WebSession;
import io.hostdeck.testbed.Testbed;

/**
 * Benchmark, not a test (issue 17): {@code GET /services} and {@code GET /cgroups} on a host with
 * N units and N cgroups, server-side (a first servlet filter, {@link ServerTimer}) and round trip
 * on loopback, and the browser's first screen (logged in, navigate, until the first rows are
 * visible) in headless Chromium, beside {@code systemctl list-units --all} in the testbed in the
 * same run.
 *
 * <p>The units are {@link HostCostBench}'s ({@code sleep infinity}, MemoryMax=64M, in slices of
 * 100, from unit files and one target that wants them all): N unit files in
 * {@code /etc/systemd/system}, N cgroups at depth 2.
 *
 * <pre>
 * flock /tmp/hostdeck-maven.lock sh -c './mvnw -q test-compile &amp;&amp; ./mvnw -q exec:java \
 *     -Dexec.mainClass=io.hostdeck.bench.PagesBench -Dexec.classpathScope=test -Dexec.args="10000 20"'
 * </pre>
 * Arguments: N units (10000), K measured rounds (20), L seconds to wait for systemd's unit-file
 * listing (1200). Needs root (the testbed).
 */
public final class PagesBench {

    private static final String NAME = "pagesbench";
    private static final Duration T = Duration.ofSeconds(120);
    private static final Pattern ROW_COUNT = Pattern.compile("id=\"row-count\">(\\d+)<");
    private static final Pattern CG_COUNT = Pattern.compile("id=\"cg-count\">(\\d+)<");
    private static final Pattern UNIT_ROW = Pattern.compile("<tr id=\"unit-");
    private static final Pattern CG_ROW = Pattern.compile("<tr data-path=");

    private PagesBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int k = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int listingWait = args.length > 2 ? Integer.parseInt(args[2]) : 1200;
        BenchTestbed.run(NAME, (tb, app) -> run(tb, app, n, k, listingWait));
    }

    private static void run(Testbed tb, AtomicReference<ConfigurableApplicationContext> app, int n, int k,
            int listingWait) throws Exception {
        System.out.printf(Locale.ROOT, "machine: %s, %d CPUs, %s; testbed %s, cgroups %s%n", cpuModel(),
                Runtime.getRuntime().availableProcessors(), osName(), tb, tb.cgroupMode());
        HostCostBench.grow(tb, 0, n);

        // ---- the peer, while systemd is idle (a unit-file listing, once asked for, holds it for minutes)
        Map<String, List<Double>> s = new LinkedHashMap<>();
        for (String key : List.of("systemctl", "nsenterTrue", "services", "servicesServer", "cgroups",
                "cgroupsServer", "services2", "services2Server", "busyServices", "busyServicesServer",
                "browserServices", "browserServicesFcp", "browserCgroups", "browserCgroupsFcp")) {
            s.put(key, new ArrayList<>());
        }
        int listed = 0;
        for (int i = 0; i < k + 3; i++) {
            long t0 = System.nanoTime();
            Testbed.Result r = tb.exec(T, "systemctl", "list-units", "--all", "--no-pager");
            double ms = ms(System.nanoTime() - t0);
            ok(r, "systemctl list-units --all");
            listed = (int) r.stdout().lines().filter(l -> l.contains(".")).count();
            t0 = System.nanoTime();
            ok(tb.exec(T, "true"), "true");
            double base = ms(System.nanoTime() - t0);
            if (i >= 3) {
                s.get("systemctl").add(ms);
                s.get("nsenterTrue").add(base);
            }
        }

        // ---- the app, in-process, with a clock ahead of every filter
        ServerTimer server = new ServerTimer();
        ConfigurableApplicationContext ctx = new SpringApplicationBuilder(HostdeckApplication.class)
                .registerShutdownHook(false)
                .initializers(c -> c.getBeanFactory().registerSingleton("benchServerTimer", server.registration()))
                .run("--hostdeck.host.root=" + tb.root(), "--hostdeck.host.bus=" + tb.busAddress(),
                        "--hostdeck.users-file=" + TestUsers.write(), "--server.port=0",
                        "--hostdeck.stats.max-cgroups=" + (n + 1000), "--logging.level.root=WARN");
        app.set(ctx);
        int port = ctx.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
        Systemd systemd = ctx.getBean(Systemd.class);
        WebSession web = new WebSession(port);
        String location = web.login("viewer", TestUsers.PASSWORD).headers().firstValue("Location").orElse("");
        if (location.contains("error") || location.contains("login")) {
            throw new IllegalStateException("login as viewer failed: " + location);
        }
        Thread.sleep(3000); // a few sampler ticks: every cgroup in the table

        // ---- the first page asks systemd for its unit files: how long systemd takes, and the pages meanwhile
        server.clear();
        long t0 = System.nanoTime();
        HttpResponse<String> first = web.get("/services");
        double firstMs = ms(System.nanoTime() - t0);
        double firstServer = server.lastMs();
        System.out.printf(Locale.ROOT, "first GET /services: %.0f ms (server %.0f ms), %s%n", firstMs, firstServer,
                shows(first, ROW_COUNT, UNIT_ROW));
        long listingStart = System.nanoTime();
        double listingS = -1;
        int busyWithRows = 0;
        while (System.nanoTime() - listingStart < listingWait * 1_000_000_000L) {
            if (systemd.unitFilesIfListed().isPresent()) {
                listingS = (System.nanoTime() - listingStart) / 1e9;
                break;
            }
            if (s.get("busyServices").size() < k) {
                server.clear();
                long b = System.nanoTime();
                HttpResponse<String> busy = web.get("/services");
                s.get("busyServices").add(ms(System.nanoTime() - b));
                s.get("busyServicesServer").add(server.lastMs());
                busyWithRows += ROW_COUNT.matcher(busy.body()).find() ? 1 : 0;
            }
            Thread.sleep(2000);
        }
        System.out.printf(Locale.ROOT, "systemd's ListUnitFiles for the page: %s; %d GET /services meanwhile, %d of them "
                + "with the list (the others: systemd unavailable)%n",
                listingS < 0 ? "not in within " + listingWait + " s" : String.format(Locale.ROOT, "in after %.0f s", listingS),
                s.get("busyServices").size(), busyWithRows);
        try {
            awaitFacts(systemd);
        } catch (HostUnavailableException e) {
            System.out.println("unit facts: systemd did not answer (" + e.getMessage() + ")");
        }

        // ---- K rounds: the pages, one of each a round
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).strip();
        String servicesShows = "";
        String cgroupsShows = "";
        for (int i = 0; i < k + 3; i++) {
            boolean counted = i >= 3; // 3 warm-up rounds
            servicesShows = timed(web, server, "/services", counted ? s.get("services") : null,
                    counted ? s.get("servicesServer") : null, ROW_COUNT, UNIT_ROW);
            timed(web, server, "/services?page=2", counted ? s.get("services2") : null,
                    counted ? s.get("services2Server") : null, ROW_COUNT, UNIT_ROW);
            cgroupsShows = timed(web, server, "/cgroups", counted ? s.get("cgroups") : null,
                    counted ? s.get("cgroupsServer") : null, CG_COUNT, CG_ROW);
        }
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).strip();

        // ---- the browser: logged in, navigate, until the first rows are visible
        try (Browser browser = new Browser(port)) {
            browser.logIn("viewer", TestUsers.PASSWORD);
            browser.waitFor(By.id("main"));
            for (int i = 0; i < k + 2; i++) {
                boolean counted = i >= 2;
                firstScreen(browser, "/services", "#units tbody tr, #services-problem", counted ? s.get("browserServices") : null,
                        counted ? s.get("browserServicesFcp") : null);
                firstScreen(browser, "/cgroups", "#cgroups tbody tr", counted ? s.get("browserCgroups") : null,
                        counted ? s.get("browserCgroupsFcp") : null);
            }
        }

        System.out.println();
        System.out.printf(Locale.ROOT, "PagesBench: N=%d units (%d listed by systemctl list-units --all), K=%d; systemd %s; "
                + "load average before/after the HTTP rounds: %s / %s%n", n, listed, k, systemdVersion(systemd),
                loadBefore, loadAfter);
        System.out.println("GET /services shows: " + servicesShows + "; GET /cgroups shows: " + cgroupsShows);
        System.out.println();
        System.out.println("| what | median ms | p95 ms | min ms | max ms |");
        System.out.println("| --- | ---: | ---: | ---: | ---: |");
        line("GET /services, server (first filter to last byte)", s.get("servicesServer"));
        line("GET /services, round trip on loopback", s.get("services"));
        line("GET /services?page=2, server", s.get("services2Server"));
        line("GET /services?page=2, round trip", s.get("services2"));
        line("GET /cgroups, server", s.get("cgroupsServer"));
        line("GET /cgroups, round trip", s.get("cgroups"));
        line("browser: navigate to /services until the first rows are visible", s.get("browserServices"));
        line("  its first contentful paint (the browser's own figure)", s.get("browserServicesFcp"));
        line("browser: navigate to /cgroups until the first rows are visible", s.get("browserCgroups"));
        line("  its first contentful paint", s.get("browserCgroupsFcp"));
        line("systemctl list-units --all --no-pager in the testbed (before any page)", s.get("systemctl"));
        line("  baseline: `true` through the same nsenter path", s.get("nsenterTrue"));
        if (!s.get("busyServices").isEmpty()) {
            line("GET /services while systemd lists unit files, server", s.get("busyServicesServer"));
            line("GET /services while systemd lists unit files, round trip", s.get("busyServices"));
        }
        System.out.printf(Locale.ROOT, "%nfirst GET /services after start: %.0f ms (server %.0f); systemd's unit-file listing "
                + "that it asked for: %s%n", firstMs, firstServer,
                listingS < 0 ? "not in within " + listingWait + " s" : String.format(Locale.ROOT, "%.0f s", listingS));
        double services = median(s.get("servicesServer"));
        double cgroups = median(s.get("cgroupsServer"));
        System.out.printf(Locale.ROOT, "goal: /services and /cgroups <= 300 ms on the server at 10,000: %.0f ms, %.0f ms -> %s; "
                + "first screen <= 1 s: %.0f ms, %.0f ms%n", services, cgroups,
                services <= 300 && cgroups <= 300 ? "met" : "NOT met", median(s.get("browserServices")),
                median(s.get("browserCgroups")));
    }

    private static String timed(WebSession web, ServerTimer server, String path, List<Double> roundTrip,
            List<Double> serverSide, Pattern count, Pattern row) throws InterruptedException {
        server.clear();
        long t0 = System.nanoTime();
        HttpResponse<String> r = web.get(path);
        double ms = ms(System.nanoTime() - t0);
        double serverMs = server.lastMs();
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + r.statusCode());
        }
        if (roundTrip != null) {
            roundTrip.add(ms);
            serverSide.add(serverMs);
        }
        return shows(r, count, row);
    }

    /** What a page shows: the count it gives, the rows it has, its size. */
    private static String shows(HttpResponse<String> page, Pattern count, Pattern row) {
        Matcher m = count.matcher(page.body());
        return String.format(Locale.ROOT, "%s of a count of %s, %d KiB", row.matcher(page.body()).results().count(),
                m.find() ? m.group(1) : "none (systemd unavailable?)", page.body().length() / 1024);
    }

    /**
     * From the navigation's start until a row of the table is visible (or the page's word that
     * systemd did not answer); and the browser's first contentful paint.
     */
    private static void firstScreen(Browser browser, String path, String rowSelector, List<Double> wall, List<Double> fcp) {
        long t0 = System.nanoTime();
        browser.open(path);
        new WebDriverWait(browser.driver(), Duration.ofSeconds(60))
                .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(rowSelector)));
        double ms = ms(System.nanoTime() - t0);
        Object paint = browser.driver().executeScript(
                "const p = performance.getEntriesByName('first-contentful-paint')[0]; return p ? p.startTime : -1;");
        if (wall != null) {
            wall.add(ms);
            fcp.add(((Number) paint).doubleValue());
        }
    }

    /** Waits (up to 120 s) until the facts of the loaded units stop growing in number. */
    private static void awaitFacts(Systemd systemd) throws InterruptedException {
        List<String> names = systemd.listUnits().stream().map(UnitSummary::name).toList();
        int known = -1;
        int steady = 0;
        for (long end = System.nanoTime() + Duration.ofSeconds(120).toNanos(); System.nanoTime() < end; ) {
            int now = systemd.unitFacts(names).size();
            if (now == names.size() || (now == known && ++steady >= 10)) {
                break;
            }
            steady = now == known ? steady : 0;
            known = now;
            Thread.sleep(500);
        }
        System.out.printf(Locale.ROOT, "unit facts known for %d of %d loaded units%n", systemd.unitFacts(names).size(),
                names.size());
    }

    private static String systemdVersion(Systemd systemd) {
        try {
            return systemd.manager().version();
        } catch (HostUnavailableException e) {
            return "(systemd did not answer)";
        }
    }

    private static void ok(Testbed.Result r, String what) {
        if (r.exitCode() != 0) {
            throw new IllegalStateException(what + " failed with " + r.exitCode() + ": " + r.stderr() + r.stdout());
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
