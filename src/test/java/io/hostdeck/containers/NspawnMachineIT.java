package io.hostdeck.containers;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.hostdeck.support.AppOnTestbed;

/**
 * A systemd-nspawn machine under the testbed's systemd, registered with systemd-machined as
 * nspawn does on a host (machine-NAME.scope under machine.slice): listed as nspawn's under its
 * machinectl name, and stopped by Hostdeck (its PID 1, sleep, ignores SIGTERM) within 10 s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NspawnMachineIT extends AppOnTestbed {

    private static final String UNIT = "hd-nspawn-bbm.service";

    @AfterAll
    void stopIt() {
        inTestbed("systemctl", "kill", "--signal=SIGKILL", UNIT);
        inTestbed("systemctl", "stop", UNIT);
        inTestbed("systemctl", "reset-failed", UNIT);
    }

    @Test
    void anNspawnMachineIsListedUnderItsNameAndStops() throws Exception {
        // the smallest machine: a static busybox
        Path dir = testbed().root().resolve("var/lib/machines/bbm");
        Files.createDirectories(dir.resolve("bin"));
        // nspawn wants an OS tree: /usr and an os-release
        for (String d : new String[] {"proc", "sys", "dev", "etc", "tmp", "run", "usr/lib"}) {
            Files.createDirectories(dir.resolve(d));
        }
        Files.copy(Path.of("/bin/busybox"), dir.resolve("bin/busybox"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        dir.resolve("bin/busybox").toFile().setExecutable(true);
        for (String c : new String[] {"sh", "sleep", "hostname"}) {
            Files.deleteIfExists(dir.resolve("bin/" + c));
            Files.createSymbolicLink(dir.resolve("bin/" + c), Path.of("busybox"));
        }
        Files.writeString(dir.resolve("usr/lib/os-release"), "ID=busybox\n");
        inTestbed("systemd-run", "--unit=" + UNIT, "systemd-nspawn", "--quiet", "--register=yes", "-M", "bbm",
                "-D", "/var/lib/machines/bbm", "/bin/sleep", "1015");
        var operator = logIn("operator");
        String[] found = ContainersIT.listedRow(operator, "sleep 1015");
        String id = found == null ? null : found[0];
        String row = found == null ? "" : found[1];
        assertThat(id).as("listed; the unit: " + inTestbed("systemctl", "status", "--no-pager", UNIT)).isNotNull();
        assertThat(row).contains("<td class=\"runtime\">nspawn</td>").contains(">bbm</a>");
        assertThat(inTestbed("machinectl", "list", "--no-legend")).contains("bbm");

        String token = operator.pageToken("/containers/" + id);
        assertThat(operator.postForm("/containers/" + id + "/stop", "_csrf=" + URLEncoder.encode(token, StandardCharsets.UTF_8))
                .statusCode()).isEqualTo(302);
        String[] ended = ContainersIT.stopped(operator, id, 60);
        assertThat(ended[0]).as(ended[1]).isEqualTo("ended");
        assertThat(ended[1]).as("through its scope, or its init SIGKILLed after 10 s").containsAnyOf("unit machine-bbm.scope", "by sigkill");
        assertThat(inTestbed("sh", "-c", "pgrep -f '^/bin/sleep 1015$' || true")).as("no process left").isEmpty();
    }
}
