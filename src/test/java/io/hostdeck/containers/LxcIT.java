package io.hostdeck.containers;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

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
        String[] found = ContainersIT.listedRow(operator, "<td class=\"runtime\">lxc</td>");
        String id = found == null ? null : found[0];
        String row = found == null ? "" : found[1];
        assertThat(id).as("listed as LXC's").isNotNull();
        assertThat(row).contains(NAME);

        String token = operator.pageToken("/containers/" + id);
        assertThat(operator.postForm("/containers/" + id + "/stop", "_csrf=" + URLEncoder.encode(token, StandardCharsets.UTF_8))
                .statusCode()).isEqualTo(302);
        String[] ended = ContainersIT.stopped(operator, id, 60);
        assertThat(ended[0]).as(ended[1]).isEqualTo("ended");
        String state = "";
        for (int i = 0; i < 50 && !state.equals("STOPPED"); i++) { // its monitor notices the init's end
            state = inTestbed("lxc-info", "-n", NAME, "-s", "-H");
            Thread.sleep(200);
        }
        assertThat(state).as("LXC sees it stopped").isEqualTo("STOPPED");
    }
}
