package io.hostdeck.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.hostdeck.support.AppOnTestbed;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Each action shows in /audit and in the testbed's journal with its structured fields. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditIT extends AppOnTestbed {

    private static final String UNIT = "hd-audit.service";

    @BeforeAll
    void install() throws Exception {
        Files.writeString(testbed().root().resolve("etc/systemd/system/" + UNIT),
                "[Service]\nExecStart=/bin/sleep infinity\n");
        ctl("daemon-reload");
    }

    @AfterAll
    void remove() throws Exception {
        ctl("stop", UNIT);
        Files.deleteIfExists(testbed().root().resolve("etc/systemd/system/" + UNIT));
        ctl("daemon-reload");
    }

    @Test
    void anActionIsInTheJournalWithItsFieldsInTheFileAndOnTheAuditPage() throws Exception {
        var operator = logIn("operator");
        String token = operator.pageToken("/services/" + UNIT);
        assertThat(operator.postForm("/services/" + UNIT + "/start", "_csrf=" + token).statusCode()).isEqualTo(302);

        String json = inTestbed("journalctl", "-o", "json", "--no-pager", "SYSLOG_IDENTIFIER=hostdeck",
                "HOSTDECK_TARGET=" + UNIT, "HOSTDECK_ACTION=start");
        assertThat(json).as("the journal's hostdeck entries for " + UNIT).isNotBlank();
        JsonNode e = JsonMapper.builder().build().readTree(json.lines().reduce((a, b) -> b).orElseThrow());
        assertThat(e.path("HOSTDECK_USER").asString()).isEqualTo("operator");
        assertThat(e.path("HOSTDECK_RESULT").asString()).isEqualTo("done");
        assertThat(e.path("HOSTDECK_ADDRESS").asString()).isEqualTo("127.0.0.1");
        assertThat(e.path("PRIORITY").asString()).isEqualTo("5");
        assertThat(e.path("MESSAGE").asString()).contains("operator start " + UNIT);

        assertThat(Files.readString(AUDIT_FILE)).contains("\"action\":\"start\"").contains("\"target\":\"" + UNIT + "\"");

        // every kind of action, by whoever may do it, and a refusal: each in the journal with its fields
        var admin0 = logIn("admin");
        String adminToken = admin0.pageToken("/services/" + UNIT);
        operator.postForm("/services/" + UNIT + "/kill", "_csrf=" + token + "&signal=SIGCONT");
        admin0.postForm("/services/" + UNIT + "/limits", "_csrf=" + adminToken + "&TasksMax=33&mode=runtime");
        operator.postForm("/services/" + UNIT + "/stop", "_csrf=" + token);
        admin0.postForm("/services/" + UNIT + "/limits", "_csrf=" + adminToken + "&TasksMax=12Q&mode=runtime");
        for (String[] expect : new String[][] { { "kill", "operator", "sent" }, { "set-limits", "admin", "done" },
            { "stop", "operator", "done" } }) {
            String found = inTestbed("journalctl", "-o", "json", "--no-pager", "SYSLOG_IDENTIFIER=hostdeck",
                    "HOSTDECK_TARGET=" + UNIT, "HOSTDECK_ACTION=" + expect[0]);
            assertThat(found).as(expect[0]).isNotBlank();
            JsonNode last = JsonMapper.builder().build().readTree(found.lines().reduce((a, b) -> b).orElseThrow());
            assertThat(last.path("HOSTDECK_USER").asString()).isEqualTo(expect[1]);
            assertThat(last.path("HOSTDECK_RESULT").asString()).isEqualTo(expect[2]);
        }
        String limits = inTestbed("journalctl", "-o", "json", "--no-pager", "HOSTDECK_ACTION=set-limits",
                "HOSTDECK_TARGET=" + UNIT);
        assertThat(limits).contains("TasksMax").contains("33");
        var admin = logIn("admin");
        String page = admin.get("/audit?action=start&target=" + UNIT).body();
        assertThat(page).contains("<td class=\"user\">operator</td>").contains("<td class=\"result\">done</td>");
        var badSince = admin.get("/audit?since=yesterday");
        assertThat(badSince.statusCode()).isEqualTo(400);
        assertThat(badSince.body()).contains("since");
        assertThat(admin.get("/audit?result=maybe").statusCode()).isEqualTo(400);
        assertThat(logIn("viewer").get("/audit").statusCode()).isEqualTo(403);
    }

    @Test
    void theAuditFileIsOwnerOnly() throws Exception {
        logIn("viewer"); // a login is a record too
        assertThat(Files.getPosixFilePermissions(AUDIT_FILE)).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }
}
