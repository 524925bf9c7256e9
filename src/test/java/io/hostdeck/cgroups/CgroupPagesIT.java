package io.hostdeck.cgroups;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.hostdeck.host.cgroupfs.CgroupReader;
import io.hostdeck.support.AppOnTestbed;
import io.hostdeck.support.TestUsers;
import io.hostdeck.support.WebSession;
import io.hostdeck.testbed.Testbed;
import io.hostdeck.testbed.TestbedExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sampler and the cgroup pages against the testbed: a busy loop under CPUQuota=30% reads
 * 30 ± 5 % (as the kernel's own usage counter says over the same time), a unit near its
 * MemoryMax shows its failures, history and live rows arrive, raw limits land in the files.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CgroupPagesIT extends AppOnTestbed {

    private static final String BUSY = "hd-cg-busy.service";
    private static final String HOG = "hd-cg-hog.service";
    private static final String OOM = "hd-cg-oom.service";
    private static final String HAND_MADE = "hd-handmade";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Testbed testbed;

    @BeforeAll
    void startLoads(Testbed testbed) throws IOException {
        this.testbed = testbed;
        inTestbed("systemd-run", "--unit=" + BUSY, "-p", "CPUQuota=30%", "/bin/sh", "-c", "while :; do :; done");
        // dd holds one 26M buffer (touched by every read from /dev/zero) for as long as it runs:
        // anonymous memory just under its 32M limit
        inTestbed("systemd-run", "--unit=" + HOG, "-p", "MemoryMax=32M", "/bin/dd", "if=/dev/zero", "of=/dev/null", "bs=26M",
                "count=100000000");
        // tail keeps buffering a 40M line without a newline, past its 32M limit: the kernel counts
        // the limit being hit (memory.failcnt) and OOM-kills tail, again and again, while the shell,
        // and so the unit and its cgroup, live on. (Page cache would not do: the files the image
        // shares are cached already and charged elsewhere.)
        inTestbed("systemd-run", "--unit=" + OOM, "-p", "MemoryMax=32M", "/bin/sh", "-c",
                "while :; do head -c 40M /dev/zero | tail >/dev/null; sleep 0.3; done");
        for (String controller : List.of("memory", "cpu", "pids", "unified")) {
            Files.createDirectories(containerCgroup(controller).resolve(HAND_MADE));
        }
    }

    @AfterAll
    void stopLoads() throws IOException {
        inTestbed("systemctl", "stop", BUSY, HOG, OOM);
        inTestbed("systemctl", "reset-failed", BUSY, HOG, OOM);
        for (String controller : List.of("memory", "cpu", "pids", "unified")) {
            Files.deleteIfExists(containerCgroup(controller).resolve(HAND_MADE));
        }
    }

    @Test
    void aBusyLoopUnderA30PercentQuotaReads30PercentLikeTheKernelsCounter() throws Exception {
        var web = logIn("viewer");
        Path usage = testbed.root().resolve("sys/fs/cgroup/unified/system.slice/" + BUSY + "/cpu.stat");
        long u0 = usageUsec(usage);
        long t0 = System.nanoTime();
        Thread.sleep(3500);
        double kernel = (usageUsec(usage) - u0) / ((System.nanoTime() - t0) / 1000.0) * 100;

        String page = web.get("/cgroups?sort=cpu&depth=3").body();

        double shown = Double.parseDouble(cell(page, "/system.slice/" + BUSY, "cpu"));
        assertThat(kernel).as("the kernel's own usage_usec over 3.5 s").isBetween(25.0, 35.0);
        assertThat(shown).as("Hostdeck's CPU %").isBetween(25.0, 35.0).isCloseTo(kernel, org.assertj.core.data.Offset.offset(5.0));
        assertThat(page).contains("hybrid (v1 controllers, v2 tree)").contains("CPU 100 % = one core busy");
    }

    @Test
    void aUnitAtItsMemoryLimitShowsTheLimitAndItsFailures() throws Exception {
        var web = logIn("viewer");
        Path failcntFile = testbed.cgroupDir("memory").resolve("system.slice/" + OOM + "/memory.failcnt");
        for (int i = 0; i < 100 && Long.parseLong(Files.readString(failcntFile).strip()) == 0; i++) {
            Thread.sleep(100); // until the workload has hit its limit at least once
        }
        Thread.sleep(1200); // and a tick has seen it

        String near = web.get("/cgroups/system.slice/" + HOG).body();
        Matcher memory = Pattern.compile("id=\"now-memory\">([0-9.]+)M of 32.0M<").matcher(near);
        assertThat(memory.find()).as("memory and its limit in\n%s", near).isTrue();
        assertThat(Double.parseDouble(memory.group(1))).as("near the limit").isBetween(24.0, 32.0);

        // systemd-cgtop on the testbed, in the same test: its memory column is what Hostdeck's last tick read
        String cgtop = inTestbed("systemd-cgtop", "-b", "-n", "1", "--raw", "-m");
        long cgtopBytes = cgtop.lines().filter(l -> l.startsWith("system.slice/" + HOG + " ")).findFirst()
                .map(l -> Long.parseLong(l.trim().split("\\s+")[3])).orElseThrow(() -> new AssertionError("no " + HOG + " in\n" + cgtop));
        var history = web.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                web.base() + "/cgroups/system.slice/" + HOG + "?range=15m")).header("Accept", "application/json").build());
        JsonNode memorySeries = JSON.readTree(history.body()).path("series").get(2);
        double ours = memorySeries.get(memorySeries.size() - 1).asDouble();
        assertThat(ours).as("Hostdeck's memory beside systemd-cgtop's %d", cgtopBytes)
                .isCloseTo(cgtopBytes, org.assertj.core.data.Percentage.withPercentage(5));

        // failcnt and OOM kills are slow counters: read every SLOW_SECONDS, so they show within that
        String killed = web.get("/cgroups/system.slice/" + OOM).body();
        long deadline = System.nanoTime() + (CgroupReader.SLOW_SECONDS + 3) * 1_000_000_000L;
        while (!killed.matches("(?s).*id=\"now-failcnt\">[1-9][0-9]* times<.*id=\"now-oom\">[1-9][0-9]*<.*")
                && System.nanoTime() < deadline) {
            Thread.sleep(250);
            killed = web.get("/cgroups/system.slice/" + OOM).body();
        }
        Matcher failcnt = Pattern.compile("id=\"now-failcnt\">([0-9]+) times<").matcher(killed);
        assertThat(failcnt.find()).as("the limit hits in\n%s", killed).isTrue();
        long kernel = Long.parseLong(Files.readString(failcntFile).strip());
        assertThat(Long.parseLong(failcnt.group(1))).as("v1's count of the limit being hit").isPositive().isLessThanOrEqualTo(kernel);
        Matcher oom = Pattern.compile("id=\"now-oom\">([0-9]+)<").matcher(killed);
        assertThat(oom.find()).as("OOM kills in\n%s", killed).isTrue();
        assertThat(Long.parseLong(oom.group(1))).as("the kernel's oom_kill count (memory.oom_control)").isPositive();
    }

    @Test
    void historyComesFromTheSameUrlAsJson() throws Exception {
        var web = logIn("viewer");
        Thread.sleep(2500);

        var response = web.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                web.base() + "/cgroups/system.slice/" + BUSY + "?range=15m")).header("Accept", "application/json").build());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode series = JSON.readTree(response.body()).path("series");
        assertThat(series).hasSize(7);
        assertThat(series.get(0).size()).isGreaterThanOrEqualTo(2);
        assertThat(series.get(1).get(series.get(1).size() - 1).asDouble()).isBetween(20.0, 40.0);
        var badRange = web.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                web.base() + "/cgroups/system.slice/" + BUSY + "?range=1y")).header("Accept", "application/json").build());
        assertThat(badRange.statusCode()).isEqualTo(400);
    }

    @Test
    void badInputNamesTheParameterAndAMissingCgroupIs404() {
        var web = logIn("viewer");

        assertThat(web.get("/cgroups?sort=ram").statusCode()).isEqualTo(400);
        assertThat(web.get("/cgroups?depth=99").body()).contains("depth: 99 is outside 1..16");
        assertThat(web.get("/cgroups/system.slice/..%2F..%2Fetc").statusCode()).isIn(400, 404);
        assertThat(web.get("/cgroups/no-such.slice").statusCode()).isEqualTo(404);
    }

    @Test
    void theTopTableIsFollowedLiveWithOnlyTheRowsThatChanged() throws Exception {
        var web = logIn("viewer");
        var received = new LinkedBlockingQueue<String>();
        var ws = web.openLive(web.base(), received).get(10, TimeUnit.SECONDS);
        received.poll(5, TimeUnit.SECONDS); // hello
        ws.sendText("{\"type\":\"subscribe\",\"topic\":\"cgroups\"}", true).join();
        JsonNode snapshot = JSON.readTree(received.poll(5, TimeUnit.SECONDS));
        int all = snapshot.path("rows").size();

        JsonNode update = JSON.readTree(received.poll(3, TimeUnit.SECONDS));

        assertThat(update.path("type").asString()).isEqualTo("cgroups");
        assertThat(update.path("rows").toString()).contains("/system.slice/" + BUSY);
        // an empty cgroup made by hand never changes: it is in the snapshot, never in an update
        assertThat(snapshot.path("rows").toString()).contains("\"path\":\"/" + HAND_MADE + "\"");
        assertThat(update.path("rows").toString()).as("only what changed").doesNotContain("\"path\":\"/" + HAND_MADE + "\"");
        assertThat(update.path("rows").size()).isLessThanOrEqualTo(all);
        ws.sendText("{\"type\":\"subscribe\",\"topic\":\"cgroup\",\"arg\":\"/../../etc\"}", true).join();
        String error;
        do {
            error = received.poll(3, TimeUnit.SECONDS);
        } while (error != null && !error.contains("\"error\""));
        assertThat(error).contains("path: '/../../etc' is not a cgroup path");
        ws.abort();
    }

    @Test
    void anAdminWritesRawLimitsOnlyWhereNoUnitOwnsTheCgroup() throws Exception {
        var admin = logIn("admin");
        Thread.sleep(1500); // the hand-made cgroup is sampled
        String token = admin.pageToken("/cgroups");

        var ok = admin.postForm("/cgroups/limits", "_csrf=" + token + "&path=/" + HAND_MADE + "&memory=64M&pids=10&cpuQuota=50%25");
        assertThat(ok.statusCode()).isEqualTo(302);
        Path mem = testbed.cgroupDir("memory").resolve(HAND_MADE);
        assertThat(Files.readString(mem.resolve("memory.limit_in_bytes")).strip()).isEqualTo(String.valueOf(64L << 20));
        assertThat(Files.readString(testbed.cgroupDir("pids").resolve(HAND_MADE + "/pids.max")).strip()).isEqualTo("10");
        assertThat(Files.readString(testbed.cgroupDir("cpu").resolve(HAND_MADE + "/cpu.cfs_quota_us")).strip()).isEqualTo("50000");

        var managed = admin.postForm("/cgroups/limits", "_csrf=" + token + "&path=/system.slice/" + BUSY + "&memory=64M");
        assertThat(managed.statusCode()).isEqualTo(409);
        assertThat(managed.body()).contains("managed by systemd as " + BUSY);

        var bad = admin.postForm("/cgroups/limits", "_csrf=" + token + "&path=/" + HAND_MADE + "&pids=-3");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(Files.readString(testbed.cgroupDir("pids").resolve(HAND_MADE + "/pids.max")).strip()).isEqualTo("10");

        var operator = logIn("operator");
        assertThat(operator.postForm("/cgroups/limits", "_csrf=" + operator.pageToken("/cgroups") + "&path=/" + HAND_MADE
                + "&pids=99").statusCode()).isEqualTo(403);
        assertThat(Files.readString(testbed.cgroupDir("pids").resolve(HAND_MADE + "/pids.max")).strip()).isEqualTo("10");
    }

    /**
     * A hierarchy as the container sees it: its cgroup namespace may root the unified tree below
     * the testbed's own cgroup (nspawn's payload), so the host-side directory is not the same place.
     */
    private Path containerCgroup(String hierarchy) {
        return testbed.root().resolve("sys/fs/cgroup/" + hierarchy);
    }

    private static long usageUsec(Path cpuStat) throws IOException {
        for (String line : Files.readAllLines(cpuStat)) {
            if (line.startsWith("usage_usec ")) {
                return Long.parseLong(line.substring(11).strip());
            }
        }
        throw new AssertionError("no usage_usec in " + cpuStat);
    }

    private static String cell(String page, String path, String cls) {
        Matcher row = Pattern.compile("data-path=\"" + Pattern.quote(path) + "\">(.*?)</tr>", Pattern.DOTALL).matcher(page);
        assertThat(row.find()).as("a row for %s", path).isTrue();
        Matcher cell = Pattern.compile("class=\"num " + cls + "\">([^<]*)<").matcher(row.group(1));
        assertThat(cell.find()).as("its %s cell", cls).isTrue();
        return cell.group(1).strip();
    }
}
