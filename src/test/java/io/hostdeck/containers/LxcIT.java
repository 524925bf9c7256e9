package io.hostdeck.containers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.hostdeck.support.AppOnTestbed;
import io.hostdeck.testbed.Testbed;

/**
 * A real LXC container (Debian's lxc, the busybox template, lxc-start) under the testbed's
 * systemd: found from the kernel's view as LXC's, under its name, with its processes and its own
 * cgroup. (Not stopped from here: a SIGTERM to the busybox template's init is a reboot for it, and
 * LXC starts a rebooted container again; the README says so.)
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

        var page = operator.get("/containers/" + id);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).as("its page: LXC's, its processes, its own cgroup").contains("lxc").contains(NAME)
                .contains("lxc.payload." + NAME).contains("syslogd");
    }
}
