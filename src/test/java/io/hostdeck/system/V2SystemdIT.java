package io.hostdeck.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import io.hostdeck.support.TestUsers;
import io.hostdeck.support.WebSession;
import io.hostdeck.testbed.V2Systemd;

/**
 * End to end on the hosts users run: systemd 252 as PID 1 on a pure cgroup v2 kernel (qemu), with
 * Hostdeck itself running there as a service, driven from here through its pages over the
 * forwarded port. Everything there is 10-30 times slower than here: every check waits for a
 * state (bounded generously), none measures a time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class V2SystemdIT {

    private static final long PATIENCE_MS = 120_000;
    private static final Pattern ROW = Pattern.compile(
            "<tr[^>]* data-id=\"((?:pid|net|mnt)-[0-9]+)\"[^>]*>(.*?)</tr>", Pattern.DOTALL);

    private V2Systemd v2;
    private WebSession admin;

    @BeforeAll
    void boot() {
        v2 = V2Systemd.shared();
        admin = new WebSession("http://127.0.0.1:" + v2.port());
        admin.login("admin", TestUsers.PASSWORD);
    }

    @AfterAll
    void shutDown() {
        V2Systemd.shutDownShared();
    }

    /** Polls {@code read} until its value contains {@code wanted}; the last value otherwise, in the failure. */
    private static String until(String what, Supplier<String> read, String wanted) throws InterruptedException {
        long deadline = System.currentTimeMillis() + PATIENCE_MS;
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            last = read.get();
            if (last.contains(wanted)) {
                return last;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError(what + ": no '" + wanted + "' in\n" + last);
    }

    private String cgroupFile(String path) {
        return v2.exec("cat", "/sys/fs/cgroup/" + path).strip();
    }

    @Test
    @Order(1)
    void theHostPageAndTheCgroupTreeSayPureV2() throws Exception {
        assertThat(admin.get("/").body()).contains("v2host");
        assertThat(admin.get("/cgroups").body()).contains("id=\"cgroup-mode\">v2 (unified)<");
        assertThat(cgroupFile("cgroup.subtree_control")).contains("memory").contains("cpu").contains("pids");
    }

    @Test
    @Order(2)
    void servicesAndTheirLiveStateAreListed() throws Exception {
        String page = until("the services list", () -> admin.get("/services").body(), "v2burn.service");
        assertThat(page).contains("v2log.service").contains("hostdeck.service");
        assertThat(admin.get("/services/v2burn.service").body()).containsPattern("id=\"active-state\"[^>]*>\\s*active \\(running\\)");
        // a CPUQuota=30% loop on v2: cpu.max as systemd wrote it, and the page reads it as throttled
        assertThat(cgroupFile("system.slice/v2burn.service/cpu.max")).isEqualTo("30000 100000");
        until("the burner's throttling", () -> admin.get("/cgroups/system.slice/v2burn.service").body(), "% of the time");
    }

    @Test
    @Order(3)
    void limitsFromTheUnitPageAreWrittenToTheV2FilesAndReadBack() throws Exception {
        String token = admin.pageToken("/services/v2log.service");
        var set = admin.postForm("/services/v2log.service/limits", "_csrf=" + enc(token)
                + "&MemoryMax=100M&CPUQuota=" + enc("40%") + "&IOWeight=300&TasksMax=20&mode=runtime");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(302);
        String dir = "system.slice/v2log.service/";
        assertThat(cgroupFile(dir + "memory.max")).isEqualTo(Long.toString(100L << 20));
        assertThat(cgroupFile(dir + "cpu.max")).isEqualTo("40000 100000");
        assertThat(cgroupFile(dir + "io.weight")).isEqualTo("default 300");
        assertThat(cgroupFile(dir + "pids.max")).isEqualTo("20");
        String page = until("the limits read back", () -> admin.get("/cgroups/system.slice/v2log.service").body(), " of 100M");
        assertThat(page).containsPattern("id=\"now-tasks\">[0-9]+ of 20<");
    }

    @Test
    @Order(4)
    void theSeedsWalkThroughAHandMadeCgroupWithRawLimits() throws Exception {
        v2.exec("mkdir", "-p", "/sys/fs/cgroup/mygroup");
        until("mygroup sampled", () -> admin.get("/cgroups").body(), "mygroup");
        String token = admin.pageToken("/cgroups/mygroup");
        var set = admin.postForm("/cgroups/limits", "_csrf=" + enc(token) + "&path=/mygroup&memory=100M&pids=50&cpuQuota="
                + enc("25%"));
        assertThat(set.statusCode()).as(set.body()).isEqualTo(302);
        assertThat(cgroupFile("mygroup/memory.max")).isEqualTo(Long.toString(100L << 20));
        assertThat(cgroupFile("mygroup/pids.max")).isEqualTo("50");
        assertThat(cgroupFile("mygroup/cpu.max")).isEqualTo("25000 100000");
        until("mygroup's limit on its page", () -> admin.get("/cgroups/mygroup").body(), "of 100M");
    }

    @Test
    @Order(5)
    void containersAreTheRealOnesFrozenWithCgroupFreezeAndStopped() throws Exception {
        String page = until("the Quadlet-like unit as a container", () -> admin.get("/containers").body(), "sleep 100000");
        assertThat(page).as("kernel threads (kdevtmpfs) are never containers").doesNotContain("[kdevtmpfs]")
                .doesNotContain("id=\"own-reference\"");
        String id = null;
        Matcher m = ROW.matcher(page);
        while (m.find()) {
            if (m.group(2).contains("sleep 100000")) {
                id = m.group(1);
                assertThat(m.group(2)).contains("<td class=\"runtime\">unshare</td>");
            }
        }
        assertThat(id).isNotNull().startsWith("pid-");
        String token = admin.pageToken("/containers/" + id);
        assertThat(admin.postForm("/containers/" + id + "/freeze", "_csrf=" + enc(token)).statusCode()).isEqualTo(302);
        assertThat(cgroupFile("system.slice/v2quadlet.service/cgroup.freeze")).isEqualTo("1");
        assertThat(cgroupFile("system.slice/v2quadlet.service/cgroup.events")).contains("frozen 1");
        assertThat(admin.get("/containers/" + id).body()).contains("id=\"frozen\"");

        // stopping it frozen: thawed first, SIGKILL after Hostdeck's 10 s (sleep as PID 1 ignores SIGTERM)
        assertThat(admin.postForm("/containers/" + id + "/stop", "_csrf=" + enc(token)).statusCode()).isEqualTo(302);
        String cid = id;
        String done = until("the stop's end", () -> stopRow(cid), "data-state=\"ended\"");
        assertThat(done).contains("thawed, then unit v2quadlet.service ended");
        assertThat(v2.exec("systemctl", "show", "-p", "ActiveState", "--value", "v2quadlet.service"))
                .isIn("inactive", "failed");
    }

    @Test
    @Order(6)
    void logsOfAUnitAreRead() throws Exception {
        until("v2log's journal", () -> admin.get("/logs?unit=v2log.service").body(), "v2log line");
    }

    @Test
    @Order(7)
    void aSandboxLaunchesOnTheSlowHost() throws Exception {
        String token = admin.pageToken("/containers/launch");
        var launched = admin.postForm("/containers/launch", "_csrf=" + enc(token) + "&name=v2box&command="
                + enc("sleep 1020") + "&namespaces=pid&namespaces=net&namespaces=uts&hostname=v2box&TasksMax=9");
        assertThat(launched.statusCode()).as(launched.body()).isEqualTo(302);
        String page = until("the sandbox listed", () -> admin.get("/containers").body(), "sleep 1020");
        assertThat(page).doesNotContain("Launching hostdeck-sandbox-v2box.service: failed");
        assertThat(v2.exec("systemctl", "show", "-p", "ActiveState", "--value", "hostdeck-sandbox-v2box.service"))
                .isEqualTo("active");
        assertThat(cgroupFile("system.slice/hostdeck-sandbox-v2box.service/pids.max")).isEqualTo("9");
    }

    @Test
    @Order(8)
    void metricsCarryTheV2Numbers() throws Exception {
        var r = admin.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + v2.port() + "/metrics"))
                .header("Authorization", "Bearer " + V2Systemd.METRICS_TOKEN).GET().build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("container_cpu_usage_seconds_total{id=\"/system.slice/v2burn.service\"")
                .contains("container_spec_memory_limit_bytes{id=\"/system.slice/v2log.service\"");
    }

    private String stopRow(String id) {
        Matcher m = Pattern.compile("<tr data-id=\"" + id + "\" data-state=\"[a-z]+\">.*?</tr>", Pattern.DOTALL)
                .matcher(admin.get("/containers").body());
        return m.find() ? m.group().replace("&#39;", "'") : "";
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
