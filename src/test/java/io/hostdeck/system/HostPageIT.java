package io.hostdeck.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.hostdeck.support.AppOnTestbed;
import io.hostdeck.support.TestUsers;
import tools.jackson.databind.json.JsonMapper;
import io.hostdeck.support.WebSession;
import io.hostdeck.testbed.Testbed;
import io.hostdeck.testbed.TestbedExtension;

/** The app pointed at the real systemd of the testbed, through its root and its bus. */
class HostPageIT extends AppOnTestbed {

    private static final Duration BUSCTL = Duration.ofSeconds(20);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void theHomePageShowsTheTestbedsSystemdVersionAndUnitCount(Testbed testbed) {
        var web = new WebSession(port);
        web.login("viewer", TestUsers.PASSWORD);
        int before = unitCount(testbed);

        String page = web.get("/").body();

        int after = unitCount(testbed);
        assertThat(text(page, "systemd-version")).isEqualTo(systemdVersion(testbed)).startsWith("252");
        assertThat(Integer.parseInt(text(page, "unit-count"))).isBetween(Math.min(before, after), Math.max(before, after));
        assertThat(text(page, "system-state")).isIn("running", "degraded");
        assertThat(text(page, "cgroup-mode")).isEqualTo("hybrid (v1 controllers, v2 tree)");
        assertThat(page).doesNotContain("systemd-problem");
        // the host's own figures, from the target's /proc (the testbed shares the kernel's counters)
        assertThat(Integer.parseInt(text(page, "cpu-count"))).isEqualTo(cpuLines());
        assertThat(text(page, "load")).matches("[0-9]+\\.[0-9]{2} [0-9]+\\.[0-9]{2} [0-9]+\\.[0-9]{2}");
        assertThat(text(page, "memory")).matches("[0-9.]+[BKMGT] used of [0-9.]+[BKMGT], [0-9.]+[BKMGT] available");
        assertThat(page).contains("id=\"file-systems\"").contains("<code>/</code>").contains("id=\"host-charts\"");
        // each count is a link to its list
        assertThat(page).contains("href=\"/services?type=all&amp;state=failed\" id=\"failed-count\"");
        // the testbed runs in its own UTS namespace: its name comes from its hostnamed, as hostnamectl's would
        var hostname = testbed.exec(BUSCTL, "hostname");
        assertThat(text(page, "hostname")).isEqualTo(hostname.stdout().strip()).isNotEmpty();
    }

    @Test
    void theAboutPageShowsWhatTheSamplerAndItsHistoryCost() throws InterruptedException {
        var web = new WebSession(port);
        web.login("viewer", TestUsers.PASSWORD);
        Thread.sleep(1200); // at least one pass

        String page = web.get("/about").body();

        assertThat(text(page, "last-pass")).matches("[1-9][0-9]* cgroups in [0-9.]+ ms \\([0-9.]+ ms of CPU, [0-9.]+[BKMG] allocated; [0-9]+ found idle from their parent, not read\\)");
        assertThat(text(page, "sampling-cost")).matches("[0-9.]+ ms of CPU a pass over the last minute, [0-9.]+ % of one core");
        assertThat(text(page, "history-bytes")).matches("[0-9.]+[KMG] now, at most [0-9.]+[MG] \\(hostdeck.stats.max-cgroups\\)");
    }

    @Test
    void anAnonymousPageRequestIsSentToTheLoginForm() {
        var response = new WebSession(port).get("/");

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
    }

    @Test
    void aPostWithoutTheCsrfTokenIsForbiddenEvenWhenLoggedIn() {
        var web = new WebSession(port);
        web.login("admin", TestUsers.PASSWORD);

        assertThat(web.postForm("/logout", "").statusCode()).isEqualTo(403);
        assertThat(web.postForm("/logout", "_csrf=forged").statusCode()).isEqualTo(403);
        // still logged in: the forged logout did nothing
        assertThat(web.get("/").statusCode()).isEqualTo(200);
        assertThat(web.postForm("/logout", "_csrf=" + web.pageToken("/")).statusCode()).isEqualTo(302);
        assertThat(web.get("/").statusCode()).isEqualTo(302);
    }

