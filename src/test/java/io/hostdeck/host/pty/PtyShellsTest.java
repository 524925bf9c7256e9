package io.hostdeck.host.pty;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whose shell a host terminal is: the target's passwd entry, and the argument array that becomes it. */
class PtyShellsTest {

    @TempDir
    Path proc;

    @Test
    void anAccountComesFromTheTargetsOwnPasswdFile() throws Exception {
        Path passwd = proc.resolve("passwd");
        Files.writeString(passwd, "root:x:0:0:root:/root:/bin/bash\nalice:x:1001:1002:Alice,,,:/home/alice:/bin/zsh\n"
                + "svc:x:998:998::/nonexistent:/usr/sbin/nologin\nbroken:x:abc:1::/:/bin/sh\n");
        assertThat(TargetAccount.find(passwd, "alice")).contains(new TargetAccount("alice", 1001, 1002, "/home/alice", "/bin/zsh"));
        assertThat(TargetAccount.find(passwd, "svc").orElseThrow().mayNotLogIn()).isTrue();
        assertThat(TargetAccount.find(passwd, "root").orElseThrow().mayNotLogIn()).isFalse();
        assertThat(TargetAccount.find(passwd, "nobody-here")).isEmpty();
        assertThat(TargetAccount.find(passwd, "broken")).as("a uid that is not a number").isEmpty();
        assertThat(TargetAccount.find(passwd, "../alice")).as("not a user name").isEmpty();
        assertThat(TargetAccount.find(passwd, "alice:x")).isEmpty();
    }

    @Test
    void aHostShellEntersPidOnesNamespacesAndTakesTheAccountsIdentityWithItsOwnSetpriv() throws Exception {
        Path init = proc.resolve("1");
        Files.createDirectories(init.resolve("ns"));
        for (String ns : List.of("mnt", "uts", "ipc", "net", "pid", "cgroup")) {
            Files.createFile(init.resolve("ns").resolve(ns));
        }
        Files.createDirectories(init.resolve("root/home/alice"));
        List<String> argv = PtyShells.hostArgv(proc, new TargetAccount("alice", 1001, 1002, "/home/alice", "/bin/zsh"));
        assertThat(argv).containsExactly("nsenter", "--mount=" + init.resolve("ns/mnt"), "--uts=" + init.resolve("ns/uts"),
                "--ipc=" + init.resolve("ns/ipc"), "--net=" + init.resolve("ns/net"), "--pid=" + init.resolve("ns/pid"),
                "--cgroup=" + init.resolve("ns/cgroup"), "--root=" + init.resolve("root"),
                "--wd=" + init.resolve("root/home/alice"), "--", "setpriv", "--reuid=1001", "--regid=1002", "--init-groups",
                "--reset-env", "--", "/bin/zsh", "-l");
        // no home on the target: the shell starts at its root
        List<String> homeless = PtyShells.hostArgv(proc, new TargetAccount("bob", 1003, 1003, "/home/bob", "/bin/sh"));
        assertThat(homeless).contains("--wd=" + init.resolve("root"));
    }
}
