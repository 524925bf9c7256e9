package io.hostdeck.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.hostdeck.support.AppOnTestbed;
import io.hostdeck.support.TestUsers;
import io.hostdeck.support.WebSession;
import io.hostdeck.testbed.Testbed;
import io.hostdeck.testbed.TestbedExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Unit states reach a subscribed page from systemd's signals, within a second of the change. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveUnitsIT extends AppOnTestbed {

    private static final String UNIT = "hd-live.service";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Testbed testbed;

    @BeforeAll
    void installProbe(Testbed testbed) throws IOException {
        this.testbed = testbed;
        Files.writeString(unitFile(), "[Service]\nExecStart=/bin/sleep infinity\n");
        ctl("daemon-reload");
    }

    @AfterAll
    void removeProbe() throws IOException {
        ctl("stop", UNIT);
        Files.deleteIfExists(unitFile());
        ctl("daemon-reload");
    }

    @Test
    void aStateChangeReachesTheListWithinASecond() throws Exception {
        var received = new LinkedBlockingQueue<String>();
        var ws = live(received);
        ws.sendText("{\"type\":\"subscribe\",\"topic\":\"units\"}", true).join();
        // the snapshot is every loaded unit; an update published while the page joined may come
        // first (LiveHub.subscribe says so), and carries only the units that changed
        JsonNode snapshot = next(received, "units");
        for (int i = 0; i < 5 && !snapshot.path("units").toString().contains("systemd-journald.service"); i++) {
            snapshot = next(received, "units");
        }
        assertThat(snapshot.path("units").toString()).contains("systemd-journald.service");

        ctl("start", UNIT);
        long started = System.nanoTime();

        JsonNode update = until(received, UNIT, "active");
        assertThat(System.nanoTime() - started).as("delivery time").isLessThan(TimeUnit.SECONDS.toNanos(1));
        assertThat(update.path("units").toString()).contains("\"sub\":\"running\"");

        ctl("stop", UNIT);
        until(received, UNIT, "inactive");
        ws.abort();
    }

    @Test
    void oneUnitCanBeFollowedAndAForgedNameIsRefused() throws Exception {
        var received = new LinkedBlockingQueue<String>();
        var ws = live(received);

        ws.sendText("{\"type\":\"subscribe\",\"topic\":\"unit\",\"arg\":\"../../etc/passwd\"}", true).join();
        assertThat(next(received, "error").path("message").asString()).startsWith("unit unit: '../../etc/passwd' must end in a unit type");
        ws.sendText("{\"type\":\"subscribe\",\"topic\":\"nope\"}", true).join();
        assertThat(next(received, "error").path("message").asString()).startsWith("unknown topic \"nope\"");
        ws.sendText("{\"type\":\"subscribe\",\"topic\":\"units\",\"arg\":\"x\"}", true).join();
        assertThat(next(received, "error").path("message").asString()).contains("takes no argument");

        ws.sendText("{\"type\":\"subscribe\",\"topic\":\"unit\",\"arg\":\"" + UNIT + "\"}", true).join();
        next(received, "units");
        ctl("start", UNIT);
        JsonNode update = until(received, UNIT, "active");
        assertThat(update.path("units")).hasSize(1);
        ctl("stop", UNIT);
        ws.abort();
    }

    private java.net.http.WebSocket live(LinkedBlockingQueue<String> received) throws Exception {
        var web = new WebSession(port);
        web.login("viewer", TestUsers.PASSWORD);
        var ws = web.openLive(web.base(), received).get(10, TimeUnit.SECONDS);
        next(received, "hello");
        return ws;
    }

    private static JsonNode next(LinkedBlockingQueue<String> received, String type) throws InterruptedException {
        String text = received.poll(5, TimeUnit.SECONDS);
        assertThat(text).as("a %s message", type).isNotNull();
        JsonNode node = JSON.readTree(text);
        assertThat(node.path("type").asString()).as(text).isEqualTo(type);
        return node;
    }

    /** Skips messages until one carries {@code unit} in {@code active} state. */
    private static JsonNode until(LinkedBlockingQueue<String> received, String unit, String active) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            String text = received.poll(100, TimeUnit.MILLISECONDS);
            if (text == null) {
                continue;
            }
            JsonNode node = JSON.readTree(text);
            for (JsonNode u : node.path("units")) {
                if (u.path("name").asString().equals(unit) && u.path("active").asString().equals(active)) {
                    return node;
                }
            }
        }
        throw new AssertionError("no update saying " + unit + " is " + active);
    }


    private Path unitFile() {
        return testbed.root().resolve("etc/systemd/system/" + UNIT);
    }
}
