package io.hostdeck.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.hostdeck.support.AppOnTestbed;
import io.hostdeck.support.WebSession;

/**
 * Every endpoint for every role: below its role a request gets 403 and the testbed is unchanged;
 * at or above it, it is served (whatever else it answers, never 403).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoleMatrixIT extends AppOnTestbed {

    private static final String PROBE = "hd-roles.service";
    private static final List<String> ROLES = List.of("viewer", "operator", "admin");

    /** An endpoint and the least role that may use it. */
    record Endpoint(String method, String path, String form, String role) {
    }

    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("GET", "/", null, "viewer"),
            new Endpoint("GET", "/services", null, "viewer"),
            new Endpoint("GET", "/services/" + PROBE, null, "viewer"),
            new Endpoint("GET", "/cgroups", null, "viewer"),
            new Endpoint("GET", "/cgroups/system.slice", null, "viewer"),
            new Endpoint("GET", "/logs?unit=" + PROBE, null, "viewer"),
            new Endpoint("GET", "/services/" + PROBE + "/logs", null, "viewer"),
            new Endpoint("GET", "/containers", null, "viewer"),
            new Endpoint("GET", "/namespaces", null, "viewer"),
            new Endpoint("GET", "/about", null, "viewer"),
            new Endpoint("GET", "/services/new", null, "admin"),
            new Endpoint("GET", "/services/" + PROBE + "/edit", null, "admin"),
            new Endpoint("GET", "/audit", null, "admin"),
            new Endpoint("GET", "/sessions", null, "admin"),
            new Endpoint("POST", "/services/" + PROBE + "/restart", "", "operator"),
            new Endpoint("POST", "/services/" + PROBE + "/kill", "signal=SIGCONT", "operator"),
            new Endpoint("POST", "/services/" + PROBE + "/reset-failed", "", "operator"),
            new Endpoint("POST", "/containers/pid-1/stop", "", "operator"),
            new Endpoint("POST", "/containers/pid-1/freeze", "", "operator"),
            new Endpoint("POST", "/services/" + PROBE + "/limits", "TasksMax=77&mode=runtime", "admin"),
            new Endpoint("POST", "/services/" + PROBE + "/enable", "", "admin"),
            new Endpoint("POST", "/services/" + PROBE + "/disable", "", "admin"),
            new Endpoint("POST", "/services/daemon-reload", "", "admin"),
            new Endpoint("POST", "/services/new", "Name=hd-roles-new&Type=simple&Restart=no&ExecStart=" + enc("/bin/true"), "admin"),
            new Endpoint("POST", "/cgroups/limits", "path=" + enc("/system.slice/" + PROBE) + "&MemoryMax=1G", "admin"),
            new Endpoint("POST", "/containers/pid-1/exec", "command=id", "admin"),
            new Endpoint("POST", "/sessions/0123456789abcdef/end", "", "admin"));

    @BeforeAll
    void probe() throws Exception {
        Files.writeString(testbed().root().resolve("etc/systemd/system/" + PROBE),
                "[Service]\nExecStart=/bin/sleep infinity\n[Install]\nWantedBy=multi-user.target\n");
        ctl("daemon-reload");
        ctl("start", PROBE);
    }

    @AfterAll
    void remove() throws Exception {
        ctl("disable", "--now", PROBE);
        Files.deleteIfExists(testbed().root().resolve("etc/systemd/system/" + PROBE));
        ctl("daemon-reload");
    }

    @Test
    void belowItsRoleEveryEndpointIs403AndChangesNothingAtOrAboveItIsServed() {
        for (String role : ROLES) {
            WebSession web = logIn(role);
            String token = web.pageToken("/");
            for (Endpoint e : ENDPOINTS) {
                boolean allowed = ROLES.indexOf(role) >= ROLES.indexOf(e.role());
                String before = allowed ? null : state();
                HttpResponse<String> r = e.method().equals("GET") ? web.get(e.path())
                        : web.postForm(e.path(), (e.form().isEmpty() ? "" : e.form() + "&") + "_csrf=" + enc(token));
                if (allowed) {
                    assertThat(r.statusCode()).as("%s may %s %s", role, e.method(), e.path()).isNotEqualTo(403)
                            .isLessThan(500);
                } else {
                    assertThat(r.statusCode()).as("%s may not %s %s", role, e.method(), e.path()).isEqualTo(403);
                    assertThat(state()).as("unchanged after %s's %s %s", role, e.method(), e.path()).isEqualTo(before);
                }
            }
        }
        assertThat(ctl("show", PROBE, "-p", "TasksMax", "--value")).as("the admin's limit took").isEqualTo("77");
    }

    private String state() {
        return inTestbed("sh", "-c", "ls -la /etc/systemd/system /run/systemd/system 2>&1; systemctl show " + PROBE
                + " -p ActiveState -p MainPID -p TasksMax -p UnitFileState -p NRestarts");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
