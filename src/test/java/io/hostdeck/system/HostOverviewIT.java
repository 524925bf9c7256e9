package io.hostdeck.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.hostdeck.support.AppOnTestbed;
import io.hostdeck.support.LoopbackTraffic;
import io.hostdeck.support.WebSession;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The home page's host overview against the testbed: a row per CPU of the kernel's, each
 * interface of the target's network namespace with its rate, the history for 15 minutes and
 * 24 hours, and the {@code host} topic's ticks, whose loopback rate rises while traffic flows
 * there and falls after.
 */
class HostOverviewIT extends AppOnTestbed {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int SINK_PORT = 19999;

    @Test
    void theHomePageHasARowPerCpuAndEachInterfaceWithItsRate() throws Exception {
        WebSession web = logIn("viewer");
        Thread.sleep(2100); // two ticks: a rate needs a reading before it

        String page = web.get("/").body();

        int cpus = cpuLines();
        for (int cpu = 0; cpu < cpus; cpu++) {
            assertThat(page).contains("data-core=\"" + cpu + "\"");
        }
        assertThat(count(page, "data-core=\"")).isEqualTo(cpus);
        assertThat(HostPageIT.text(page, "now-cpu")).matches("[0-9]+\\.[0-9] %");
        assertThat(HostPageIT.text(page, "disk-io")).matches("[0-9.]+[BKMGT]/s read, [0-9.]+[BKMGT]/s written");
        // the testbed's own network namespace (--private-network): its loopback, with a rate
        Matcher lo = Pattern.compile("data-iface=\"lo\">\\s*<td>lo \\(loopback\\)</td>\\s*<td class=\"num rx\">([^<]*)<").matcher(page);
        assertThat(lo.find()).as("the loopback's row").isTrue();
        assertThat(lo.group(1)).matches("[0-9.]+[BKMGT]/s");
        assertThat(page).contains("id=\"host-charts\"").contains("id=\"host-chart-net\"").doesNotContain("data-path=\"/\"");
    }

    @Test
    void theHistoryAnswersFor15MinutesAnd24Hours() throws Exception {
        WebSession web = logIn("appop"); // host-wide figures are every grant's, one limited to some units too
        Thread.sleep(2100);

        var fineReply = json(web, "/host/history?range=15m");
        assertThat(fineReply.statusCode()).isEqualTo(200);
        assertThat(fineReply.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("json"));
        JsonNode fine = JSON.readTree(fineReply.body());
        JsonNode day = JSON.readTree(json(web, "/host/history?range=24h").body());

        assertThat(fine.path("range").asString()).isEqualTo("15m");
        JsonNode host = fine.path("series").path("host");
        assertThat(host.size()).as("times and 8 series").isEqualTo(9);
        assertThat(host.get(0).size()).as("points").isGreaterThanOrEqualTo(2);
        double last = host.get(0).get(host.get(0).size() - 1).asDouble();
        assertThat(last).isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(5.0));
        assertThat(host.get(2).get(host.get(2).size() - 1).asDouble()).as("memory used").isPositive();
        assertThat(fine.path("series").path("cores").size()).isEqualTo(cpuLines() + 1);
        assertThat(fine.path("series").path("net:lo").size()).as("times, in, out").isEqualTo(3);
        assertThat(fine.path("series").path("fs:/").size()).as("times, %, used").isEqualTo(3);
        assertThat(day.path("range").asString()).isEqualTo("24h");
        assertThat(day.path("series").path("host").size()).isEqualTo(9);
        assertThat(day.path("series").path("cores").size()).isEqualTo(cpuLines() + 1);

        var bad = json(web, "/host/history?range=1w");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("range").contains("neither 15m nor 24h");
    }

    @Test
    void theHostTopicsLoopbackRateRisesWhileTrafficFlowsAndFallsAfter() throws Exception {
        var received = new LinkedBlockingQueue<String>();
        var ws = followHost(logIn("appop"), "", received);
        JsonNode first = next(received, n -> n.path("type").asString().equals("host"), Duration.ofSeconds(5));
        assertThat(first).as("the snapshot, then ticks").isNotNull();
        assertThat(next(received, n -> n.path("type").asString().equals("host") && n.path("cores").size() == cpuLines(),
                Duration.ofSeconds(5))).as("a tick with every CPU").isNotNull();

        try (var traffic = LoopbackTraffic.start(testbed(), SINK_PORT)) {
            JsonNode busy = next(received, n -> loRx(n) > 1_000_000, Duration.ofSeconds(15));
            assertThat(busy).as("a tick with more than 1 MB/s received on lo").isNotNull();
            assertThat(loTx(busy)).as("what lo receives it sent").isGreaterThan(1_000_000);
            traffic.stopFlow();
            assertThat(next(received, n -> loRx(n) >= 0 && loRx(n) < 100_000, Duration.ofSeconds(15)))
                    .as("a tick with under 100 KB/s after the flow stopped").isNotNull();
        } finally {
            ws.abort();
        }
    }

    @Test
    void theHostTopicTakesNoArgument() throws Exception {
        var received = new LinkedBlockingQueue<String>();
        var ws = followHost(logIn("viewer"), "/etc", received);

        JsonNode error = next(received, n -> n.path("type").asString().equals("error"), Duration.ofSeconds(5));
        assertThat(error).isNotNull();
        assertThat(error.path("message").asString()).contains("host").contains("takes no argument");
        ws.abort();
    }

    private static java.net.http.HttpResponse<String> json(WebSession web, String path) {
        return web.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(web.base() + path))
                .header("Accept", "application/json").GET().build());
    }

    /** A live socket of this session's that asked for the host topic with {@code arg}. */
    private static java.net.http.WebSocket followHost(WebSession web, String arg, LinkedBlockingQueue<String> received)
            throws Exception {
        var ws = web.openLive(web.base(), received).get(10, TimeUnit.SECONDS);
        ws.sendText("{\"type\":\"subscribe\",\"topic\":\"host\",\"arg\":\"" + arg + "\"}", true).join();
        return ws;
    }

    private static double loRx(JsonNode n) {
        return lo(n, "rx");
    }

    private static double loTx(JsonNode n) {
        return lo(n, "tx");
    }

    private static double lo(JsonNode n, String field) {
        if (!n.path("type").asString().equals("host")) {
            return -1;
        }
        for (JsonNode i : n.path("interfaces")) {
            if (i.path("name").asString().equals("lo") && i.path(field).isNumber()) {
                return i.path(field).asDouble();
            }
        }
        return -1;
    }

    /** The next message that matches within the time, or null. */
    private static JsonNode next(LinkedBlockingQueue<String> received, Predicate<JsonNode> wanted, Duration within)
            throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < end) {
            String m = received.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (m == null) {
                return null;
            }
            JsonNode n = JSON.readTree(m);
            if (wanted.test(n)) {
                return n;
            }
        }
        return null;
    }

    private static int count(String page, String what) {
        int n = 0;
        for (int at = page.indexOf(what); at >= 0; at = page.indexOf(what, at + 1)) {
            n++;
        }
        return n;
    }

    static int cpuLines() {
        try (var lines = java.nio.file.Files.lines(java.nio.file.Path.of("/proc/stat"))) {
            return (int) lines.filter(l -> l.matches("cpu[0-9]+ .*")).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
