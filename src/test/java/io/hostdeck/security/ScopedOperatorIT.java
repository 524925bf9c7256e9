package io.hostdeck.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.hostdeck.support.AppOnTestbed;
import io.hostdeck.support.TestUsers;
import tools.jackson.databind.json.JsonMapper;

/**
 * An operator of hd-app-*.service only ({@code appop}): works on those units, and every list,
 * page, action, log view and live topic keeps it from the others, forged requests included.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScopedOperatorIT extends AppOnTestbed {

    private static final String MINE = "hd-app-one.service";
    private static final String OTHER = "hd-other.service";

    @BeforeAll
    void units() throws Exception {
        for (String u : List.of(MINE, OTHER)) {
            Files.writeString(testbed().root().resolve("etc/systemd/system/" + u), "[Service]\nExecStart=/bin/sleep infinity\n");
        }
        ctl("daemon-reload");
        ctl("start", MINE, OTHER);
        inTestbed("systemd-cat", "-t", "hd-scope-test", "--", "true"); // an entry of no unit of appop's
    }

    @AfterAll
    void remove() throws Exception {
        ctl("stop", MINE, OTHER);
        for (String u : List.of(MINE, OTHER)) {
            Files.deleteIfExists(testbed().root().resolve("etc/systemd/system/" + u));
        }
        ctl("daemon-reload");
    }

    @Test
    void itsOwnUnitsWorkAndEveryOtherUnitIsOutOfReach() throws Exception {
        var web = logIn("appop");
        String list = web.get("/services").body();
        assertThat(list).contains(MINE).doesNotContain(OTHER);
        assertThat(web.get("/services/" + MINE).statusCode()).isEqualTo(200);
        var other = web.get("/services/" + OTHER);
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(other.body()).contains("outside your grant").contains(TestUsers.SCOPED_UNITS);

        String token = web.pageToken("/services/" + MINE);
        String pid = ctl("show", OTHER, "-p", "MainPID", "--value");
        assertThat(web.postForm("/services/" + MINE + "/restart", "_csrf=" + token).statusCode()).isEqualTo(302);
        for (String forged : List.of("/services/" + OTHER + "/stop", "/services/" + OTHER + "/restart",
                "/services/" + OTHER + "/kill", "/services/" + OTHER + "/reset-failed")) {
            assertThat(web.postForm(forged, "_csrf=" + token + "&signal=SIGKILL").statusCode()).as(forged).isEqualTo(403);
        }
        assertThat(ctl("show", OTHER, "-p", "MainPID", "--value")).as("untouched").isEqualTo(pid);
        assertThat(ctl("is-active", OTHER)).isEqualTo("active");

        // logs: only its units, whatever the URL asks
        assertThat(web.get("/logs?unit=" + OTHER).statusCode()).isEqualTo(403);
        assertThat(web.get("/logs?unit=" + enc("hd-*.service")).statusCode()).as("a wider glob").isEqualTo(403);
        assertThat(web.get("/services/" + OTHER + "/logs").statusCode()).isEqualTo(403);
        var mine = web.get("/logs?unit=" + MINE);
        assertThat(mine.statusCode()).isEqualTo(200);
        var unfiltered = web.get("/logs");
        assertThat(unfiltered.statusCode()).isEqualTo(200);
        assertThat(unfiltered.body()).as("its units' entries, no others").contains("hd-app-one")
                .doesNotContain("hd-scope-test").doesNotContain(OTHER);

        // the pages of everything else
        assertThat(web.get("/cgroups").statusCode()).isEqualTo(403);
        assertThat(web.get("/cgroups/system.slice/" + OTHER).statusCode()).isEqualTo(403);
        int own = 0;
        for (int i = 0; i < 30 && own != 200; i++) { // 404 until the sampler's next tick has seen it
            own = web.get("/cgroups/system.slice/" + MINE).statusCode();
            if (own != 200) {
                Thread.sleep(100);
            }
        }
        assertThat(own).as("its own unit's cgroup").isEqualTo(200);
        assertThat(web.get("/containers").statusCode()).isEqualTo(403);
        assertThat(web.get("/namespaces").statusCode()).isEqualTo(403);

        // live topics
        var received = new LinkedBlockingQueue<String>();
        var ws = web.openLive(web.base(), received).get(10, TimeUnit.SECONDS);
        try {
            ws.sendText("{\"type\":\"subscribe\",\"topic\":\"unit\",\"arg\":\"" + OTHER + "\"}", true).join();
            assertThat(nextError(received)).contains("outside your grant");
            ws.sendText("{\"type\":\"subscribe\",\"topic\":\"units\"}", true).join();
            assertThat(nextError(received)).contains("for grants over every unit");
        } finally {
            ws.abort();
        }

        var admin = logIn("admin");
        assertThat(admin.get("/audit?user=appop&action=login").body()).contains("success: operator of " + TestUsers.SCOPED_UNITS);
        assertThat(admin.get("/audit?user=appop&action=refused&target=" + enc("/services/" + OTHER + "/stop")).body())
                .as("a forged request is in the trail").contains("outside your grant");
        assertThat(web.postForm("/services/daemon-reload", "_csrf=" + token).statusCode()).isEqualTo(403);
        assertThat(admin.get("/audit?user=appop&action=refused&target=" + enc("/services/daemon-reload")).body())
                .as("a role refusal too").contains("refused: the role does not allow it");
    }

    private static String nextError(LinkedBlockingQueue<String> received) throws Exception {
        JsonMapper json = JsonMapper.builder().build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            String m = received.poll(100, TimeUnit.MILLISECONDS);
            if (m != null && json.readTree(m).path("type").asString().equals("error")) {
                return json.readTree(m).path("message").asString();
            }
        }
        throw new AssertionError("no error message");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
