package io.hostdeck.containers;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.hostdeck.support.AppOnTestbed;
import io.hostdeck.testbed.Testbed;

/**
 * A real LXC container (Debian's lxc, the busybox template, lxc-start) under the testbed's
 * systemd: found from the kernel's view as LXC's, under its name, and stopped by Hostdeck.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LxcIT extends AppOnTestbed {

    private static final Pattern ROW = Pattern.compile(
            "<tr[^>]* data-id=\"((?:pid|net|mnt)-[0-9]+)\"[^>]*>(.*?)</tr>", Pattern.DOTALL);
    private static final String NAME = "hdlxc";

    @AfterAll
    void removeIt() {
        inTestbed("sh", "-c", "lxc-stop -n " + NAME + " -k 2>/dev/null; lxc-destroy -n " + NAME + " 2>/dev/null; true");
    }

    @Test
    void anLxcContainerIsListedAsLxcsUnderItsNameAndStops() throws Exception {
        Testbed.Result setup = Testbed.runOnHost(Duration.ofMinutes(10), "bash",
                Testbed.scriptsDir().resolve("lxc.sh").toString(), Long.toString(testbed().leaderPid()), NAME);
        assertThat(setup.exitCode()).as(setup.stdout() + setup.stderr()).isZero();
        assertThat(inTestbed("lxc-info", "-n", NAME, "-s", "-H")).isEqualTo("RUNNING");

        var operator = logIn("operator");
        String id = null;
        String row = "";
        for (int i = 0; i < 100 && id == null; i++) {
            Matcher m = ROW.matcher(operator.get("/containers").body());
            while (m.find()) {
                if (m.group(2).contains("<td class=\"runtime\">lxc</td>")) {
                    id = m.group(1);
                    row = m.group(2);
                }
            }
            Thread.sleep(200);
        }
        assertThat(id).as("listed as LXC's").isNotNull();
        assertThat(row).contains(NAME);

        String token = operator.pageToken("/containers/" + id);
        assertThat(operator.postForm("/containers/" + id + "/stop", "_csrf=" + URLEncoder.encode(token, StandardCharsets.UTF_8))
                .statusCode()).isEqualTo(302);
        String[] ended = ContainersIT.stopped(operator, id, 60);
        assertThat(ended[0]).as(ended[1]).isEqualTo("ended");
        assertThat(inTestbed("lxc-info", "-n", NAME, "-s", "-H")).as("LXC sees it stopped").isEqualTo("STOPPED");
    }
}
