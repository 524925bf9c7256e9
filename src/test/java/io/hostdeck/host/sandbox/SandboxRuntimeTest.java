package io.hostdeck.host.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.hostdeck.error.ConflictException;
import io.hostdeck.host.HostProperties;
import io.hostdeck.host.sandbox.SandboxRuntime.Request;

/**
 * The launcher's command line, what the target must have for it, and the launcher itself run on
 * this machine (as root, as Hostdeck runs): the namespaces made, the host name and uid map set,
 * the command PID 1, and a missing command reported by the launcher's exit.
 */
class SandboxRuntimeTest {

    @TempDir
    Path root;

    private void onTarget(String path) throws Exception {
        Path p = root.resolve(path.substring(1));
        Files.createDirectories(p.getParent());
        Files.writeString(p, "");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private SandboxRuntime target() {
        return new SandboxRuntime(new HostProperties(root.toString(), ""));
    }

    @Test
    void theNamespacesAreMadeByUnshareAndTheRestIsAFixedScriptWithTheRequestAsArguments() throws Exception {
        onTarget("/bin/sh");
        onTarget("/usr/bin/unshare");
        onTarget("/usr/bin/nsenter");
        onTarget("/bin/hostname");
        SandboxRuntime.Launch launch = target().command(new Request(List.of("pid", "net", "mnt", "uts", "user"), "box1",
                new long[] {0, 100000, 65536}, List.of("hd-command", "$(reboot)")));
        List<String> argv = launch.argv();
        assertThat(argv.subList(0, 5)).containsExactly("/usr/bin/unshare", "--net", "--mount", "--uts", "--");
        assertThat(argv.subList(5, 8)).as("the script comes on standard input").containsExactly("/bin/sh", "-s", "--");
        assertThat(new String(launch.standardInput(), StandardCharsets.UTF_8)).isEqualTo(SandboxRuntime.SCRIPT)
                .as("the script holds nothing of the request").doesNotContain("box1", "100000", "hd-command", "reboot");
        assertThat(argv.subList(8, argv.size())).containsExactly("box1", "0 100000 65536", "pid", "",
                "/usr/bin/unshare", "/usr/bin/nsenter", "/bin/hostname", "hd-command", "\\0044(reboot)");
        // a user namespace's only step is the holder: no namespace for unshare to make first
        assertThat(target().command(new Request(List.of("user"), null, new long[] {0, 1000, 1}, List.of("true"))).argv())
                .startsWith("/bin/sh", "-s", "--");
    }

    @Test
    void theCommandLineHoldsNothingSystemdWouldExpandOrReadBackWrong() throws Exception {
        onTarget("/bin/sh");
        onTarget("/usr/bin/unshare");
        List<String> argv = target().command(new Request(List.of("pid"), null, null,
                List.of("sh", "-c", "echo $HOME ${X} $$;id", "\\0044", ";"))).argv();
        for (String a : argv) {
            assertThat(a).as("systemd 252 writes $ and ; as \\$ and \\; and reads those back as they are")
                    .doesNotContain("$", ";");
        }
        assertThat(argv.subList(argv.size() - 5, argv.size())).containsExactly("sh", "-c",
                "echo \\0044HOME \\0044{X} \\0044\\0044\\0073id", "\\01340044", "\\0073");
        assertThat(SandboxRuntime.STAGE2).as("it travels single-quoted in the script").doesNotContain("'");
    }

    @Test
    void aTargetWithoutTheToolsIsToldWhatItLacks() throws Exception {
        onTarget("/bin/sh");
        assertThatThrownBy(() -> target().command(new Request(List.of("pid"), null, null, List.of("true"))))
                .isInstanceOf(ConflictException.class).hasMessageContaining("unshare (util-linux)")
                .hasMessageNotContaining("nsenter").hasMessageNotContaining("hostname");
        onTarget("/usr/sbin/unshare");
        assertThat(target().command(new Request(List.of("pid"), null, null, List.of("true"))).argv())
                .contains("/usr/sbin/unshare");
        assertThatThrownBy(() -> target().command(new Request(List.of("uts", "user"), "box", new long[] {0, 100000, 1},
                List.of("true")))).isInstanceOf(ConflictException.class)
                .hasMessageContaining("nsenter (util-linux), for a user namespace").hasMessageContaining("hostname, for a host name");
    }

    @Test
    void aRequestTakesOnlyWhatTheLauncherKnows() {
        assertThat(new Request(List.of("pid", "mnt"), null, null, List.of("x")).freshProc()).isTrue();
        assertThat(new Request(List.of("pid", "mnt", "user"), null, new long[] {0, 1, 1}, List.of("x")).freshProc()).isFalse();
        assertThat(new Request(List.of("pid", "net", "cgroup", "ipc"), null, null, List.of("x")).firstNamespaces())
                .containsExactly("--net", "--cgroup", "--ipc");
        assertThatThrownBy(() -> new Request(List.of("pid", "time"), null, null, List.of("x"))).hasMessageContaining("'time'");
        assertThatThrownBy(() -> new Request(List.of("pid"), "x", null, List.of("x"))).hasMessageContaining("UTS");
        assertThatThrownBy(() -> new Request(List.of("user"), null, null, List.of("x"))).hasMessageContaining("uid map");
        assertThatThrownBy(() -> new Request(List.of("pid"), null, null, List.of())).hasMessageContaining("no command");
        assertThatThrownBy(() -> new Request(List.of(), null, null, List.of("x"))).hasMessageContaining("no namespace");
    }

    /**
     * Runs the launcher on this machine, its script on its standard input as systemd gives it; its
     * exit code, and its output in {@code log}.
     */
    private static int launch(Request request, Path log) throws Exception {
        SandboxRuntime.Launch launch = new SandboxRuntime(new HostProperties("/", "")).command(request);
        Path script = Files.write(log.resolveSibling(log.getFileName() + ".script"), launch.standardInput());
        Process p = new ProcessBuilder(launch.argv()).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(script.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the launcher exits").isTrue();
        return p.exitValue();
    }

    /** Waits for the sandboxed probe's report (it runs on after the launcher exits). */
    private static List<String> report(Path file) throws Exception {
        for (int i = 0; i < 600 && !Files.exists(file.resolveSibling(file.getFileName() + ".done")); i++) {
            Thread.sleep(50);
        }
        assertThat(file.resolveSibling(file.getFileName() + ".done")).as("the probe ran").exists();
        return Files.readAllLines(file);
    }

    /** A command that writes what it sees to {@code out}, then {@code out}.done. */
    private static List<String> probe(Path out) {
        return List.of("/bin/sh", "-c", "{ echo \"pid $$\"; hostname; cat /proc/self/uid_map; ls /proc | grep -c '^[0-9]';"
                + " for t in pid net mnt uts ipc cgroup user; do readlink /proc/self/ns/$t; done; stat -L -c %F:%t:%T /proc/self/fd/0; }"
                + " > \"$0\"; touch \"$0.done\"", out.toString());
    }

    private static List<String> ownNamespaces() throws Exception {
        List<String> ns = new ArrayList<>();
        for (String t : List.of("pid", "net", "mnt", "uts", "ipc", "cgroup", "user")) {
            ns.add(Files.readSymbolicLink(Path.of("/proc/self/ns/" + t)).toString());
        }
        return ns;
    }

    @Test
    void theLauncherMakesEveryNamespaceSetsTheHostNameAndStartsTheCommandAsPidOne() throws Exception {
        Path out = root.resolve("probe");
        int exit = launch(new Request(List.of("pid", "net", "mnt", "uts", "ipc", "cgroup"), "hdbox", null, probe(out)),
                root.resolve("log"));
        assertThat(exit).as(Files.readString(root.resolve("log"))).isZero();
        assertThat(Files.readString(root.resolve("log"))).contains("hostdeck-sandbox: started /bin/sh -c");
        List<String> seen = report(out);
        assertThat(seen.get(0)).isEqualTo("pid 1");
        assertThat(seen.get(1)).isEqualTo("hdbox");
        assertThat(Integer.parseInt(seen.get(3))).as("a /proc of its own: only the probe and its children").isLessThan(5);
        List<String> host = ownNamespaces();
        for (int i = 0; i < 6; i++) {
            assertThat(seen.get(4 + i)).as("a new namespace, not this process's").isNotEqualTo(host.get(i));
        }
        assertThat(seen.get(10)).as("no user namespace asked for").isEqualTo(host.get(6));
        assertThat(seen.get(11)).as("the command reads /dev/null (device 1:3), not the launcher's script")
                .isEqualTo("character special file:1:3");
    }

    @Test
    void theCommandGetsItsArgumentsExactlyWhateverTheyHold() throws Exception {
        Path out = root.resolve("args");
        List<String> args = List.of("$HOME", "${PATH}", "$$", "a;b", ";", "\\", "\\0044", "\\c", "%n", "", "'\"", "-n");
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c",
                "f=$1; shift; for a; do printf '<%s>\\n' \"$a\"; done > \"$f\"; touch \"$f.done\"", "sh", out.toString()));
        command.addAll(args);
        int exit = launch(new Request(List.of("pid", "net"), null, null, command), root.resolve("log"));
        assertThat(exit).as(Files.readString(root.resolve("log"))).isZero();
        assertThat(report(out)).containsExactlyElementsOf(args.stream().map(a -> "<" + a + ">").toList());
    }

