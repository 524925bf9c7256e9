package io.hostdeck.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.hostdeck.HostdeckApplication;
import io.hostdeck.support.Browser;
import io.hostdeck.support.TestUsers;
import io.hostdeck.support.WebSession;
import io.hostdeck.testbed.Testbed;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fleet on a real Prometheus: three testbeds, each with its own Hostdeck (a Spring context of
 * its own on its own port, with its own metrics token), Debian's Prometheus scraping the three
 * every second; the third Hostdeck's /fleet lists them, shows a unit that fails on one within a
 * scrape interval plus 2 s through the page's live refresh, shows a host whose Hostdeck stopped as
 * down, and says so when Prometheus itself stops answering; in a browser, the page puts a new
 * failed unit in place without a reload.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetIT {

    private static final String[] NAMES = { "fleet-a", "fleet-b", "fleet-c" };
    private static final Duration T = Duration.ofSeconds(30);
    private static final Duration SCRAPE = Duration.ofSeconds(1);
    private static final String FAILING = "hd-fleet-fail.service";
    private static final String FAILING_SCOPED = "hd-app-fleet.service";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Path dir;

    private final List<Testbed> testbeds = new ArrayList<>();
    private final List<ConfigurableApplicationContext> apps = new ArrayList<>();
    private final int[] ports = new int[3];
    private int prometheusPort;
    private Process prometheus;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        Testbed.Result prepared = Testbed.runOnHost(Duration.ofMinutes(5), "bash", "src/test/prometheus/prepare.sh");
        assertThat(prepared.exitCode()).as(prepared.stderr()).isZero();
        prometheusPort = freePort();
        for (int i = 0; i < 3; i++) {
            ports[i] = freePort();
        }
        // one scrape config per Hostdeck, each with its own token, all relabelled to the job "hostdeck"
        StringBuilder config = new StringBuilder("global:\n  scrape_interval: " + SCRAPE.toSeconds() + "s\nscrape_configs:\n");
        for (int i = 0; i < 3; i++) {
            Files.writeString(dir.resolve("token-" + i), token(i));
            config.append("""
                      - job_name: hostdeck-%d
                        authorization:
                          credentials_file: %s
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                        relabel_configs:
                          - target_label: job
                            replacement: hostdeck
                    """.formatted(i, dir.resolve("token-" + i), ports[i]));
        }
        Files.writeString(dir.resolve("prometheus.yml"), config);
        prometheus = new ProcessBuilder(prepared.stdout().strip(), "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + prometheusPort)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();

        Path users = TestUsers.write();
        for (int i = 0; i < 3; i++) {
            Testbed.teardown(NAMES[i]); // what a killed earlier run may have left
            Testbed tb = Testbed.boot(NAMES[i]);
            testbeds.add(tb);
            Map<String, Object> p = new HashMap<>();
            p.put("server.port", ports[i]);
            p.put("hostdeck.host.root", tb.root().toString());
            p.put("hostdeck.host.bus", tb.busAddress());
            p.put("hostdeck.users-file", users.toString());
            p.put("hostdeck.audit.file", dir.resolve("audit-" + i + ".log").toString());
            p.put("hostdeck.tokens.file", dir.resolve("tokens-" + i).toString());
            p.put("hostdeck.pam.enabled", "false");
            p.put("hostdeck.metrics.token", token(i));
            p.put("hostdeck.external-url", "http://127.0.0.1:" + ports[i]);
            if (i == 2) { // only the third reads the fleet: the others need nothing but /metrics
                p.put("hostdeck.fleet.prometheus-url", "http://127.0.0.1:" + prometheusPort);
            }
            // as command-line arguments: they win over application.properties (builder.properties() would not)
            apps.add(new SpringApplicationBuilder(HostdeckApplication.class).registerShutdownHook(false)
                    .run(p.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new)));
        }
    }

    @AfterAll
    void stop() throws Exception {
        for (ConfigurableApplicationContext app : apps) {
            app.close();
        }
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
        }
        for (Testbed tb : testbeds) {
            tb.close();
        }
    }

    private static String token(int i) {
        return "fleet-metrics-token-" + i;
    }

    private WebSession logIn(String user) {
        WebSession web = new WebSession(ports[2]);
        assertThat(web.login(user, TestUsers.PASSWORD).headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).doesNotContain("error"));
        return web;
    }

    @Test
    @Order(1)
    void eachHostdeckSaysWhoItIs() throws Exception {
        HttpResponse<String> scrape = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[1] + "/metrics"))
                .header("Authorization", "Bearer " + token(1)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.body())
                .containsPattern("hostdeck_info\\{hostname=\"fleet-b\",url=\"http://127.0.0.1:" + ports[1]
                        + "\",version=\"[^\"]+\",cgroup_mode=\"" + testbeds.get(1).cgroupMode().replace("legacy", "v1")
                                .replace("unified", "v2") + "\",systemd_version=\"252[^\"]*\"} 1\n")
                .containsPattern("hostdeck_systemd_system_state\\{state=\"(running|degraded)\"} 1\n")
                .containsPattern("machine_cpu_cores [1-9][0-9]*\n")
                .containsPattern("node_memory_MemAvailable_bytes [1-9][0-9]*\n");
    }

    @Test
    @Order(2)
    void theThirdHostdecksFleetListsTheThreeHosts() {
        WebSession admin = logIn("admin");
        // up, and scraped twice: the host's CPU is a rate
        String page = until(admin, "/fleet", body -> upHosts(body).size() == 3
                && hostRows(body).values().stream().allMatch(r -> CPU.matcher(r).find()), T);
        for (int i = 0; i < 3; i++) {
            String row = hostRow(page, "127.0.0.1:" + ports[i]);
            assertThat(row).as("row of %s", NAMES[i])
                    .contains("href=\"http://127.0.0.1:" + ports[i] + "/\">" + NAMES[i] + "</a>")
                    .containsPattern("class=\"systemd[^\"]*\">(running|degraded)<")
                    .containsPattern("class=\"num scraped\">[0-9.]+ s ago<")
                    .containsPattern(CPU.pattern());
        }
        assertThat(page).contains("id=\"top-cgroups-cpu\"").contains("id=\"top-cgroups-memory\"")
                .contains("up{job=&quot;hostdeck&quot;}");
        // a filter on the hostname keeps one host, and a bad one is a 400 that names it
        String one = until(admin, "/fleet?host=fleet-b", body -> upHosts(body).size() == 1, T);
        assertThat(upHosts(one)).containsExactly("127.0.0.1:" + ports[1]);
        HttpResponse<String> bad = admin.get("/fleet?host=fleet-(");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("host: &#39;fleet-(&#39; is not a regular expression");
        assertThat(admin.get("/fleet?label=job=other").statusCode()).isEqualTo(400);
    }

    @Test
    @Order(3)
    void aUnitThatFailsShowsWithinAScrapeIntervalAndTwoSecondsThroughTheLiveRefresh() throws Exception {
        WebSession admin = logIn("admin");
        var received = new LinkedBlockingQueue<String>();
        var ws = admin.openLive(admin.base(), received).get(10, TimeUnit.SECONDS);
        ws.sendText("{\"type\":\"subscribe\",\"topic\":\"fleet\"}", true).join();
        JsonNode first = nextOfType(received, "fleet", Duration.ofSeconds(10));
        assertThat(first.path("interval").asDouble()).as("the refresh follows Prometheus's scrape interval").isEqualTo(1.0);

        Testbed b = testbeds.get(1);
        b.exec(T, "systemd-run", "--unit=" + FAILING_SCOPED, "/bin/false");
        b.exec(T, "systemd-run", "--unit=" + FAILING, "/bin/false");
        long deadline = System.nanoTime() + T.toNanos();
        while (!b.exec(T, "systemctl", "is-failed", FAILING_SCOPED, FAILING).stdout().strip().equals("failed\nfailed")) {
            assertThat(System.nanoTime()).as(FAILING + " never failed").isLessThan(deadline);
            Thread.sleep(20);
        }
        long failed = System.nanoTime();
        // as the page does: at every tick, ask for the tables again
        String tables = null;
        while (tables == null && System.nanoTime() - failed < TimeUnit.SECONDS.toNanos(10)) {
            nextOfType(received, "fleet", Duration.ofSeconds(5));
            String body = admin.send(HttpRequest.newBuilder(URI.create(admin.base() + "/fleet"))
                    .header("HX-Request", "true").build()).body();
            if (failedRow(body, "127.0.0.1:" + ports[1], FAILING) != null) {
                tables = body;
            }
        }
        double seconds = (System.nanoTime() - failed) / 1e9;
        System.out.printf("fleet: %s failed on fleet-b, on fleet-c's /fleet after %.2f s (scrape interval %d s)%n",
                FAILING, seconds, SCRAPE.toSeconds());
        assertThat(tables).as("the failed unit on fleet-c's /fleet").isNotNull();
        assertThat(seconds).as("seconds from the failure to the page").isLessThanOrEqualTo(SCRAPE.toSeconds() + 2.0);
        assertThat(tables).doesNotContain("<html").contains("id=\"fleet\"");
        assertThat(failedRow(tables, "127.0.0.1:" + ports[1], FAILING))
                .contains("href=\"http://127.0.0.1:" + ports[1] + "/services/" + FAILING + "\"");
        // since when: the host tells once its systemd has said (its unit facts are read in the background)
        until(admin, "/fleet", body -> failedRow(body, "127.0.0.1:" + ports[1], FAILING) != null
                && failedRow(body, "127.0.0.1:" + ports[1], FAILING).matches("(?s).*<td>[0-9]{2}:[0-9]{2}:[0-9]{2}</td>.*"), T);
        assertThat(hostRow(tables, "127.0.0.1:" + ports[1])).contains("class=\"num failed-units\">2<");
        ws.abort();

        // a grant limited to hd-app-*.service sees only its unit's row, and may follow the topic
        WebSession scoped = logIn("appop");
        String mine = until(scoped, "/fleet", body -> failedRow(body, "127.0.0.1:" + ports[1], FAILING_SCOPED) != null, T);
        assertThat(failedRow(mine, "127.0.0.1:" + ports[1], FAILING)).isNull();
        assertThat(hostRow(mine, "127.0.0.1:" + ports[1])).contains("class=\"num failed-units\">1<");
        assertThat(mine).contains("id=\"fleet-scoped\"").doesNotContain("id=\"top-containers-cpu\"");
        var scopedReceived = new LinkedBlockingQueue<String>();
        var scopedWs = scoped.openLive(scoped.base(), scopedReceived).get(10, TimeUnit.SECONDS);
        scopedWs.sendText("{\"type\":\"subscribe\",\"topic\":\"fleet\"}", true).join();
        nextOfType(scopedReceived, "fleet", Duration.ofSeconds(5));
        scopedWs.abort();
        b.exec(T, "systemctl", "reset-failed", FAILING, FAILING_SCOPED);
    }

    @Test
    @Order(4)
    void inABrowserThePageRefreshesItselfWhenAUnitFails() {
        String unit = "hd-fleet-browser.service";
        try (Browser browser = new Browser(ports[2])) {
            browser.logIn("admin", TestUsers.PASSWORD);
            browser.open("/fleet");
            browser.waitFor(By.cssSelector("#live-state[data-state='live']"));
            browser.waitFor(By.id("fleet-hosts"));
            // a mark on the window: gone if the page were loaded again instead of refreshed in place
            browser.driver().executeScript("window.fleetMark = 'still here';");
            testbeds.get(0).exec(T, "systemd-run", "--unit=" + unit, "/bin/false");
            WebElement row = new WebDriverWait(browser.driver(), Duration.ofSeconds(15)).until(
                    ExpectedConditions.visibilityOfElementLocated(By.xpath("//table[@id='fleet-failed']//a[text()='" + unit + "']")));
            assertThat(row.getAttribute("href")).isEqualTo("http://127.0.0.1:" + ports[0] + "/services/" + unit);
            assertThat(browser.driver().executeScript("return window.fleetMark;")).isEqualTo("still here");
            browser.screenshot(Path.of("target", "screenshots", "fleet.png"));
        } finally {
            testbeds.get(0).exec(T, "systemctl", "reset-failed", unit);
        }
    }

    @Test
    @Order(5)
    void aHostWhoseHostdeckStopsShowsAsDown() {
        apps.get(0).close();
        WebSession admin = logIn("admin");
        String instance = "127.0.0.1:" + ports[0];
        String page = until(admin, "/fleet", body -> hostRow(body, instance) != null
                && hostRow(body, instance).contains(">down<"), T);
        assertThat(hostRow(page, instance)).as("a host that went down keeps its name and link")
                .contains(">" + NAMES[0] + "</a>");
        assertThat(page).containsPattern("id=\"down-count\">1<");
        assertThat(upHosts(page)).containsExactlyInAnyOrder("127.0.0.1:" + ports[1], "127.0.0.1:" + ports[2]);
    }

    @Test
    @Order(6)
    void aPrometheusThatDoesNotAnswerIsAMessageNeverAnEmptyFleet() throws Exception {
        prometheus.destroy();
        assertThat(prometheus.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(600); // past the half second an answer is kept
        HttpResponse<String> page = logIn("viewer").get("/fleet");
        assertThat(page.statusCode()).isEqualTo(502);
        assertThat(page.body()).contains("id=\"fleet-problem\"")
                .contains("Prometheus at http://127.0.0.1:" + prometheusPort + "/ did not answer: connection refused")
                .doesNotContain("id=\"fleet-hosts\"");
    }

    // --- reading the page

    private static final Pattern CPU = Pattern.compile("class=\"num cpu\">[0-9.]+<");
    private static final Pattern HOST_ROW = Pattern.compile("<tr[^>]*data-instance=\"([^\"]+)\"[^>]*>(.*?)</tr>", Pattern.DOTALL);

    /** The hosts table's rows by instance. */
    private static Map<String, String> hostRows(String page) {
        Map<String, String> rows = new HashMap<>();
        int start = page.indexOf("id=\"fleet-hosts\"");
        if (start < 0) {
            return rows;
        }
        String table = page.substring(start, page.indexOf("</table>", start));
        Matcher m = HOST_ROW.matcher(table);
        while (m.find()) {
            rows.put(m.group(1), m.group(2));
        }
        return rows;
    }

    private static String hostRow(String page, String instance) {
        return hostRows(page).get(instance);
    }

    private static List<String> upHosts(String page) {
        return hostRows(page).entrySet().stream().filter(e -> e.getValue().contains(">up<")).map(Map.Entry::getKey).toList();
    }

    /** The failed-units table's row of {@code unit} on {@code instance}, or null. */
    private static String failedRow(String page, String instance, String unit) {
        int start = page.indexOf("id=\"fleet-failed\"");
        if (start < 0) {
            return null;
        }
        Matcher m = HOST_ROW.matcher(page.substring(start, page.indexOf("</table>", start)));
        while (m.find()) {
            if (m.group(1).equals(instance) && m.group(2).contains(">" + unit + "<")) {
                return m.group(2);
            }
        }
        return null;
    }

    private static String until(WebSession web, String path, Predicate<String> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = web.get(path);
            last = r.statusCode() + "\n" + r.body();
            if (r.statusCode() == 200 && done.test(r.body())) {
                return r.body();
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("GET " + path + " never showed what was expected; last answer:\n" + last);
    }

    private static JsonNode nextOfType(LinkedBlockingQueue<String> received, String type, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String text = received.poll(100, TimeUnit.MILLISECONDS);
            if (text != null) {
                JsonNode node = JSON.readTree(text);
                assertThat(node.path("type").asString()).as(text).isNotEqualTo("error");
                if (node.path("type").asString().equals(type)) {
                    return node;
                }
            }
        }
        throw new AssertionError("no " + type + " message within " + timeout);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
