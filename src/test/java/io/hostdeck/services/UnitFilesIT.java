package io.hostdeck.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.hostdeck.support.AppOnTestbed;
import io.hostdeck.support.TestUsers;
import io.hostdeck.support.WebSession;
import io.hostdeck.testbed.Testbed;
import io.hostdeck.testbed.TestbedExtension;

/** New services from the form, overrides, deletion, and refusals, against the testbed's systemd and disk. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnitFilesIT extends AppOnTestbed {

    private static final String FOREIGN = "hd-foreign.service";

    private Testbed testbed;

    @BeforeAll
    void setUp(Testbed testbed) throws IOException {
        this.testbed = testbed;
        Files.writeString(unitDir().resolve(FOREIGN), "[Service]\nExecStart=/bin/sleep infinity\n");
        ctl("daemon-reload");
    }

    @AfterAll
    void tearDown() throws IOException {
        for (String unit : new String[] {"hd-new.service", "hd-bad.service", FOREIGN}) {
            ctl("disable", "--now", unit);
            Files.deleteIfExists(unitDir().resolve(unit));
            Files.deleteIfExists(unitDir().resolve(unit + ".d/override.conf"));
            Files.deleteIfExists(unitDir().resolve(unit + ".d"));
        }
        ctl("daemon-reload");
    }

    @Test
    void anAdminPreviewsCreatesEditsAndDeletesAService() throws IOException {
        var web = logIn("admin");
        Map<String, String> form = form("hd-new", "/bin/sleep 1000");
        form.put("MemoryMax", "64M");
        form.put("User", "nobody");

        var preview = web.postForm("/services/new", encode(web, form, "preview"));
        assertThat(preview.statusCode()).isEqualTo(200);
        assertThat(preview.body()).contains("id=\"preview\"").contains("ExecStart=/bin/sleep 1000")
                .contains("MemoryMax=64M").contains("WantedBy=multi-user.target");
        assertThat(unitDir().resolve("hd-new.service")).as("a preview writes nothing").doesNotExist();

        form.put("enable", "on");
        form.put("start", "on");
        var created = web.postForm("/services/new", encode(web, form, "create"));
        assertThat(created.statusCode()).isEqualTo(302);
        assertThat(created.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/services/hd-new.service"));
        Path file = unitDir().resolve("hd-new.service");
        assertThat(Files.readString(file)).startsWith("# Created by Hostdeck").contains("ExecStart=/bin/sleep 1000");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");
        assertThat(ctl("is-active", "hd-new.service")).isEqualTo("active");
        assertThat(ctl("is-enabled", "hd-new.service")).isEqualTo("enabled");
        assertThat(Files.readString(testbed.cgroupDir("memory").resolve("system.slice/hd-new.service/memory.limit_in_bytes")).strip())
                .isEqualTo(String.valueOf(64L << 20));
        assertThat(web.get("/services/hd-new.service").body()).contains("Created hd-new.service and started it.");

        // the edit form starts from what the unit has, so a blank field cannot change it by accident
        assertThat(web.get("/services/hd-new.service/edit").body()).containsPattern("id=\"f-User\" value=\"nobody\"|value=\"nobody\"[^>]*id=\"f-User\"");
        var edit = form(null, "/bin/sleep 2000");
        var saved = web.postForm("/services/hd-new.service/edit", encode(web, edit, "save"));
        assertThat(saved.statusCode()).isEqualTo(302);
        assertThat(Files.readString(unitDir().resolve("hd-new.service.d/override.conf")))
                .contains("ExecStart=\nExecStart=/bin/sleep 2000");
        ctl("restart", "hd-new.service");
        assertThat(ctl("show", "--property=ExecStart", "--value", "hd-new.service")).contains("argv[]=/bin/sleep 2000");
        assertThat(ctl("show", "--property=User", "--value", "hd-new.service")).as("a blank User keeps the unit's").isEqualTo("nobody");

        var deleted = web.postForm("/services/hd-new.service/delete", "_csrf=" + web.pageToken("/services"));
        assertThat(deleted.statusCode()).isEqualTo(302);
        assertThat(file).doesNotExist();
        assertThat(unitDir().resolve("hd-new.service.d")).doesNotExist();
        assertThat(ctl("is-active", "hd-new.service")).isEqualTo("inactive");
        assertThat(unitDir().resolve("multi-user.target.wants/hd-new.service")).doesNotExist();
    }

    @Test
    void badInputIs400NamingTheFieldAndWritesNothing() {
        var web = logIn("admin");
        String[][] cases = {
                {"ExecStart", "bin/sleep 1", "ExecStart"},
                {"ExecStart", "/bin/sh -c $HOME", "ExecStart"},
                {"ExecStart", "/usr/bin/../../bin/sh", "ExecStart"},
                {"Description", "probe\nExecStartPre=/bin/rm -rf /", "Description"},
                {"Description", "probe\u2028ExecStartPre=/bin/rm", "Description"},
                {"User", "root\n[Service]", "User"},
                {"MemoryMax", "12Q", "MemoryMax"},
                {"CPUQuota", "-5%", "CPUQuota"},
                {"RestartSec", "99999999d", "RestartSec"},
                {"WantedBy", "multi-user.target\nExecStart=/x", "WantedBy"},
                {"Name", "hd-bad\n", "Name"},
                {"Name", "../../etc/passwd", "Name"},
                {"Name", "hd-b\u0430d", "Name"},
        };
        for (String[] c : cases) {
            Map<String, String> form = form("hd-bad", "/bin/sleep 1");
            form.put(c[0], c[1]);
            var response = web.postForm("/services/new", encode(web, form, "create"));
            assertThat(response.statusCode()).as("%s=%s", c[0], c[1]).isEqualTo(400);
            assertThat(response.body()).as("%s=%s", c[0], c[1]).contains("id=\"form-problem\"").contains(">" + c[2] + ": ");
        }
        assertThat(unitDir().resolve("hd-bad.service")).doesNotExist();
    }

    @Test
    void aNameThatExistsIsAConflict() {
        var web = logIn("admin");

        var response = web.postForm("/services/new", encode(web, form("systemd-journald", "/bin/true"), "create"));

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(response.body()).contains("systemd-journald.service exists already");
    }

    @Test
    void aUnitHostdeckDidNotCreateIsNotDeleted() {
        var web = logIn("admin");

        var response = web.postForm("/services/" + FOREIGN + "/delete", "_csrf=" + web.pageToken("/services"));

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(response.body()).contains("not created by Hostdeck");
        assertThat(unitDir().resolve(FOREIGN)).exists();
    }

    @Test
    void anOperatorMayNotWriteUnitFiles() {
        var web = logIn("operator");
        String token = web.pageToken("/services");

        assertThat(web.get("/services/new").statusCode()).isEqualTo(403);
        assertThat(web.postForm("/services/new", encodeWith(token, form("hd-bad", "/bin/true"), "create")).statusCode()).isEqualTo(403);
        assertThat(web.postForm("/services/" + FOREIGN + "/edit", encodeWith(token, form(null, "/bin/true"), "save"))
                .statusCode()).isEqualTo(403);
        assertThat(web.postForm("/services/" + FOREIGN + "/delete", "_csrf=" + token).statusCode()).isEqualTo(403);
        assertThat(unitDir().resolve("hd-bad.service")).doesNotExist();
        assertThat(unitDir().resolve(FOREIGN + ".d")).doesNotExist();
    }

    private static Map<String, String> form(String name, String execStart) {
        Map<String, String> form = new LinkedHashMap<>();
        if (name != null) {
            form.put("Name", name);
        }
        form.put("Description", "Hostdeck form probe");
        form.put("ExecStart", execStart);
        form.put("Type", "simple");
        form.put("Restart", "on-failure");
        form.put("WantedBy", "multi-user.target");
        return form;
    }

    private static String encode(WebSession web, Map<String, String> form, String step) {
        return encodeWith(web.pageToken("/services"), form, step);
    }

    private static String encodeWith(String token, Map<String, String> form, String step) {
        return form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&")) + "&step=" + step + "&_csrf=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    }



    private Path unitDir() {
        return testbed.root().resolve("etc/systemd/system");
    }
}