    @Test
    void theSessionCookieAndHeadersKeepOtherSitesOut() {
        var web = new WebSession(port);
        var login = web.login("viewer", TestUsers.PASSWORD);

        assertThat(login.headers().allValues("Set-Cookie")).anySatisfy(cookie -> assertThat(cookie)
                .startsWith("HOSTDECK_SESSION=").contains("HttpOnly").contains("SameSite=Strict"));
        // the log page too, which the controller writes to the response itself (RenderedPage#write)
        for (String path : List.of("/logs?unit=systemd-journald.service", "/")) {
            var each = web.get(path);
            assertThat(each.statusCode()).as(path).isEqualTo(200);
            assertThat(each.headers().firstValue("Content-Security-Policy")).as(path).hasValueSatisfying(csp -> assertThat(csp)
                    .contains("script-src 'self'").doesNotContain("unsafe-inline").contains("frame-ancestors 'none'"));
            assertThat(each.headers().firstValue("X-Frame-Options")).as(path).contains("DENY");
        }
        var page = web.get("/");
        assertThat(page.body()).doesNotContain("<script>").doesNotContainPattern("<script(?![^>]*\\ssrc=)[^>]*>");
        // every script the page names is really served (a versionless webjar path needs the locator)
        java.util.regex.Matcher scripts = java.util.regex.Pattern.compile("<script src=\"([^\"]+)\"").matcher(page.body());
        int found = 0;
        while (scripts.find()) {
            found++;
            assertThat(web.get(scripts.group(1)).statusCode()).as(scripts.group(1)).isEqualTo(200);
        }
        assertThat(found).isGreaterThanOrEqualTo(2);
    }

    @Test
    void theLiveSocketGreetsALoggedInPageOfOurOwnOrigin() throws Exception {
        var web = new WebSession(port);
        web.login("operator", TestUsers.PASSWORD);
        var received = new LinkedBlockingQueue<String>();

        var ws = web.openLive(web.base(), received).get(10, TimeUnit.SECONDS);
        // one send at a time: the JDK's client refuses a second while one is pending
        ws.sendText("{\"type\":\"ping\"}", true).join();
        ws.sendText("not json", true).join();

        var hello = JSON.readTree(received.poll(5, TimeUnit.SECONDS));
        assertThat(hello.path("type").asString()).isEqualTo("hello");
        assertThat(hello.path("user").asString()).isEqualTo("operator");
        assertThat(JSON.readTree(received.poll(5, TimeUnit.SECONDS)).path("type").asString()).isEqualTo("pong");
        var error = JSON.readTree(received.poll(5, TimeUnit.SECONDS));
        assertThat(error.path("type").asString()).isEqualTo("error");
        assertThat(error.path("message").asString()).startsWith("message is not JSON");
        ws.abort();
    }

    @Test
    void theLiveSocketRefusesAHandshakeWithoutASession() {
        var web = new WebSession(port);

        assertThat(handshakeStatus(web, web.base())).isEqualTo(401);
    }

    @Test
    void theLiveSocketRefusesAnotherOriginOrNoneEvenWithASession() {
        var web = new WebSession(port);
        web.login("admin", TestUsers.PASSWORD);

        assertThat(handshakeStatus(web, "http://evil.example")).isEqualTo(403);
        assertThat(handshakeStatus(web, "http://localhost:" + (port + 1))).isEqualTo(403);
        assertThat(handshakeStatus(web, null)).isEqualTo(403);
        assertThat(handshakeStatus(web, "http://[::1")).as("an Origin that is no URL").isEqualTo(403);
        assertThat(handshakeStatus(web, "not a url at all")).isEqualTo(403);
    }

    private static int handshakeStatus(WebSession web, String origin) {
        var failure = assertThatThrownBy(() -> web.openLive(origin, new LinkedBlockingQueue<>()).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).actual();
        assertThat(failure.getCause()).isInstanceOf(WebSocketHandshakeException.class);
        return ((WebSocketHandshakeException) failure.getCause()).getResponse().statusCode();
    }

    private static String systemdVersion(Testbed testbed) {
        // busctl prints: s "252.39-1~deb12u2"
        String out = busctl(testbed, "get-property", "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                "org.freedesktop.systemd1.Manager", "Version");
        return out.substring(out.indexOf('"') + 1, out.lastIndexOf('"'));
    }

    private static int unitCount(Testbed testbed) {
        // busctl prints: a(ssssssouso) 156 "..." ...
        String out = busctl(testbed, "call", "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                "org.freedesktop.systemd1.Manager", "ListUnits");
        return Integer.parseInt(out.split(" ", 3)[1]);
    }

    private static String busctl(Testbed testbed, String... args) {
        String[] argv = new String[args.length + 2];
        argv[0] = "busctl";
        argv[1] = "--address=" + testbed.busAddress();
        System.arraycopy(args, 0, argv, 2, args.length);
        var result = Testbed.runOnHost(BUSCTL, argv);
        assertThat(result.exitCode()).as("busctl %s: %s", String.join(" ", args), result.stderr()).isZero();
        return result.stdout().strip();
    }

    private static int cpuLines() {
        try (var lines = java.nio.file.Files.lines(java.nio.file.Path.of("/proc/stat"))) {
            return (int) lines.filter(l -> l.matches("cpu[0-9]+ .*")).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String text(String html, String id) {
        Matcher m = Pattern.compile("id=\"" + id + "\"[^>]*>([^<]*)<").matcher(html);
        assertThat(m.find()).as("element #%s in the page", id).isTrue();
        return m.group(1).strip();
    }
}
