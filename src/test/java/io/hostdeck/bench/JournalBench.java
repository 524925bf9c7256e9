package io.hostdeck.bench;

import static io.hostdeck.bench.Figures.cpuModel;
import static io.hostdeck.bench.Figures.line;
import static io.hostdeck.bench.Figures.median;
import static io.hostdeck.bench.Figures.osName;
import static io.hostdeck.bench.Figures.p95;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.hostdeck.HostdeckApplication;
import io.hostdeck.host.journal.Journal;
import io.hostdeck.host.journal.JournalEntry;
import io.hostdeck.host.journal.JournalQuery;
import io.hostdeck.support.TestUsers;
import io.hostdeck.support.WebSession;
import io.hostdeck.testbed.Testbed;

/**
 * Benchmark, not a test: the first page of a unit's log (200 entries) with N entries in its
 * journal, beside {@code journalctl -u UNIT -n 200 -o json} in the same run. Prints median and p95
 * of each and exits; the figures go to {@code docs/benchmarks.md} by hand.
 *
 * <pre>
 * flock /tmp/hostdeck-maven.lock sh -c './mvnw -q test-compile && ./mvnw -q exec:java \
 *     -Dexec.mainClass=io.hostdeck.bench.JournalBench -Dexec.classpathScope=test -Dexec.args="100000 30"'
 * </pre>
 *
 * Arguments: N entries (default 100000), K measured rounds (default 30), W warm-up rounds (default
 * 20). Needs root (its own testbed, "jbench", torn down in a finally block and a shutdown hook).
 */
public final class JournalBench {

    private static final String NAME = "jbench";
    /** Named to match the scoped user {@code appop}'s grant ({@link TestUsers#SCOPED_UNITS}). */
    private static final String UNIT = "hd-app-jbench.service";
    private static final String NEEDLE = "needle-7f3a";
    private static final Duration T = Duration.ofSeconds(120);
    private static final String EMPTY = "/logs?unit=hd-app-jbench-nothing.service";
    private static final String COOKIE = "HOSTDECK_SESSION";
    /**
     * Times a command as a shell user sees it (the peer's figure as {@code time} would give it): the
     * script is a constant, the command comes in as its arguments ("$@"), its output goes to a file.
     */
    private static final String TIMED = "s=$EPOCHREALTIME; \"$@\" >\"$TIMED_OUT\" 2>/dev/null; rc=$?; "
            + "e=$EPOCHREALTIME; echo \"$rc $s $e\"";
    private static final String ABOUT = "/about";
    private static final Pattern ENTRY = Pattern.compile("<details class=\"entry");

    private JournalBench() {
    }

    public static void main(String[] args) throws Exception {
        // as the shipped jar's main: before this JVM starts any process (-Djdk.lang.Process.launchMechanism=... in
        // MAVEN_OPTS measures another mechanism)
        io.hostdeck.ProcessLaunch.apply();
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int k = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        BenchTestbed.run(NAME, (tb, app) -> run(tb, app, n, k, warmup));
    }

