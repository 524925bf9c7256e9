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
 * A host without systemd on its bus (as this development machine, whose PID 1 is not systemd):
 * the app starts, and the home page says what is missing and where it looked, while showing
 * what it can read.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class NoSystemdTest {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("hostdeck.users-file", () -> TestUsers.write().toString());
        registry.add("hostdeck.host.bus", () -> "unix:path=" + dir.resolve("no-bus-here"));
    }

    @LocalServerPort
    int port;

    @Test
    void theHomePageExplainsThatSystemdIsMissingAndWhere() {
        var web = new WebSession(port);
        web.login("viewer", TestUsers.PASSWORD);

        var page = web.get("/");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"systemd-problem\"")
                .contains("systemd is not available.")
                .contains("no systemd on the system bus at unix:path=" + dir.resolve("no-bus-here"))
                .contains("No such file or directory")
                .doesNotContain("id=\"systemd-version\"");
        // the parts that do not need systemd are still shown
        assertThat(page.body()).containsPattern("id=\"kernel\">[0-9]+\\.[0-9]+");
    }
}
