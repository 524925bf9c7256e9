package io.hostdeck.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.hostdeck.testbed.Testbed;

/**
 * The deployment recipes are checked by the tools that read them: systemd's own verifier for
 * packaging/hostdeck.service (as on the machine that would run it: its systemd and Java), and
 * Debian's docker-compose, which parses and checks docker-compose.yml with no Docker engine.
 */
class RecipesIT {

    @Test
    void theSystemdUnitPassesSystemdAnalyzeVerifyWithoutAWarning() {
        Testbed.Result r = Testbed.runOnHost(Duration.ofSeconds(60), "systemd-analyze", "verify", "packaging/hostdeck.service");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout() + r.stderr()).as("no warning either").isBlank();
    }

    @Test
    void theComposeFileParsesAndKeepsTheHostsPidNamespaceAndReadOnlyRoot() {
        Testbed.Result prepared = Testbed.runOnHost(Duration.ofMinutes(5), "bash", "src/test/recipes/prepare.sh");
        assertThat(prepared.exitCode()).as(prepared.stderr()).isZero();
        Testbed.Result r = Testbed.runOnHost(Duration.ofSeconds(60), prepared.stdout().strip(), "-f", "docker-compose.yml",
                "config");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("pid: host").contains("target: /host").contains("read_only: true")
                .contains("HOSTDECK_HOST_ROOT: /host").contains("/etc/pam.d/hostdeck");
    }
}
