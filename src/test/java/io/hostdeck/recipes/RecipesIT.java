package io.hostdeck.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.hostdeck.host.TargetPath;
import io.hostdeck.testbed.Testbed;
import io.hostdeck.testbed.TestbedExtension;

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

    /**
     * The Kubernetes manifest gives the pod's journalctl only the journal's directories of the node
     * (TargetPath.JOURNAL, RUNTIME_JOURNAL). That this is enough for {@code journalctl --root}, as
     * Journal runs it: in the testbed, in a mount namespace of its own (gone with the command), a
     * root on a fresh tmpfs holding only those directories, bound read-only, shows an entry just
     * written to the testbed's journal.
     */
    @Test
    @ExtendWith(TestbedExtension.class)
    void journalctlReadsTheTargetsJournalFromItsJournalDirectoriesAlone(Testbed testbed) throws Exception {
        String marker = "hd-recipe-" + UUID.randomUUID();
        Testbed.Result logged = testbed.exec(Duration.ofSeconds(30), "systemd-cat", "--identifier=hd-recipe", "echo", marker);
        assertThat(logged.exitCode()).as(logged.stderr()).isZero();

        List<String> argv = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
                "mount -t tmpfs hd-recipe /mnt && root=/mnt/root && bound=0 &&"
                        + " for dir in \"$@\"; do if [ -d \"/$dir\" ]; then mkdir -p \"$root/$dir\" &&"
                        + " mount --bind -o ro \"/$dir\" \"$root/$dir\" && bound=$((bound + 1)) || exit 97; fi; done;"
                        + " [ $bound -gt 0 ] || exit 98;"
                        + " exec journalctl --root=\"$root\" --identifier=hd-recipe --output=cat --no-pager",
                "sh"));
        argv.add(TargetPath.JOURNAL.relative());
        argv.add(TargetPath.RUNTIME_JOURNAL.relative());
        Testbed.Result r = null;
        for (int i = 0; i < 50; i++) { // journald stores the line a moment after systemd-cat exits
            r = testbed.exec(Duration.ofSeconds(30), argv.toArray(String[]::new));
            if (r.exitCode() == 0 && r.stdout().contains(marker)) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains(marker);
    }
}
