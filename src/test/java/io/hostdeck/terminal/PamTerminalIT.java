package io.hostdeck.terminal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.hostdeck.support.AppOnTestbed;
import io.hostdeck.support.WebSession;
import io.hostdeck.testbed.Testbed;
import tools.jackson.databind.JsonNode;

/**
 * A PAM user's host shell runs as that account of the target: its uid, its groups, its home and
 * its login shell. The account logs in on this machine (an admin through the hostdeck-admin group)
 * and the testbed has an account of the same name, with a group of its own there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PamTerminalIT extends AppOnTestbed {

    private static final String USER = "hdterm-pam";
    private static final String PASSWORD = "Pam-terminal-5-correct";
    private static final Duration WAIT = Duration.ofSeconds(15);
    private boolean madeAdminGroup;

    @BeforeAll
    void makeAccounts() throws Exception {
        removeAccounts();
        if (host("getent", "group", "hostdeck-admin").exitCode() != 0) {
            ok(host("groupadd", "hostdeck-admin"));
            madeAdminGroup = true;
        }
        ok(host("useradd", "-M", "-N", "-s", "/usr/sbin/nologin", "-G", "hostdeck-admin", USER));
        Process p = new ProcessBuilder("chpasswd").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write((USER + ":" + PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        // on the target: the same name, another uid, a group of its own, a home and bash
        inTestbed("groupadd", "hdterm-crew");
        inTestbed("useradd", "-m", "-u", "1777", "-s", "/bin/bash", "-G", "hdterm-crew", USER);
    }

    @AfterAll
    void removeAccounts() {
        host("userdel", USER);
        if (madeAdminGroup) {
            host("groupdel", "hostdeck-admin");
        }
        testbed().exec(T, "userdel", "-r", USER);
        testbed().exec(T, "groupdel", "hdterm-crew");
    }

    @Test
    void aPamUsersShellRunsAsTheirAccountOnTheTarget() throws Exception {
        WebSession web = new WebSession(port);
        assertThat(web.login(USER, PASSWORD).headers().firstValue("Location")).hasValueSatisfying(
                l -> assertThat(l).doesNotContain("error"));
        try (TermClient t = new TermClient(web, "pam")) {
            t.open("host", "", 80, 24);
            JsonNode opened = t.awaitOpened();
            assertThat(opened.path("as").asString()).isEqualTo(USER);
            t.type("echo who=$(id -un) uid=$(id -u) groups=$(id -Gn | tr ' ' ,) home=$HOME cwd=$(pwd) shell=$SHELL end-$((3+4))\r");
            String out = t.awaitOutput("end-7", WAIT);
            String line = out.substring(out.lastIndexOf("who="));
            assertThat(line).contains("who=" + USER).contains("uid=1777").contains("hdterm-crew")
                    .contains("home=/home/" + USER).contains("cwd=/home/" + USER).contains("shell=/bin/bash");
            t.type("touch mine; stat -c owner=%U ~/mine; touch /root/not-mine 2>&1 | grep -c denied; echo done-$((1+1))\r");
            assertThat(t.awaitOutput("done-2", WAIT)).contains("owner=" + USER);
            assertThat(testbed().root().resolve("root/not-mine")).as("not root").doesNotExist();
        }
    }

    private static Testbed.Result host(String... argv) {
        return Testbed.runOnHost(Duration.ofSeconds(30), argv);
    }

    private static void ok(Testbed.Result r) {
        assertThat(r.exitCode()).as("%s", r.stderr()).isZero();
    }
}