    @Test
    void withAUserNamespaceRootInsideIsTheMappedUidAndTheHolderIsGone() throws Exception {
        Path shared = Files.createDirectories(root.resolve("shared"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path out = shared.resolve("probe");
        int exit = launch(new Request(List.of("pid", "net", "uts", "user"), "hduser", new long[] {0, 100000, 65536},
                probe(out)), root.resolve("log"));
        assertThat(exit).as(Files.readString(root.resolve("log"))).isZero();
        List<String> seen = report(out);
        assertThat(seen.get(0)).isEqualTo("pid 1");
        assertThat(seen.get(1)).isEqualTo("hduser");
        assertThat(seen.get(2).trim().split("\\s+")).containsExactly("0", "100000", "65536");
        assertThat(seen.get(10)).as("a user namespace of its own").isNotEqualTo(ownNamespaces().get(6));
        assertThat(Files.getAttribute(out, "unix:uid")).as("written by uid 100000 outside").isEqualTo(100000);
        List<String> inIt = inUserNamespace(seen.get(10));
        for (int i = 0; i < 200 && !inIt.isEmpty(); i++) { // the probe's shell ends right after its report
            Thread.sleep(50);
            inIt = inUserNamespace(seen.get(10));
        }
        assertThat(inIt).as("the probe has ended: nothing, not the holder, is left in its user namespace").isEmpty();
    }

    /** The command lines of the processes in user namespace {@code ns}. */
    private static List<String> inUserNamespace(String ns) throws Exception {
        List<String> in = new ArrayList<>();
        try (var pids = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path pid : pids) {
                try {
                    if (Files.readSymbolicLink(pid.resolve("ns/user")).toString().equals(ns)) {
                        in.add(pid.getFileName() + " " + Files.readString(pid.resolve("cmdline")).replace('\0', ' '));
                    }
                } catch (java.io.IOException gone) {
                    // ended meanwhile
                }
            }
        }
        return in;
    }

    @Test
    void aMissingCommandFailsTheLauncherWithWhatWasMissing() throws Exception {
        int exit = launch(new Request(List.of("pid", "net"), null, null, List.of("/no/such/binary", "x")), root.resolve("log"));
        assertThat(exit).isEqualTo(127);
        assertThat(Files.readString(root.resolve("log")))
                .contains("hostdeck-sandbox: could not start /no/such/binary x: no executable /no/such/binary");
        exit = launch(new Request(List.of("pid", "user"), null, new long[] {0, 100000, 1}, List.of("no-such-command-hd")),
                root.resolve("log"));
        assertThat(exit).isEqualTo(127);
        assertThat(Files.readString(root.resolve("log"))).contains("no executable no-such-command-hd on PATH");
    }
}
