package io.hostdeck.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.hostdeck.support.TestUsers;
import io.hostdeck.support.WebSession;

/**
 * A target root with neither systemd nor a journal: every page that needs one says so the same
 * way (what is missing, why, what to set), instead of a raw error, an empty list or a "following"
 * that follows nothing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EmptyHostTest {

    @TempDir
    static Path root;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("hostdeck.users-file", () -> TestUsers.write().toString());
        registry.add("hostdeck.host.root", root::toString);
    }

    @LocalServerPort
    int port;

    @Test
    void servicesAndHomeSayTheSameAboutAMissingSystemd() {
        var web = new WebSession(port);
        web.login("viewer", TestUsers.PASSWORD);

        for (String page : new String[] {"/", "/services"}) {
            var response = web.get(page);
            assertThat(response.statusCode()).as(page).isEqualTo(200);
            assertThat(response.body()).as(page).contains("<strong>systemd is not available.</strong>")
                    .contains("Point Hostdeck at it with");
        }
    }

    @Test
    void logsSayThereIsNoJournalAndFollowNothing() {
        var web = new WebSession(port);
        web.login("viewer", TestUsers.PASSWORD);

        var logs = web.get("/logs");

        assertThat(logs.statusCode()).isEqualTo(200);
        assertThat(logs.body()).contains("<strong>The journal is not available.</strong>")
                .contains("no journal files under " + root.resolve("var/log/journal"))
                .doesNotContain("id=\"follow-state\"").doesNotContain("data-follow=").doesNotContain("No entries match");
    }
}
