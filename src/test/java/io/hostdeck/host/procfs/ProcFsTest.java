package io.hostdeck.host.procfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.hostdeck.host.HostProperties;
import io.hostdeck.host.HostUnavailableException;

class ProcFsTest {

    @Test
    void readsTheInodeOfANamespaceLink() {
        assertThat(ProcFs.parseNamespaceLink("pid:[4026531836]")).hasValue(4026531836L);
        assertThat(ProcFs.parseNamespaceLink("pid:[]")).isEmpty();
        assertThat(ProcFs.parseNamespaceLink("socket:[x]")).isEmpty();
        assertThat(ProcFs.parseNamespaceLink("/dev/null")).isEmpty();
    }

    @Test
    void countsEveryPidNamespaceOtherThanInitsOnce(@TempDir Path root) throws Exception {
        process(root, 1, 100);
        process(root, 2, 100);
        process(root, 40, 200);   // container A: init
        process(root, 41, 200);   //   and a child
        process(root, 77, 300);   // container B
        Files.createDirectories(root.resolve("proc/self"));   // not a PID: ignored
        Files.createDirectories(root.resolve("proc/99/ns"));   // vanished mid-scan: no ns link

        var procFs = new ProcFs(new HostProperties(root.toString(), null));

        assertThat(procFs.foreignPidNamespaces()).containsExactlyInAnyOrder(200L, 300L);
    }

    @Test
    void saysWhatIsMissingWhenThereIsNoProcfs(@TempDir Path root) {
        var procFs = new ProcFs(new HostProperties(root.toString(), null));

        assertThatThrownBy(procFs::foreignPidNamespaces).isInstanceOf(HostUnavailableException.class)
                .hasMessage("no procfs at " + root.resolve("proc") + " (" + root.resolve("proc/1/ns/pid") + " is missing)");
        assertThatThrownBy(procFs::kernelRelease).hasMessage("no procfs at " + root.resolve("proc"));
    }

    @Test
    void theKernelsHostnameIsTheTargetsOnlyInTheTargetsUtsNamespace(@TempDir Path root) throws Exception {
        process(root, 1, 100);
        Files.createSymbolicLink(root.resolve("proc/1/ns/uts"), Path.of("uts:[1]")); // not ours
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/hostname"), "db-7\n");

        var procFs = new ProcFs(new HostProperties(root.toString(), null));

        assertThat(procFs.kernelHostname()).isEmpty();
        assertThat(procFs.configuredHostname()).contains("db-7");
    }

    private static void process(Path root, int pid, long pidNs) throws Exception {
        Path ns = Files.createDirectories(root.resolve("proc/" + pid + "/ns"));
        Files.createSymbolicLink(ns.resolve("pid"), Path.of("pid:[" + pidNs + "]"));
    }
}
