package io.hostdeck.containers;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.hostdeck.support.AppOnTestbed;
import io.hostdeck.support.WebSession;
import io.hostdeck.testbed.Podman;

/**
 * Real podman containers (runc, systemd as cgroup manager: libpod-ID.scope under machine.slice)
 * under the testbed's systemd, as Hostdeck sees and stops them: listed as podman's with their
 * limits; with podman's API not answering (so the kernel view acts from outside, as for any
 * container; with it, the actions go through podman, see {@code RuntimesIT}): {@code idle1},
 * whose PID 1 ignores SIGTERM, stopped within Hostdeck's 10 s instead of systemd's 90 s, and a
 * frozen container still stops; a container run by podman inside a service unit (the Quadlet
 * way) is a container, not systemd's sandboxing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PodmanIT extends AppOnTestbed {

    private static final Pattern ROW = Pattern.compile(
            "<tr[^>]* data-id=\"((?:pid|net|mnt)-[0-9]+)\"[^>]*>(.*?)</tr>", Pattern.DOTALL);
    private static final String QUADLET = "hd-quadlet.service";

    private Podman podman;

    @BeforeAll
    void installPodman() {
        podman = Podman.install(testbed());
    }

    @AfterAll
    void removeContainers() throws Exception {
        // sleep as the container's PID 1 ignores the SIGTERM podman passes on: no 90 s wait here
        inTestbed("systemctl", "kill", "--signal=SIGKILL", QUADLET);
        inTestbed("systemctl", "stop", QUADLET);
        inTestbed("systemctl", "reset-failed", QUADLET);
        Files.deleteIfExists(testbed().root().resolve("etc/systemd/system/" + QUADLET));
        inTestbed("systemctl", "daemon-reload");
        podman.removeQuietly("web1", "idle1", "frozen1", "q1");
    }

    /** The row of the container podman knows as {@code id}, polled for up to 10 s. */
    private static String[] row(WebSession web, String podmanId) throws InterruptedException {
        String page = "";
        for (int i = 0; i < 50; i++) {
            page = web.get("/containers").body();
            Matcher m = ROW.matcher(page);
            while (m.find()) {
                // the full id: the label without podman's API, the link's title with it (then labelled by name)
                if (m.group(2).contains(podmanId)) {
                    return new String[] { m.group(1), m.group(2) };
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("podman's " + podmanId + " not listed:\n" + page);
    }

    @Test
    void podmansContainersAreListedAsPodmansWithTheirLimits() throws Exception {
        String id = podman.run("web1", List.of("--memory", "64m", "--cpus", "0.3"), "/bin/sh", "-c", "while :; do :; done");
        var viewer = logIn("viewer");
        String[] row = row(viewer, id);
        assertThat(row[1]).contains("<td class=\"runtime\">podman</td>").contains("(1 inside)");
        String detail = viewer.get("/containers/" + row[0]).body();
        assertThat(detail).contains("/machine.slice/libpod-" + id + ".scope");
        Path limit = testbed().cgroupDir("memory").resolve("machine.slice/libpod-" + id + ".scope/memory.limit_in_bytes");
        assertThat(Files.readString(limit).strip()).isEqualTo(Long.toString(64L * 1024 * 1024));
        Path quota = testbed().cgroupDir("cpu").resolve("machine.slice/libpod-" + id + ".scope/cpu.cfs_quota_us");
        assertThat(Files.readString(quota).strip()).isEqualTo("30000");
        // the sampler's next tick carries the limit to the list
        String limitCell = "";
        for (int i = 0; i < 30 && !limitCell.equals("64.0M"); i++) {
            Matcher m = Pattern.compile("<td class=\"num limit\">([^<]*)</td>").matcher(row(viewer, id)[1]);
            limitCell = m.find() ? m.group(1) : "";
            Thread.sleep(200);
        }
        assertThat(limitCell).isEqualTo("64.0M");
    }

    /** What runs while podman's API does not answer. */
    private interface WithoutApi {
        void run() throws Exception;
    }

    /**
     * Runs {@code body} with podman's API stopped (socket and service), once the list says so: the
     * kernel view acts from outside then, as for any container. Starts podman.socket again after.
     */
    private void withoutPodmansApi(WebSession web, WithoutApi body) throws Exception {
        inTestbed("systemctl", "stop", "podman.socket", "podman.service");
        try {
            String page = "";
            for (int i = 0; i < 50 && !page.contains("podman&#39;s API is not answering"); i++) {
                page = web.get("/containers").body();
                Thread.sleep(100);
            }
            assertThat(page).contains("podman&#39;s API is not answering");
            body.run();
        } finally {
            inTestbed("systemctl", "start", "podman.socket");
        }
    }

    @Test
    void idle1WhosePid1IgnoresSigtermStopsWithinHostdecksGrace() throws Exception {
        String id = podman.run("idle1", List.of(), "/bin/sleep", "100000");
        var operator = logIn("operator");
        String cid = row(operator, id)[0];
        withoutPodmansApi(operator, () -> {
            String token = operator.pageToken("/containers/" + cid);
            assertThat(operator.postForm("/containers/" + cid + "/stop", "_csrf=" + enc(token)).statusCode()).isEqualTo(302);
            String[] ended = ContainersIT.stopped(operator, cid, 60);
            assertThat(ended[0]).as(ended[1]).isEqualTo("ended");
            assertThat(ended[1]).contains("unit libpod-" + id + ".scope").contains("SIGKILL after 10 s");
            assertThat(podman.podman("inspect", "-f", "{{.State.Running}}", "idle1")).isEqualTo("false");
        });
    }

    @Test
    void aFrozenPodmanContainerStillStops() throws Exception {
        String id = podman.run("frozen1", List.of(), "/bin/sh", "-c", "while :; do sleep 1; done");
        var operator = logIn("operator");
        String cid = row(operator, id)[0];
        withoutPodmansApi(operator, () -> {
            String token = operator.pageToken("/containers/" + cid);
            assertThat(operator.postForm("/containers/" + cid + "/freeze", "_csrf=" + enc(token)).statusCode()).isEqualTo(302);
            assertThat(operator.get("/containers/" + cid).body()).contains("id=\"frozen\"");
            assertThat(operator.postForm("/containers/" + cid + "/stop", "_csrf=" + enc(token)).statusCode()).isEqualTo(302);
            String[] ended = ContainersIT.stopped(operator, cid, 60);
            assertThat(ended[0]).as(ended[1]).isEqualTo("ended");
            assertThat(ended[1]).startsWith("thawed, then unit libpod-" + id + ".scope");
            assertThat(podman.podman("inspect", "-f", "{{.State.Running}}", "frozen1")).isEqualTo("false");
            assertThat(inTestbed("sh", "-c", "systemctl is-active libpod-" + id + ".scope || true")).isNotEqualTo("active");
        });
    }

    @Test
    void aContainerPodmanRunsInAServiceUnitIsAContainer() throws Exception {
        // what Quadlet generates (Debian 12's podman 4.3 has no Quadlet yet): podman run in the
        // foreground of a service, the container's processes in the service's own cgroup
        Files.writeString(testbed().root().resolve("etc/systemd/system/" + QUADLET), String.join("\n",
                "[Unit]", "Description=podman container q1, as Quadlet runs one", "[Service]",
                "ExecStart=/usr/bin/podman run --name q1 --replace --rm --cgroups=split " + String.join(" ", podman.runOptions())
                        + " " + Podman.IMAGE + " /bin/sleep 1014",
                "KillMode=mixed", "Delegate=yes", "PrivateTmp=yes", ""));
        inTestbed("systemctl", "daemon-reload");
        inTestbed("systemctl", "start", QUADLET);
        var viewer = logIn("viewer");
        String found = null;
        for (int i = 0; i < 100 && found == null; i++) {
            Matcher m = ROW.matcher(viewer.get("/containers").body());
            while (m.find()) {
                if (m.group(2).contains("sleep 1014")) {
                    found = m.group(2);
                }
            }
            Thread.sleep(200);
        }
        assertThat(found).as("listed without ?sandboxes=shown; the unit: " + inTestbed("systemctl", "status", QUADLET))
                .isNotNull();
        assertThat(found).contains("<td class=\"runtime\">podman</td>");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
