package io.hostdeck.containers;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Path;
import java.time.Duration;

import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.hostdeck.support.AppOnTestbed;
import io.hostdeck.support.Browser;
import io.hostdeck.support.TestUsers;
import io.hostdeck.support.WebSession;
import io.hostdeck.testbed.Podman;

/**
 * Containers through their runtime's API: real podman in the testbed with podman.socket started
 * (Podman's Docker-compatible API on /run/podman/podman.sock, which Hostdeck finds under the
 * target's root). Names, image, published ports and labels on the list and the page; stop with
 * the container's own stop timeout, pause as podman sees it, start, remove, logs; and with the
 * socket stopped, the kernel's view still lists the containers and says the API is not answering.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RuntimesIT extends AppOnTestbed {

    private static final Pattern ROW = Pattern.compile("<tr[^>]* data-id=\"([a-z]+-[0-9]+)\" data-name=\"([^\"]+)\"[^>]*>(.*?)</tr>",
            Pattern.DOTALL);
    private static final List<String> NAMES = List.of("rweb", "ridle", "rpause", "rlog", "rgone", "rbrowse", "rterm");

    private Podman podman;

    @BeforeAll
    void installPodman() {
        podman = Podman.install(testbed());
        podman.removeQuietly(NAMES.toArray(String[]::new));
    }

    @AfterAll
    void removeContainers() {
        inTestbed("systemctl", "start", "podman.socket");
        podman.removeQuietly(NAMES.toArray(String[]::new));
    }

    /** The list's row named {@code name} (by the runtime), polled for up to 10 s. */
    static String row(WebSession web, String name) throws InterruptedException {
        String page = "";
        for (int i = 0; i < 50; i++) {
            page = web.get("/containers").body();
            Matcher m = ROW.matcher(page);
            while (m.find()) {
                if (m.group(2).equals(name)) {
                    return m.group(3);
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError(name + " not listed by name:\n" + page);
    }

    static String post(WebSession web, String path) {
        String token = web.pageToken("/services");
        return web.postForm(path, "_csrf=" + URLEncoder.encode(token, StandardCharsets.UTF_8)).statusCode() + "";
    }

    @Test
    @Order(1)
    void namesImagesPortsAndLabelsComeFromPodman() throws Exception {
        String id = podman.run("rweb", List.of("-p", "127.0.0.1:18080:80", "--label", "com.docker.compose.project=shop",
                "--label", "com.docker.compose.service=web", "--restart", "on-failure:3"), "/bin/sleep", "100001");
        var viewer = logIn("viewer");
        String row = row(viewer, "rweb");
        assertThat(row).contains("href=\"/containers/podman/rweb\"").contains(">rweb</a>")
                .contains("<td class=\"runtime\">podman</td>").contains("<td class=\"image\">" + Podman.IMAGE + "</td>")
                .contains("127.0.0.1:18080→80/tcp").contains("running");
        String page = viewer.get("/containers/podman/rweb").body();
        assertThat(page).contains(id).contains(Podman.IMAGE).contains("shop / web").contains("on-failure")
                .contains("127.0.0.1:18080→80/tcp").contains("/machine.slice/libpod-" + id + ".scope");
        // by its id too, and the same in the JSON API
        assertThat(viewer.get("/containers/podman/" + id.substring(0, 12)).body()).contains("<h1 id=\"container-name\">rweb</h1>");
        String token = apiToken(viewer);
        String json = api(viewer, token, "/api/containers/podman/rweb");
        assertThat(json).contains("\"name\":\"rweb\"").contains("\"image\":\"" + Podman.IMAGE + "\"")
                .contains("\"com.docker.compose.project\":\"shop\"").contains("\"hostPort\":18080")
                .contains("\"restartPolicy\":\"on-failure\"");
        assertThat(api(viewer, token, "/api/containers")).contains("\"href\":\"/containers/podman/rweb\"");
        // the kernel view's page says who owns it
        Matcher k = Pattern.compile("href=\"(/containers/(?:pid|net|mnt)-[0-9]+)\"").matcher(page);
        assertThat(k.find()).isTrue();
        assertThat(viewer.get(k.group(1)).body()).contains("id=\"runtime-link\" href=\"/containers/podman/rweb\"");
        // the metrics carry podman's name and image, as cAdvisor's do
        Pattern series = Pattern.compile("container_memory_usage_bytes\\{id=\"[^\"]*libpod-" + id
                + "\\.scope\",name=\"rweb\",container_runtime=\"podman\",container_id=\"" + id + "\",image=\""
                + Pattern.quote(Podman.IMAGE) + "\"\\}");
        String metrics = "";
        for (int i = 0; i < 50 && !series.matcher(metrics).find(); i++) {
            Thread.sleep(200); // the scope's first sample comes with the sampler's next tick
            metrics = api(viewer, METRICS_TOKEN, "/metrics");
        }
        assertThat(metrics).containsPattern(series);
    }

    @Test
    @Order(2)
    void badNamesAndTimeoutsAreRefusedWithA4xx() throws Exception {
        var operator = logIn("operator");
        assertThat(operator.get("/containers/podman/no-such-container").statusCode()).isEqualTo(404);
        assertThat(operator.get("/containers/podman/bad%20name").statusCode()).isEqualTo(400);
        assertThat(operator.get("/containers/podman/rweb/logs?tail=0").statusCode()).isEqualTo(400);
        String token = operator.pageToken("/containers");
        assertThat(operator.postForm("/containers/podman/rweb/stop", "timeout=soon&_csrf="
                + URLEncoder.encode(token, StandardCharsets.UTF_8)).statusCode()).isEqualTo(400);
        assertThat(podman.podman("inspect", "-f", "{{.State.Status}}", "rweb")).isEqualTo("running");
        // a viewer acts on nothing
        var viewer = logIn("viewer");
        assertThat(post(viewer, "/containers/podman/rweb/pause")).isEqualTo("403");
        // a grant scoped to some units sees no container
        var scoped = logIn("appop");
        assertThat(scoped.get("/containers/podman/rweb").statusCode()).isEqualTo(403);
        assertThat(post(scoped, "/containers/podman/rweb/stop")).isEqualTo("403");
        assertThat(podman.podman("inspect", "-f", "{{.State.Status}}", "rweb")).isEqualTo("running");
        // nor follows them live: the topic decides on the grant, whatever the page sends
        assertThat(follow(scoped, "{\"type\":\"subscribe\",\"topic\":\"containers\",\"arg\":\"\"}", "\"error\""))
                .contains("for grants over every unit").doesNotContain("rweb");
        assertThat(follow(scoped, "{\"type\":\"subscribe\",\"topic\":\"containers\",\"arg\":\"podman/rweb\"}", "\"error\""))
                .doesNotContain("\"name\":\"rweb\"");
        // a viewer does: names, images and states from podman, on the live channel
        assertThat(follow(viewer, "{\"type\":\"subscribe\",\"topic\":\"containers\"}", "\"type\":\"containers\""))
                .contains("\"name\":\"rweb\"").contains("\"image\":\"" + Podman.IMAGE + "\"").contains("\"state\":\"running\"")
                .contains("\"href\":\"/containers/podman/rweb\"");
    }

    /** Opens {@code web}'s live channel, sends {@code subscribe}, and answers the first message that holds {@code wanted}. */
    static String follow(WebSession web, String subscribe, String wanted) throws Exception {
        var received = new java.util.concurrent.LinkedBlockingQueue<String>();
        var ws = web.openLive(web.base(), received).get(10, java.util.concurrent.TimeUnit.SECONDS);
        try {
            ws.sendText(subscribe, true).join();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < deadline) {
                String m = received.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (m != null && m.contains(wanted)) {
                    return m;
                }
            }
            throw new AssertionError("no message with " + wanted + " within 10 s");
        } finally {
            ws.abort();
        }
    }

    /**
     * Podman 4.3 writes no "stop" event, for its own CLI's stop either (died, cleanup, cleanup);
     * what tells its stop from a death from outside is its restart policy: a {@code --restart
     * always} container killed from outside is started again (died, restart, init, start), one it
     * stopped is not. And its API service logs the request, and the SIGKILL it sent after the
     * stop timeout.
     */
    @Test
    @Order(3)
    void aSigtermIgnoringContainerStopsThroughPodmanWithinItsStopTimeout() throws Exception {
        String cid = podman.run("ridle", List.of("--stop-timeout", "3", "--restart", "always"), "/bin/sleep", "100002");
        var operator = logIn("operator");
        row(operator, "ridle");
        // killed from outside, podman starts it again: the check below can tell
        String before = inTestbed("date", "+%s").strip();
        inTestbed("kill", "-KILL", podman.podman("inspect", "-f", "{{.State.Pid}}", "ridle"));
        List<String> outside = waitForEvent("ridle", before, "start");
        assertThat(outside).as("a death from outside").contains("died", "restart").doesNotContain("cleanup");
        assertThat(podman.podman("inspect", "-f", "{{.State.Status}} {{.RestartCount}}", "ridle")).isEqualTo("running 1");
        row(operator, "ridle");
        String since = inTestbed("date", "+%s").strip();
        assertThat(post(operator, "/containers/podman/ridle/stop")).isEqualTo("302");
        String[] ended = stopped(operator, "podman/ridle", 60);
        assertThat(ended[0]).as(ended[1]).isEqualTo("ended");
        assertThat(ended[1]).startsWith("podman stopped ridle in ").endsWith("(stop timeout 3 s)");
        double seconds = Double.parseDouble(ended[1].replaceAll(".* in ([0-9.]+) s .*", "$1"));
        // podman's own timeout (3 s, then its SIGKILL), nowhere near systemd's 90 s for the scope
        assertThat(seconds).as(ended[1]).isLessThan(30);
        // podman's own record: a stop, so its restart policy leaves it stopped (cleaned up, not restarted):
        // died, restart, init, start (the kill from outside), then died, cleanup, cleanup (the stop)
        List<String> all = waitForEvent("ridle", before, "cleanup");
        assertThat(all.stream().filter("restart"::equals).count()).as("restarted after the kill only: " + all).isEqualTo(1);
        assertThat(all.lastIndexOf("start")).as("no start after the stop's death: " + all).isLessThan(all.lastIndexOf("died"));
        assertThat(all.get(all.size() - 1)).as(all.toString()).isEqualTo("cleanup");
        assertThat(podman.podman("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}}", "ridle"))
                .as("exited, by podman's SIGKILL after the 3 s").isEqualTo("exited 137 1");
        // and its API service logged the request, and that it sent SIGKILL after the stop timeout itself
        String journal = podmanServiceLog(since);
        assertThat(journal).contains("POST /containers/" + cid + "/stop HTTP/1.1\" 204")
                .contains("StopSignal SIGTERM failed to stop container ridle in 3 seconds, resorting to SIGKILL");
        // no longer running: listed by its runtime under "Not running", its page by name still there
        assertThat(operator.get("/containers").body()).contains("<tr class=\"runtime-row\" data-name=\"ridle\" data-runtime-id=\"");
        String page = operator.get("/containers/podman/ridle").body();
        assertThat(page).contains("id=\"container-state\">exited<").contains("id=\"no-kernel-view\"")
                .contains("data-state=\"exited\" data-running=\"false\"").contains("id=\"action-start\"");
        // and it starts again, under the same URL
        assertThat(post(operator, "/containers/podman/ridle/start")).isEqualTo("302");
        assertThat(podman.podman("inspect", "-f", "{{.State.Status}}", "ridle")).isEqualTo("running");
        assertThat(row(operator, "ridle")).contains("href=\"/containers/podman/ridle\"");
        assertThat(auditLines()).anyMatch(l -> l.contains("container-stopped") && l.contains("podman ridle"));
    }

    @Test
    @Order(4)
    void pauseShowsInPodmanPs() throws Exception {
        podman.run("rpause", List.of(), "/bin/sleep", "100003");
        var operator = logIn("operator");
        row(operator, "rpause");
        assertThat(post(operator, "/containers/podman/rpause/pause")).isEqualTo("302");
        assertThat(podman.podman("ps", "-a", "--filter", "name=^rpause$", "--format", "{{.State}}")).isEqualToIgnoringCase("paused");
        assertThat(operator.get("/containers/podman/rpause").body()).contains("data-state=\"paused\" data-running=\"true\"")
                .contains("id=\"action-unpause\"");
        assertThat(post(operator, "/containers/podman/rpause/unpause")).isEqualTo("302");
        // podman 4.3's ps prints a running one's state as its status, "Up 3 seconds ago"
        assertThat(podman.podman("ps", "-a", "--filter", "name=^rpause$", "--format", "{{.State}}")).startsWith("Up ");
        assertThat(podman.podman("inspect", "-f", "{{.State.Status}}", "rpause")).isEqualTo("running");
    }

    @Test
    @Order(5)
    void logsComeFromPodmansLogApi() throws Exception {
        podman.run("rlog", List.of(), "/bin/sh", "-c",
                "echo hello-from-rlog; echo and-from-stderr >&2; sleep 2; echo later-line; exec sleep 100004");
        var viewer = logIn("viewer");
        String logs = "";
        for (int i = 0; i < 50 && !logs.contains("and-from-stderr"); i++) { // podman's log file may lag a little
            logs = viewer.get("/containers/podman/rlog/logs?tail=50").body();
            Thread.sleep(200);
        }
        assertThat(logs).contains("hello-from-rlog\n").contains("and-from-stderr\n");
        // followed: the lines so far, then the one that comes later, on the same open answer
        var followed = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(viewer.base() + "/containers/podman/rlog/logs?follow=true&tail=10"))
                .header("Cookie", "HOSTDECK_SESSION=" + viewer.cookie("HOSTDECK_SESSION")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofLines());
        assertThat(followed.statusCode()).isEqualTo(200);
        try (var lines = followed.body()) {
            var first3 = java.util.concurrent.CompletableFuture.supplyAsync(() -> lines.limit(3).toList());
            assertThat(first3.get(30, java.util.concurrent.TimeUnit.SECONDS))
                    .containsExactly("hello-from-rlog", "and-from-stderr", "later-line");
        }
        String last = api(viewer, apiToken(viewer), "/api/containers/podman/rlog/logs?tail=1");
        assertThat(last).isEqualTo("later-line\n");
    }

    @Test
    @Order(6)
    void onlyAnAdminRemovesAndOnlyAStoppedContainer() throws Exception {
        podman.run("rgone", List.of(), "/bin/sleep", "100005");
        var admin = logIn("admin");
        var operator = logIn("operator");
        row(admin, "rgone");
        assertThat(post(admin, "/containers/podman/rgone/remove")).isEqualTo("409");
        podman.podman("stop", "-t", "0", "rgone");
        assertThat(post(operator, "/containers/podman/rgone/remove")).isEqualTo("403");
        assertThat(post(admin, "/containers/podman/rgone/remove")).isEqualTo("302");
        assertThat(podman.podman("ps", "-a", "--filter", "name=^rgone$", "--format", "{{.Names}}")).isEmpty();
    }

    @Test
    @Order(8)
    void withTheSocketStoppedTheKernelViewStillListsEveryContainer() throws Exception {
        List<String> running = List.of(podman.podman("ps", "-q", "--no-trunc").split("\\s+"));
        assertThat(running).hasSizeGreaterThanOrEqualTo(2);
        var viewer = logIn("viewer");
        var received = new java.util.concurrent.LinkedBlockingQueue<String>();
        var ws = viewer.openLive(viewer.base(), received).get(10, java.util.concurrent.TimeUnit.SECONDS);
        ws.sendText("{\"type\":\"subscribe\",\"topic\":\"containers\"}", true).join();
        String first = nextContainersMessage(received, "");
        assertThat(first).contains("\"name\":\"rweb\"");
        inTestbed("systemctl", "stop", "podman.socket", "podman.service");
        try {
            // the live channel says what the list holds changed (podman no longer answers), and gives
            // none of podman's containers up as gone: they are unknown now, not removed
            assertThat(nextContainersMessage(received, roster(first))).contains("\"gone\":[]");
            String page = viewer.get("/containers").body();
            assertThat(page).contains("podman&#39;s API is not answering");
            // every running one still there, from the kernel's view: podman's, under its id
            for (String id : running) {
                assertThat(page).contains(">" + id + "</a>");
            }
            assertThat(api(viewer, apiToken(viewer), "/api/containers/runtimes")).contains("podman's API is not answering");
        } finally {
            ws.abort();
            inTestbed("systemctl", "start", "podman.socket");
        }
    }

    /** The next message of the containers topic whose list signature is not {@code before}, within 15 s. */
    private static String nextContainersMessage(java.util.concurrent.BlockingQueue<String> received, String before)
            throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
            String m = received.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
            if (m != null && m.contains("\"type\":\"containers\"") && !roster(m).equals(before)) {
                return m;
            }
        }
        throw new AssertionError("no message of the containers topic with a signature other than '" + before + "' within 15 s");
    }

    private static String roster(String message) {
        Matcher m = Pattern.compile("\"roster\":\"([0-9a-f]+)\"").matcher(message);
        assertThat(m.find()).as(message).isTrue();
        return m.group(1);
    }

    /** What podman recorded of container {@code name} since {@code since} (Unix seconds): its events' statuses, in order. */
    private List<String> events(String name, String since) {
        return List.of(podman.podman("events", "--stream=false", "--since", since, "--filter", "container=" + name,
                "--format", "{{.Status}}").split("\\s+"));
    }

    /** {@link #events} once they hold {@code status}, polled for up to 20 s. */
    private List<String> waitForEvent(String name, String since, String status) throws InterruptedException {
        List<String> events = List.of();
        for (int i = 0; i < 100 && !events.contains(status); i++) {
            Thread.sleep(200);
            events = events(name, since);
        }
        assertThat(events).as("podman's events of " + name).contains(status);
        return events;
    }

    /** podman.service's journal since {@code since} (Unix seconds): its API's access log and warnings. */
    private static String podmanServiceLog(String since) {
        return inTestbed("journalctl", "--no-pager", "-o", "cat", "-u", "podman.service", "--since", "@" + since);
    }

    /**
     * The kernel view's actions on a container podman owns go through podman's API: Freeze and Thaw
     * are its pause and unpause (podman ps shows it paused), Stop is its stop with the container's
     * own timeout: a container that handles SIGTERM ends with exit 0 at once; podman's API service
     * logs each request, and podman cleans it up as stopped.
     */
    @Test
    @Order(7)
    void kernelViewActionsOnAPodmanContainerGoThroughPodman() throws Exception {
        podman.run("rterm", List.of("--stop-timeout", "20"), "/bin/sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done");
        var operator = logIn("operator");
        Matcher kid = Pattern.compile("data-id=\"([a-z]+-[0-9]+)\" data-name=\"rterm\"").matcher("");
        for (int i = 0; i < 50 && !kid.reset(operator.get("/containers").body()).find(); i++) {
            Thread.sleep(200);
        }
        String id = kid.group(1);
        String detail = operator.get("/containers/" + id).body();
        assertThat(detail).contains("id=\"runtime-owned\"").contains("Stop rterm through podman? Its stop signal, then SIGKILL after 20 s.");
        // a viewer acts on nothing, nor a grant scoped to some units
        assertThat(post(logIn("viewer"), "/containers/" + id + "/freeze")).isEqualTo("403");
        assertThat(post(logIn("appop"), "/containers/" + id + "/stop")).isEqualTo("403");
        assertThat(podman.podman("inspect", "-f", "{{.State.Status}}", "rterm")).isEqualTo("running");

        String since = inTestbed("date", "+%s").strip();
        assertThat(post(operator, "/containers/" + id + "/freeze")).isEqualTo("302");
        assertThat(podman.podman("inspect", "-f", "{{.State.Status}}", "rterm")).isEqualTo("paused");
        assertThat(podman.podman("ps", "-a", "--filter", "name=^rterm$", "--format", "{{.State}}")).isEqualToIgnoringCase("paused");
        assertThat(post(operator, "/containers/" + id + "/thaw")).isEqualTo("302");
        assertThat(podman.podman("inspect", "-f", "{{.State.Status}}", "rterm")).isEqualTo("running");

        var stop = operator.postForm("/containers/" + id + "/stop", "_csrf="
                + URLEncoder.encode(operator.pageToken("/services"), StandardCharsets.UTF_8));
        assertThat(stop.statusCode()).isEqualTo(302);
        String[] ended = stopped(operator, "podman/rterm", 60);
        assertThat(ended[0]).as(ended[1]).isEqualTo("ended");
        assertThat(ended[1]).startsWith("podman stopped rterm in ").endsWith("(stop timeout 20 s)");
        // it handled podman's SIGTERM: exit 0, well before the 20 s after which podman would SIGKILL it
        assertThat(Double.parseDouble(ended[1].replaceAll(".* in ([0-9.]+) s .*", "$1"))).as(ended[1]).isLessThan(15);
        assertThat(podman.podman("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "rterm")).isEqualTo("exited 0");
        assertThat(waitForEvent("rterm", since, "cleanup")).contains("pause", "unpause", "died").doesNotContain("restart");
        String rtermId = podman.podman("inspect", "-f", "{{.Id}}", "rterm");
        assertThat(podmanServiceLog(since)).contains("POST /containers/" + rtermId + "/pause HTTP/1.1\" 204")
                .contains("POST /containers/" + rtermId + "/unpause HTTP/1.1\" 204")
                .contains("POST /containers/" + rtermId + "/stop HTTP/1.1\" 204")
                .doesNotContain("failed to stop container rterm");
        assertThat(auditLines()).anyMatch(l -> l.contains("container-pause") && l.contains("podman rterm") && l.contains(id))
                .anyMatch(l -> l.contains("container-unpause") && l.contains("podman rterm"))
                .anyMatch(l -> l.contains("container-stop") && l.contains("podman rterm") && l.contains(id));
    }

    /** The state and outcome of the stop of {@code id} on the list once it has ended, polled. */
    static String[] stopped(WebSession web, String id, double seconds) throws InterruptedException {
        Pattern stopRow = Pattern.compile("<tr data-id=\"" + Pattern.quote(id)
                + "\" data-state=\"([a-z]+)\">.*?<td class=\"stop-outcome\">([^<]*)</td>", Pattern.DOTALL);
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        String page = "";
        while (System.nanoTime() < deadline) {
            page = web.get("/containers").body();
            Matcher m = stopRow.matcher(page);
            if (m.find() && !m.group(1).equals("stopping")) {
                return new String[] { m.group(1), m.group(2).replace("&#39;", "'") };
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the stop of " + id + " did not end within " + seconds + " s:\n" + page);
    }

    /**
     * Counts from now on every request the page's script makes (htmx's XMLHttpRequests, fetch) and
     * marks the document, so a test can tell a change the live channel brought from one a reload or
     * a fetch brought.
     */
    private static final String WATCH_REQUESTS = """
            window.hdSameDocument = 'yes';
            window.hdRequests = [];
            const open = XMLHttpRequest.prototype.open;
            XMLHttpRequest.prototype.open = function (method, url) {
              window.hdRequests.push(method + ' ' + url);
              return open.apply(this, arguments);
            };
            const fetch = window.fetch;
            window.fetch = function (url, options) {
              window.hdRequests.push('fetch ' + url);
              return fetch.apply(this, arguments);
            };""";

    private static Object script(Browser browser, String js) {
        return browser.driver().executeScript(js);
    }

    /**
     * The requests the page made since {@link #WATCH_REQUESTS}, but for the one load of its logs
     * (a runtime container's page fetches them once as it comes, which may fall just after).
     */
    private static List<String> requests(Browser browser) {
        return ((List<?>) script(browser, "return window.hdRequests")).stream().map(String::valueOf)
                .filter(r -> !r.matches("GET /containers/podman/[a-z]+/logs\\?tail=200")).toList();
    }

    /**
     * In a real browser: the container opened by its name from the list, stopped, its state changing
     * on the page through the live channel (no request, no reload, no timer); on the list a pause
     * made outside Hostdeck changes its row in place, and a start brings its row back.
     */
    @Test
    @Order(9)
    void aBrowserOpensAContainerByItsNameStopsItAndSeesTheStateChange() throws Exception {
        podman.run("rbrowse", List.of("--stop-timeout", "5"), "/bin/sleep", "100006");
        try (Browser browser = new Browser(port)) {
            browser.logIn("operator", TestUsers.PASSWORD);
            browser.open("/containers");
            browser.waitFor(By.cssSelector("tr[data-name='rbrowse'] td.name a")).click();
            new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(
                    ExpectedConditions.textToBe(By.id("container-name"), "rbrowse"));
            assertThat(browser.path()).isEqualTo("/containers/podman/rbrowse");
            assertThat(browser.waitFor(By.id("container-state")).getText()).isEqualTo("running");
            assertThat(script(browser, "return document.querySelectorAll('[hx-trigger*=\"every\"]').length")).as("no timer")
                    .isEqualTo(0L);
            browser.driver().findElement(By.id("action-stop")).click();
            var alert = new WebDriverWait(browser.driver(), Duration.ofSeconds(5)).until(ExpectedConditions.alertIsPresent());
            assertThat(alert.getText()).isEqualTo("Stop rbrowse? Its stop signal, then SIGKILL after 5 s.");
            alert.accept();
            new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(
                    ExpectedConditions.textToBePresentInElementLocated(By.id("flash"), "Stopping podman/rbrowse"));
            script(browser, WATCH_REQUESTS);
            // sleep ignores SIGTERM: it runs on for its 5 s (podman says "stopping", which may have come
            // already), then podman's SIGKILL ends it
            assertThat(browser.driver().findElement(By.id("container-state")).getText()).isIn("running", "stopping");
            new WebDriverWait(browser.driver(), Duration.ofSeconds(30)).until(
                    ExpectedConditions.textToBe(By.id("container-state"), "exited"));
            assertThat(script(browser, "return window.hdSameDocument")).as("no reload").isEqualTo("yes");
            assertThat(requests(browser)).as("no request brought it").isEmpty();
            assertThat(browser.driver().findElement(By.id("live-state")).getText()).isEqualTo("live");
            assertThat(browser.driver().findElement(By.id("action-start")).isDisplayed()).isTrue();
            assertThat(browser.driver().findElement(By.id("action-stop")).isDisplayed()).isFalse();
            assertThat(browser.driver().findElement(By.id("no-kernel-view")).isDisplayed()).isTrue();
            browser.screenshot(Path.of("target", "screenshots", "runtime-container.png"));

            // the list: a pause made with podman itself shows in place, and a start brings the row back
            browser.open("/containers");
            By rwebState = By.cssSelector("tr.container-row[data-name='rweb'] td.rstate");
            assertThat(browser.waitFor(rwebState).getText()).isEqualTo("running");
            script(browser, WATCH_REQUESTS);
            podman.podman("pause", "rweb");
            try {
                new WebDriverWait(browser.driver(), Duration.ofSeconds(15)).until(ExpectedConditions.textToBe(rwebState, "paused"));
                assertThat(requests(browser)).as("no request brought it").isEmpty();
            } finally {
                podman.podman("unpause", "rweb");
            }
            new WebDriverWait(browser.driver(), Duration.ofSeconds(15)).until(ExpectedConditions.textToBe(rwebState, "running"));
            podman.podman("start", "rbrowse");
            new WebDriverWait(browser.driver(), Duration.ofSeconds(15)).until(ExpectedConditions.visibilityOfElementLocated(
                    By.cssSelector("tr.container-row[data-name='rbrowse'] td.name a")));
            assertThat(script(browser, "return window.hdSameDocument")).as("no reload").isEqualTo("yes");
            // what it lists changed: the live channel said so, and the page fetched its list once for it
            assertThat(requests(browser)).as("only the fetches the channel asked for").isNotEmpty().allMatch(r -> r.equals("GET /containers"));
            // no script error, no refused style or script (the browser's own favicon request is not the page's)
            assertThat(browser.consoleErrors()).allMatch(e -> e.contains("/favicon.ico"));
        }
        assertThat(podman.podman("inspect", "-f", "{{.State.Status}}", "rbrowse")).isEqualTo("running");
    }

    /** A personal API token of {@code web}'s user, made on /tokens (the API takes no session). */
    private static String apiToken(WebSession web) {
        var r = web.postForm("/tokens", "name=runtimes-it&days=1&_csrf="
                + URLEncoder.encode(web.pageToken("/tokens"), StandardCharsets.UTF_8));
        Matcher m = Pattern.compile("id=\"token-secret\">(hd_[0-9a-f]{16}_[A-Za-z0-9_-]{43})<").matcher(r.body());
        assertThat(m.find()).as(r.body()).isTrue();
        return m.group(1);
    }

    private static String api(WebSession web, String token, String path) throws Exception {
        var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(web.base() + path)).header("Authorization", "Bearer " + token).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    private static List<String> auditLines() throws java.io.IOException {
        return java.nio.file.Files.readAllLines(AUDIT_FILE);
    }
}
