package io.hostdeck.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.hostdeck.support.AppOnTestbed;
import io.hostdeck.testbed.Testbed;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * /metrics as Prometheus sees it: a real Prometheus (Debian's, unpacked by
 * src/test/prometheus/prepare.sh) scrapes Hostdeck on loopback with the bearer token, and the
 * rate of a unit's CPU counter under CPUQuota=30 % comes out at 0.3.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsIT extends AppOnTestbed {

    private static final String UNIT = "hd-metrics.service";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @BeforeAll
    void busyUnit() {
        // two busy loops, so that the quota and not a busy machine's scheduler is what holds them at 30 %
        inTestbed("systemd-run", "--unit=" + UNIT, "--property=CPUQuota=30%", "sh", "-c",
                "while :; do :; done & while :; do :; done");
    }

    @AfterAll
    void stop() {
        ctl("stop", UNIT);
    }

    private HttpResponse<String> scrape(String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics"));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void onlyWithTheTokenAndInCadvisorsNames() throws Exception {
        assertThat(scrape(null).statusCode()).isEqualTo(401);
        assertThat(scrape("Bearer wrong").statusCode()).isEqualTo(401);
        assertThat(logIn("admin").get("/metrics").statusCode()).as("a page session is no token").isEqualTo(401);
        // the first tick with the unit in it: a second on a quiet host, longer on a loaded one
        HttpResponse<String> ok = scrape("Bearer " + METRICS_TOKEN);
        for (int i = 0; i < 100 && !ok.body().contains("{id=\"/system.slice/" + UNIT + "\""); i++) {
            Thread.sleep(200);
            ok = scrape("Bearer " + METRICS_TOKEN);
        }
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("version=0.0.4"));
        assertThat(ok.body())
                .contains("# TYPE container_cpu_usage_seconds_total counter")
                .containsPattern("container_cpu_usage_seconds_total\\{id=\"/system.slice/" + UNIT + "\",name=\"" + UNIT + "\"} [0-9.]+")
                .contains("container_spec_cpu_quota{id=\"/system.slice/" + UNIT + "\",name=\"" + UNIT + "\"} 30000")
                // the testbed's journald: memory.usage_in_bytes and memory.stat of a real unit
                .containsPattern("container_memory_working_set_bytes\\{id=\"/system.slice/systemd-journald.service\",name=\"systemd-journald.service\"} [1-9][0-9]*\n")
                .contains("node_systemd_unit_state{name=\"" + UNIT + "\",state=\"active\",type=\"service\"} 1")
                .contains("node_systemd_unit_state{name=\"" + UNIT + "\",state=\"failed\",type=\"service\"} 0");
    }

    @Test
    void aRealPrometheusSeesTheQuotaAsARateOfThreeTenths() throws Exception {
        Testbed.Result prepared = Testbed.runOnHost(Duration.ofMinutes(5), "bash", "src/test/prometheus/prepare.sh");
        assertThat(prepared.exitCode()).as(prepared.stderr()).isZero();
        String bin = prepared.stdout().strip();
        int webPort;
        try (ServerSocket s = new ServerSocket(0)) {
            webPort = s.getLocalPort();
        }
        Files.writeString(dir.resolve("token"), METRICS_TOKEN);
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: hostdeck
                    metrics_path: /metrics
                    authorization:
                      credentials_file: %s
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(dir.resolve("token"), port));
        Process prometheus = new ProcessBuilder(bin, "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + webPort)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try {
            String query = "rate(container_cpu_usage_seconds_total{name=\"" + UNIT + "\"}[30s])";
            Thread.sleep(33_000); // 30 s of samples at a 1 s scrape
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            Double rate = null;
            String last = "";
            while (System.nanoTime() < deadline) {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webPort
                        + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8))).build(),
                        HttpResponse.BodyHandlers.ofString());
                last = r.body();
                JsonNode result = JsonMapper.builder().build().readTree(r.body()).path("data").path("result");
                if (r.statusCode() == 200 && result.size() == 1) {
                    rate = Double.parseDouble(result.get(0).path("value").get(1).asString());
                    break;
                }
                Thread.sleep(1000);
            }
            assertThat(rate).as("Prometheus's answer to %s: %s; its log:\n%s", query, last,
                    Files.readString(dir.resolve("prometheus.log"))).isNotNull();
            System.out.printf("metrics: Prometheus %s: %.4f (CPUQuota=30%%)%n", query, rate);
            assertThat(rate).isCloseTo(0.3, within(0.05));
        } finally {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
        }
    }
}
