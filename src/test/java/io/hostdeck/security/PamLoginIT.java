package io.hostdeck.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;

import io.hostdeck.support.AppOnTestbed;
import io.hostdeck.support.WebSession;
import io.hostdeck.testbed.Testbed;

/**
 * PAM login with real accounts of this machine, which the test makes (groupadd, useradd, chpasswd)
 * and removes afterwards, also when a test fails; the role comes from the account's groups. Needs
 * root, like the rest of the integration tests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PamLoginIT extends AppOnTestbed {

    private static final String PASSWORD = "Pam-login-7-correct";
    private static final List<String> GROUPS = List.of("hostdeck-admin", "hostdeck-operator", "hostdeck-viewer",
            "hdpam-app-ops");
    private static final List<String> USERS = List.of("hdpam-op", "hdpam-none", "hdpam-expired", "hdpam-locked",
            "hdpam-app");
    private final List<String> madeGroups = new ArrayList<>();

    @Autowired
    LoginThrottle throttle;

    @BeforeAll
    void makeAccounts() throws Exception {
        removeUsers(); // what a killed earlier run left
        for (String g : GROUPS) {
            if (host("getent", "group", g).exitCode() != 0) {
                ok(host("groupadd", g));
                madeGroups.add(g);
            }
        }
        ok(host("useradd", "-M", "-N", "-s", "/usr/sbin/nologin", "-G", "hostdeck-operator", "hdpam-op"));
        ok(host("useradd", "-M", "-N", "-s", "/usr/sbin/nologin", "hdpam-none"));
        ok(host("useradd", "-M", "-N", "-s", "/usr/sbin/nologin", "-G", "hostdeck-operator", "hdpam-expired"));
        ok(host("useradd", "-M", "-N", "-s", "/usr/sbin/nologin", "-G", "hostdeck-admin", "hdpam-locked"));
        ok(host("useradd", "-M", "-N", "-s", "/usr/sbin/nologin", "-G", "hdpam-app-ops", "hdpam-app"));
        chpasswd(USERS);
        ok(host("chage", "-E", "0", "hdpam-expired")); // expired on 1970-01-01
        ok(host("usermod", "-L", "hdpam-locked"));
    }

    @AfterAll
    void removeAccounts() {
        removeUsers();
        for (String g : madeGroups) {
            host("groupdel", g);
        }
    }

    @AfterEach
    void noLockoutLeftBehind() {
        throttle.clear(); // every test logs in from 127.0.0.1
    }

    @Test
    void anAccountInTheOperatorGroupLogsInAsOperator() {
        var web = new WebSession(port);
        var response = web.login("hdpam-op", PASSWORD);
        assertThat(response.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).doesNotContain("error"));
        String home = web.get("/").body();
        assertThat(home).contains("<span>hdpam-op</span>").contains("<span class=\"role\">operator</span>");
        assertThat(web.get("/audit").statusCode()).as("not an admin").isEqualTo(403);
    }

    @Test
    void aScopedGroupGivesARoleOverItsUnitsOnly() {
        var web = new WebSession(port);
        var response = web.login("hdpam-app", PASSWORD);
        assertThat(response.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).doesNotContain("error"));
        assertThat(web.get("/services/hd-app-x.service").statusCode()).as("in scope (no such unit: not a 403)")
                .isNotEqualTo(403);
        var outside = web.get("/services/ssh.service");
        assertThat(outside.statusCode()).isEqualTo(403);
        assertThat(outside.body()).contains("hd-app-*.service");
        assertThat(web.get("/containers").statusCode()).isEqualTo(403);
    }

    @Test
    void aWrongPasswordAnExpiredALockedAndARolelessAccountAreRefusedEachWithItsMessage() {
        assertThat(failedLogin("hdpam-op", "wrong password")).contains("Wrong user name or password.");
        assertThat(failedLogin("hdpam-locked", PASSWORD)).as("locked: PAM never checks the password")
                .contains("Wrong user name or password.");
        assertThat(failedLogin("hdpam-expired", PASSWORD)).contains("expired");
        assertThat(failedLogin("hdpam-none", PASSWORD)).contains("in none of the groups")
                .contains("hostdeck-admin, hostdeck-operator, hostdeck-viewer");

        var admin = logIn("admin");
        String audit = admin.get("/audit?action=login&result=failed").body();
        assertThat(audit).contains("hdpam-expired").contains("hdpam-none").contains("hdpam-locked");
        String ok = admin.get("/audit?action=login&result=ok&user=admin").body();
        assertThat(ok).contains("success: admin");
    }

    @Test
    void fiveFailuresLockTheUserOutEvenWithTheRightPasswordAndTheAuditTrailSaysSo() {
        for (int i = 0; i < LoginThrottle.FREE_FAILURES; i++) {
            assertThat(failedLogin("hdpam-op", "wrong " + i)).contains("Wrong user name or password.");
        }
        long started = System.nanoTime();
        assertThat(failedLogin("hdpam-op", PASSWORD)).contains("Too many failed logins").contains("try again in");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("refused without asking PAM")
                .isLessThan(Duration.ofSeconds(1));
        throttle.clear();
        var admin = logIn("admin");
        assertThat(admin.get("/audit?user=hdpam-op&action=login").body()).contains("locked out for 30 s")
                .contains("refused: locked out");
    }

    /** The login page's message after a failed login. */
    private String failedLogin(String user, String password) {
        var web = new WebSession(port);
        var response = web.login(user, password);
        assertThat(response.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).contains("/login?error"));
        return web.get("/login?error").body();
    }

    private static void removeUsers() {
        for (String u : USERS) {
            host("userdel", u);
        }
    }

    private static Testbed.Result host(String... argv) {
        return Testbed.runOnHost(Duration.ofSeconds(30), argv);
    }

    private static void ok(Testbed.Result r) {
        assertThat(r.exitCode()).as("%s", r.stderr()).isZero();
    }

    private static void chpasswd(List<String> users) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("chpasswd").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            for (String u : users) {
                in.write((u + ":" + PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
