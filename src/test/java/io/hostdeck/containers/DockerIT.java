package io.hostdeck.containers;

import static org.assertj.core.api.Assertions.assertThat;

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

import io.hostdeck.support.AppOnTestbed;
import io.hostdeck.testbed.Docker;

/**
 * Containers through Docker's own Engine API: real dockerd in the testbed (docker.sh; its
 * cgroupfs driver puts a container in /docker/&lt;id&gt;), on /run/docker.sock under the target's
 * root. Names, image, ports, labels and logs from Docker; a stop through Docker within the
 * container's stop timeout, which Docker records as a stop (its restart policy leaves it
 * stopped, where a death from outside is restarted); the kernel view's freeze as Docker's pause;
 * the live channel carries Docker's names.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DockerIT extends AppOnTestbed {

    private static final List<String> NAMES = List.of("dweb", "didle");

    private Docker docker;

    @BeforeAll
    void installDocker() {
        docker = Docker.install(testbed());
        docker.removeQuietly(NAMES.toArray(String[]::new));
    }

    /** Docker stopped and its socket gone: the tests after these see no Docker, as before them. */
    @AfterAll
    void removeDocker() {
        docker.removeQuietly(NAMES.toArray(String[]::new));
        inTestbed("systemctl", "stop", "docker.socket", "docker.service");
        inTestbed("rm", "-f", "/run/docker.sock");
    }

    @Test
    @Order(1)
    void namesImagesPortsLabelsAndLogsComeFromDocker() throws Exception {
        String id = docker.run("dweb", List.of("-p", "127.0.0.1:18081:80", "--label", "com.docker.compose.project=shop",
                "--label", "com.docker.compose.service=web", "--restart", "on-failure:2"), "/bin/sh", "-c",
                "echo hello-from-dweb; exec sleep 100011");
        var viewer = logIn("viewer");
        String row = RuntimesIT.row(viewer, "dweb");
        assertThat(row).contains("href=\"/containers/docker/dweb\"").contains("<td class=\"runtime\">docker</td>")
                .contains("<td class=\"image\">" + Docker.IMAGE + "</td>").contains("127.0.0.1:18081→80/tcp").contains("running");
        String page = viewer.get("/containers/docker/dweb").body();
        assertThat(page).contains(id).contains("shop / web").contains("on-failure").contains("/docker/" + id);
        String logs = "";
        for (int i = 0; i < 50 && !logs.contains("hello-from-dweb"); i++) {
            logs = viewer.get("/containers/docker/dweb/logs?tail=10").body();
            Thread.sleep(200);
        }
        assertThat(logs).isEqualTo("hello-from-dweb\n");
        // the live channel carries Docker's names too
        assertThat(RuntimesIT.follow(viewer, "{\"type\":\"subscribe\",\"topic\":\"containers\"}", "\"name\":\"dweb\""))
                .contains("\"runtime\":\"docker\"").contains("\"href\":\"/containers/docker/dweb\"");
    }

    @Test
    @Order(2)
    void aStopThroughDockerIsAStopToDocker() throws Exception {
        String id = docker.run("didle", List.of("--stop-timeout", "3", "--restart", "always"), "/bin/sleep", "100012");
        var operator = logIn("operator");
        String kernelId = kernelId(operator, "didle");
        // killed from outside, Docker starts it again (its restart policy): the check below can tell
        inTestbed("kill", "-KILL", docker.docker("inspect", "-f", "{{.State.Pid}}", "didle"));
        for (int i = 0; i < 100 && !docker.docker("inspect", "-f", "{{.State.Status}} {{.RestartCount}}", "didle")
                .equals("running 1"); i++) {
            Thread.sleep(100);
        }
        assertThat(docker.docker("inspect", "-f", "{{.State.Status}} {{.RestartCount}}", "didle")).isEqualTo("running 1");

        // the kernel view's freeze and thaw are Docker's pause and unpause
        kernelId = kernelId(operator, "didle");
        assertThat(RuntimesIT.post(operator, "/containers/" + kernelId + "/freeze")).isEqualTo("302");
        assertThat(docker.docker("inspect", "-f", "{{.State.Status}}", "didle")).isEqualTo("paused");
        assertThat(RuntimesIT.post(operator, "/containers/" + kernelId + "/thaw")).isEqualTo("302");
        assertThat(docker.docker("inspect", "-f", "{{.State.Status}}", "didle")).isEqualTo("running");

        String since = inTestbed("date", "+%s").strip();
        assertThat(RuntimesIT.post(operator, "/containers/docker/didle/stop")).isEqualTo("302");
        String[] ended = RuntimesIT.stopped(operator, "docker/didle", 60);
        assertThat(ended[0]).as(ended[1]).isEqualTo("ended");
        assertThat(ended[1]).startsWith("docker stopped didle in ").endsWith("(stop timeout 3 s)");
        assertThat(Double.parseDouble(ended[1].replaceAll(".* in ([0-9.]+) s .*", "$1"))).as(ended[1]).isLessThan(30);
        // Docker's own record: SIGTERM, its SIGKILL after the 3 s, and a stop; no start after it (its
        // event times are whole seconds: a second later every one of the stop's is before "now")
        Thread.sleep(1100);
        String events = docker.docker("events", "--since", since, "--until", inTestbed("date", "+%s").strip(), "--filter",
                "container=" + id, "--format", "{{.Status}} {{.Actor.Attributes.signal}}");
        List<String> lines = events.lines().toList();
        assertThat(lines).as(events).contains("kill 15", "kill 9", "stop <no value>");
        assertThat(lines.subList(lines.indexOf("stop <no value>"), lines.size())).as(events)
                .noneMatch(l -> l.startsWith("start") || l.startsWith("restart"));
        assertThat(docker.docker("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}}", "didle"))
                .isEqualTo("exited 137 1");
        assertThat(operator.get("/containers/docker/didle").body()).contains("data-state=\"exited\" data-running=\"false\"");
    }

    /** The kernel view's id of the container Docker names {@code name}, from the list. */
    private static String kernelId(io.hostdeck.support.WebSession web, String name) throws InterruptedException {
        Matcher m = Pattern.compile("data-id=\"([a-z]+-[0-9]+)\" data-name=\"" + name + "\"").matcher("");
        for (int i = 0; i < 50; i++) {
            if (m.reset(web.get("/containers").body()).find()) {
                return m.group(1);
            }
            Thread.sleep(200);
        }
        throw new AssertionError(name + " not listed by name");
    }
}