    private static void run(Testbed tb, AtomicReference<ConfigurableApplicationContext> app, int n, int k, int warmup)
            throws Exception {
        // ---- 1. one unit writes N lines on stdout (journald's rate limit is off in the testbed)
        long t0 = System.nanoTime();
        // RemainAfterExit: the unit stays loaded once awk is done, as a service whose log one reads is
        ok(tb.exec(T, "systemd-run", "--quiet", "-p", "RemainAfterExit=yes", "--unit=" + UNIT, "/usr/bin/awk", "BEGIN { for (i = 1; i <= "
                // the needle split in two on the command line, which systemd logs as it starts the unit
                + n + "; i++) print (i == " + (n / 2) + " ? \"jbench needle-\" \"7f3a line \" i : \"jbench line \" i) }"),
                "systemd-run awk");
        String root = tb.root().toString();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!onHost("journalctl", "--root=" + root, "-u", UNIT, "-n", "1", "-o", "cat").stdout()
                .contains("jbench line " + n)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the last line never reached the journal");
            }
            Thread.sleep(100);
        }
        long stored = onHost("journalctl", "--root=" + root, "-u", UNIT, "-o", "cat", "--grep=^jbench ")
                .stdout().lines().count();
        System.out.printf(Locale.ROOT, "journal: %d of %d lines of %s stored in %.1f s%n", stored, n, UNIT,
                ms(System.nanoTime() - t0) / 1000);
        if (stored != n) {
            throw new IllegalStateException("journald stored " + stored + " of " + n + " lines");
        }

        // ---- 2. the app, in-process, pointed at the testbed
        ServerTimer server = new ServerTimer();
        ConfigurableApplicationContext ctx = new SpringApplicationBuilder(HostdeckApplication.class)
                .registerShutdownHook(false)
                .initializers(c -> c.getBeanFactory().registerSingleton("benchServerTimer", server.registration()))
                .run("--hostdeck.host.root=" + root, "--hostdeck.host.bus=" + tb.busAddress(),
                        "--hostdeck.users-file=" + TestUsers.write(), "--server.port=0", "--logging.level.root=WARN");
        app.set(ctx);
        int port = ctx.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
        Journal journal = ctx.getBean(Journal.class);
        JournalQuery unitQuery = new JournalQuery(List.of(UNIT), null, null, null, null, null, List.of(), List.of());
        WebSession web = new WebSession(port);
        String location = web.login("viewer", TestUsers.PASSWORD).headers().firstValue("Location").orElse("");
        if (location.contains("error") || location.contains("login")) {
            throw new IllegalStateException("login as viewer failed: " + location);
        }
        WebSession scoped = new WebSession(port);
        location = scoped.login("appop", TestUsers.PASSWORD).headers().firstValue("Location").orElse("");
        if (location.contains("error") || location.contains("login")) {
            throw new IllegalStateException("login as appop failed: " + location);
        }
        String viewerCookie = web.cookie(COOKIE);
        String scopedCookie = scoped.cookie(COOKIE);
        String base = "http://127.0.0.1:" + port;
        Path curlOut = Files.createTempFile("jbench-curl-", ".html");
        Path shellOut = Files.createTempFile("jbench-sh-", ".out");
        curlOut.toFile().deleteOnExit();
        shellOut.toFile().deleteOnExit();
        String leader = Long.toString(tb.leaderPid());
        String[] jctlInside = {"nsenter", "-t", leader, "-a", "--", "journalctl", "-u", UNIT, "-n", "200", "-o", "json"};
        String[] jctlHost = {"journalctl", "--root=" + root, "-u", UNIT, "-n", "200", "-o", "json"};
        String page = "/logs?unit=" + UNIT;
        String grepPage = "/logs?unit=" + UNIT + "&grep=" + NEEDLE;

        // ---- 3. warm-up
        for (int i = 0; i < warmup; i++) {
            check(web.get(page), 200, "jbench line " + n);
            check(web.get(grepPage), 1, NEEDLE);
            journal.newest(unitQuery, 201);
            onHost("journalctl", "--root=" + root, "-u", UNIT, "-n", "200", "-o", "json");
            tb.exec(T, "journalctl", "-u", UNIT, "-n", "200", "-o", "json");
            curl(base, viewerCookie, page, curlOut, 200, n);
            curl(base, scopedCookie, page, curlOut, 200, n);
            curl(base, viewerCookie, ABOUT, curlOut, 0, -1);
            curl(base, scopedCookie, EMPTY, curlOut, 0, -1);
            shellTimed(shellOut, 200, jctlInside);
            shellTimed(shellOut, 200, jctlHost);
        }
        server.clear();

        // ---- 4. K rounds, one of each per round
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).strip();
        Map<String, List<Double>> s = new LinkedHashMap<>();
        Object reader = ctx.getBean("logReader");
        Object filter = Class.forName("io.hostdeck.logs.LogFilter").getDeclaredMethod("parse", Map.class,
                java.time.ZoneId.class, java.time.Instant.class);
        java.lang.reflect.Method parse = (java.lang.reflect.Method) filter;
        parse.setAccessible(true);
        Object unitFilter = parse.invoke(null, Map.of("unit", List.of(UNIT)), java.time.ZoneOffset.UTC,
                java.time.Instant.now());
        java.lang.reflect.Method newestRows = reader.getClass().getDeclaredMethod("newest", unitFilter.getClass());
        newestRows.setAccessible(true);
        for (int i = 0; i < warmup; i++) {
            newestRows.invoke(reader, unitFilter);
            web.get(EMPTY);
            web.get(ABOUT);
        }
        Object firstPage = newestRows.invoke(reader, unitFilter);
        java.lang.reflect.Method rowsOf = firstPage.getClass().getDeclaredMethod("rows");
        rowsOf.setAccessible(true);
        Object pageRows = rowsOf.invoke(firstPage);
        // the page's entries as the page and the live feed write them
        java.lang.reflect.Method entriesHtml = Class.forName("io.hostdeck.logs.EntryHtml").getDeclaredMethod("entries",
                List.class);
        entriesHtml.setAccessible(true);
        for (int i = 0; i < warmup * 5; i++) {
            entriesHtml.invoke(null, pageRows);
        }
        for (String key : List.of("curlPage", "curlPageServer", "curlScoped", "curlScopedServer", "curlAbout",
                "curlAboutServer", "curlEmpty", "curlEmptyServer", "curlScopedEmpty", "curlScopedEmptyServer", "shInside", "shHost", "get", "getServer", "getEmpty", "getEmptyServer", "about", "aboutServer", "render", "rows", "newest", "jctlRoot", "jctlApp", "jctlRootReverse", "jctlInside", "nsenterTrue",
                "jctlVersion", "getGrep", "jctlGrep")) {
            s.put(key, new ArrayList<>(k));
        }
        int htmlKib = 0;
        for (int i = 0; i < k; i++) {
            server.clear();
            // the user's way first: curl's own clock (connect to last byte), the peer timed by a shell
            s.get("curlPage").add(curl(base, viewerCookie, page, curlOut, 200, n));
            s.get("curlPageServer").add(server.lastMs());
            s.get("shInside").add(shellTimed(shellOut, 200, jctlInside));
            s.get("curlScoped").add(curl(base, scopedCookie, page, curlOut, 200, n));
            s.get("curlScopedServer").add(server.lastMs());
            s.get("shHost").add(shellTimed(shellOut, 200, jctlHost));
            s.get("curlAbout").add(curl(base, viewerCookie, ABOUT, curlOut, 0, -1));
            s.get("curlAboutServer").add(server.lastMs());
            s.get("curlEmpty").add(curl(base, viewerCookie, EMPTY, curlOut, 0, -1));
            s.get("curlEmptyServer").add(server.lastMs());
            // a unit that is not loaded: its name is resolved on the bus at each read (UnitNames keeps loaded units only)
            s.get("curlScopedEmpty").add(curl(base, scopedCookie, EMPTY, curlOut, 0, -1));
            s.get("curlScopedEmptyServer").add(server.lastMs());

            long t = System.nanoTime();
            HttpResponse<String> r = web.get(page);
            s.get("get").add(ms(System.nanoTime() - t));
            s.get("getServer").add(server.lastMs());
            Testbed.Result jr;
            check(r, 200, "jbench line " + n);
            htmlKib = r.body().length() / 1024;

            t = System.nanoTime();
            r = web.get(EMPTY);
            s.get("getEmpty").add(ms(System.nanoTime() - t));
            s.get("getEmptyServer").add(server.lastMs());
            check(r, 0, "No entries match");

            t = System.nanoTime();
            r = web.get(ABOUT);
            s.get("about").add(ms(System.nanoTime() - t));
            s.get("aboutServer").add(server.lastMs());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET " + ABOUT + ": status " + r.statusCode());
            }

            t = System.nanoTime();
            newestRows.invoke(reader, unitFilter);
            s.get("rows").add(ms(System.nanoTime() - t));

            t = System.nanoTime();
            String html = (String) entriesHtml.invoke(null, pageRows);
            s.get("render").add(ms(System.nanoTime() - t));
            if (ENTRY.matcher(html).results().count() != 200) {
                throw new IllegalStateException("EntryHtml did not write 200 entries");
            }

            t = System.nanoTime();
            jr = onHost(appCommand(root));
            s.get("jctlApp").add(ms(System.nanoTime() - t));
            lines(jr, 201);

            t = System.nanoTime();
            List<JournalEntry> entries = journal.newest(unitQuery, 201);
            s.get("newest").add(ms(System.nanoTime() - t));
            if (entries.size() != 201) {
                throw new IllegalStateException("Journal.newest gave " + entries.size() + " entries");
            }

            t = System.nanoTime();
            jr = onHost("journalctl", "--root=" + root, "-u", UNIT, "-n", "200", "-o", "json");
            s.get("jctlRoot").add(ms(System.nanoTime() - t));
            lines(jr, 200);

            t = System.nanoTime();
            jr = onHost("journalctl", "--root=" + root, "--output=json", "--no-pager", "--quiet", "--reverse",
                    "--lines=201", "--unit=" + UNIT);
            s.get("jctlRootReverse").add(ms(System.nanoTime() - t));
            lines(jr, 201);

            t = System.nanoTime();
            jr = tb.exec(T, "journalctl", "-u", UNIT, "-n", "200", "-o", "json");
            s.get("jctlInside").add(ms(System.nanoTime() - t));
            lines(jr, 200);

            t = System.nanoTime();
            ok(tb.exec(T, "true"), "true");
            s.get("nsenterTrue").add(ms(System.nanoTime() - t));

            t = System.nanoTime();
            ok(onHost("journalctl", "--version"), "journalctl --version");
            s.get("jctlVersion").add(ms(System.nanoTime() - t));

            if (i % 3 == 0) { // the scans take long: a third of the rounds
                t = System.nanoTime();
                check(web.get(grepPage), 1, NEEDLE);
                s.get("getGrep").add(ms(System.nanoTime() - t));
                server.clear();

                t = System.nanoTime();
                jr = onHost("journalctl", "--root=" + root, "-u", UNIT, "-n", "200", "-o", "json", "-g", NEEDLE);
                s.get("jctlGrep").add(ms(System.nanoTime() - t));
                lines(jr, 1);
            }
        }
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).strip();

        // ---- 5. the table
        Runtime rt = Runtime.getRuntime();
        System.out.println();
        System.out.printf(Locale.ROOT, "JournalBench: N=%d entries of %s, K=%d rounds (after %d warm-up), %s%n", n, UNIT,
                k, warmup, onHost("journalctl", "--version").stdout().lines().findFirst().orElse(""));
        System.out.printf(Locale.ROOT, "machine: %d CPUs (%s), %s, kernel %s; JVM %s %s, processes started by %s%n",
                rt.availableProcessors(), cpuModel(), osName(), System.getProperty("os.version"),
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
                System.getProperty("jdk.lang.Process.launchMechanism", "the JDK's default"));
        System.out.printf(Locale.ROOT, "load average before/after: %s / %s; first page: %d KiB of HTML%n%n", loadBefore,
                loadAfter, htmlKib);
        System.out.println("| what | median ms | p95 ms | min ms | max ms |");
        System.out.println("| --- | ---: | ---: | ---: | ---: |");
        line("curl GET /logs?unit=" + UNIT + " as viewer (all units): time_total", s.get("curlPage"));
        line("  the same, server side", s.get("curlPageServer"));
        line("curl GET /logs?unit=" + UNIT + " as appop (scoped grant): time_total", s.get("curlScoped"));
        line("  the same, server side", s.get("curlScopedServer"));
        line("curl GET /logs?unit=<a unit with no entries> as viewer: time_total", s.get("curlEmpty"));
        line("  the same, server side", s.get("curlEmptyServer"));
        line("curl GET /logs?unit=<a unit with no entries, not loaded> as appop: time_total", s.get("curlScopedEmpty"));
        line("  the same, server side", s.get("curlScopedEmptyServer"));
        line("curl GET " + ABOUT + " as viewer: time_total", s.get("curlAbout"));
        line("  the same, server side", s.get("curlAboutServer"));
        line("shell: nsenter -t <leader> -a -- journalctl -u " + UNIT + " -n 200 -o json", s.get("shInside"));
        line("shell: journalctl --root=<testbed> -u " + UNIT + " -n 200 -o json", s.get("shHost"));
        line("GET /logs?unit=" + UNIT + ", first page of 200, round trip on loopback", s.get("get"));
        line("  the same, server side (first filter in, last byte written)", s.get("getServer"));
        line("GET /logs?unit=<a unit with no entries> (0 rows: the fixed costs)", s.get("getEmpty"));
        line("  the same, server side", s.get("getEmptyServer"));
        line("GET " + ABOUT + " (a page with no host data: framework and layout)", s.get("about"));
        line("  the same, server side", s.get("aboutServer"));
        line("  LogReader.newest, in-process: the page's 200 rows, no HTML", s.get("rows"));
        line("  writing the 200 entries' HTML (EntryHtml.entries), in-process", s.get("render"));
        line("    the app's journalctl, from the host: ... --reverse --lines=201 --output-fields=<summary>", s.get("jctlApp"));
        line("  Journal.newest(unit, 201) with every field, in-process (journalctl + parsing)", s.get("newest"));
        line("journalctl --root=<testbed> -u " + UNIT + " -n 200 -o json, from the host", s.get("jctlRoot"));
        line("  the same newest first with every field: ... --reverse --lines=201, from the host", s.get("jctlRootReverse"));
        line("journalctl -u " + UNIT + " -n 200 -o json inside the testbed, via nsenter", s.get("jctlInside"));
        line("  baseline: `true` via the same nsenter path", s.get("nsenterTrue"));
        line("  baseline: journalctl --version, from the host (starting the process)", s.get("jctlVersion"));
        line("GET /logs?unit=...&grep=" + NEEDLE + " (scans all " + n + ")", s.get("getGrep"));
        line("journalctl --root=<testbed> -u ... -n 200 -o json -g " + NEEDLE + ", from the host", s.get("jctlGrep"));
        double peer = median(s.get("jctlRoot"));
        System.out.println();
        goal("server side", s.get("getServer"), "journalctl --root from the JVM", peer);
        goal("round trip", s.get("get"), "journalctl --root from the JVM", peer);
        goal("curl, viewer", s.get("curlPage"), "journalctl via nsenter from a shell", median(s.get("shInside")));
        goal("curl, viewer", s.get("curlPage"), "journalctl --root from a shell", median(s.get("shHost")));
        goal("curl, appop", s.get("curlScoped"), "journalctl via nsenter from a shell", median(s.get("shInside")));
        goal("curl, appop", s.get("curlScoped"), "journalctl --root from a shell", median(s.get("shHost")));
    }

    private static void goal(String how, List<Double> page, String peerName, double peer) {
        double m = median(page);
        System.out.printf(Locale.ROOT, "goal (%s): first page within 1.5x of journalctl and under 300 ms: median %.1f ms "
                + "(p95 %.1f) = %.2fx %s, %.1f ms -> %s%n", how, m, p95(page), m / peer, peerName, peer,
                m < 300 && m <= 1.5 * peer ? "met" : "NOT met");
    }

    /**
     * One {@code curl} request with the session's cookie, as a user would send it (an argument
     * array); returns curl's {@code time_total} in ms (connect to last byte, without starting curl).
     * The page must come back 200 with {@code entries} entries and, when {@code newest} > 0, that line.
     */
    private static double curl(String base, String cookie, String path, Path out, int entries, int newest)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder("curl", "--silent", "--show-error", "--output", out.toString(), "--write-out",
                "%{http_code} %{time_total}", "--cookie", COOKIE + "=" + cookie, base + path)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0 || !said.startsWith("200 ")) {
            throw new IllegalStateException("curl " + path + ": exit " + p.exitValue() + ", " + said);
        }
        String body = Files.readString(out);
        long shown = ENTRY.matcher(body).results().count();
        if (entries > 0 && shown != entries || newest > 0 && !body.contains("jbench line " + newest)) {
            throw new IllegalStateException("curl " + path + ": " + shown + " entries, not " + entries + " with line " + newest);
        }
        return Double.parseDouble(said.substring(4)) * 1000;
    }

    /** A command timed by a shell ({@link #TIMED}), its output to {@code out}, which must have {@code lines} lines. */
    private static double shellTimed(Path out, int lines, String... argv) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", TIMED, "timed"));
        cmd.addAll(List.of(argv));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true);
        pb.environment().put("TIMED_OUT", out.toString());
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        String[] f = said.split(" ");
        if (f.length != 3 || !f[0].equals("0")) {
            throw new IllegalStateException(String.join(" ", argv) + ": " + said);
        }
        long got = Files.readAllLines(out).size();
        if (got != lines) {
            throw new IllegalStateException(String.join(" ", argv) + " printed " + got + " lines, not " + lines);
        }
        return (Double.parseDouble(f[2]) - Double.parseDouble(f[1])) * 1000;
    }

    private static String[] appCommand(String root) {
        return new String[] {"journalctl", "--root=" + root, "--output=json", "--no-pager", "--quiet", "--reverse",
            "--lines=201", "--unit=" + UNIT, "--output-fields=" + String.join(",", JournalQuery.SUMMARY)};
    }

    private static void check(HttpResponse<String> r, int entries, String expect) {
        long shown = ENTRY.matcher(r.body()).results().count();
        if (r.statusCode() != 200 || shown != entries || !r.body().contains(expect)) {
            throw new IllegalStateException("GET " + r.uri() + ": status " + r.statusCode() + ", " + shown
                    + " entries, " + (r.body().contains(expect) ? "" : "no '" + expect + "'"));
        }
    }

    private static void lines(Testbed.Result r, int expected) {
        ok(r, "journalctl");
        long lines = r.stdout().lines().count();
        if (lines != expected) {
            throw new IllegalStateException("journalctl printed " + lines + " lines, not " + expected);
        }
    }

    private static Testbed.Result onHost(String... argv) {
        return Testbed.runOnHost(T, argv);
    }

    private static void ok(Testbed.Result r, String what) {
        if (r.exitCode() != 0) {
            throw new IllegalStateException(what + " failed (exit " + r.exitCode() + "): " + r.stderr());
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
