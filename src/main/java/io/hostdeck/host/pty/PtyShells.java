package io.hostdeck.host.pty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.springframework.stereotype.Component;

import io.hostdeck.host.HostProperties;
import io.hostdeck.host.HostUnavailableException;
import io.hostdeck.host.namespaces.NsType;
import io.hostdeck.host.namespaces.ProcessInfo;

/**
 * Starts interactive shells on a pseudo-terminal (libc's pty calls and pty4j's exec helper, over JNA): a login shell on the target
 * host, in the namespaces of its PID 1 and as one of its accounts, or a shell inside a container's
 * namespaces. Always {@code nsenter} with an argument array, as {@link io.hostdeck.host.namespaces.NsExec}
 * does: a JVM cannot join a mount namespace itself, and nsenter names the namespaces by their files
 * under the target's /proc, so this works when the target's PIDs are not ours.
 */
@Component
public class PtyShells {

    /** What a shell gets in its environment; setpriv --reset-env keeps only TERM of it. */
    static final String TERM = "xterm-256color";
    static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /** The namespaces of the target's PID 1 a host shell joins (its user namespace is ours, or one we may not join). */
    static final List<NsType> HOST_NAMESPACES = List.of(NsType.MNT, NsType.UTS, NsType.IPC, NsType.NET, NsType.PID,
            NsType.CGROUP);

    private final Path proc;

    public PtyShells(HostProperties host) {
        this.proc = host.proc();
    }

    /** The target's account {@code name}, from the passwd file its PID 1 sees. */
    public Optional<TargetAccount> account(String name) {
        return TargetAccount.find(proc.resolve("1/root/etc/passwd"), name);
    }

    /**
     * A login shell on the target as {@code account}: nsenter into its PID 1's namespaces and root,
     * in the account's home, then the target's own {@code setpriv} takes the account's uid, gid and
     * groups and an environment of its own (HOME, SHELL, USER, LOGNAME, PATH, and TERM) before it
     * starts the account's shell as a login shell.
     */
    public Pty hostShell(TargetAccount account, int columns, int rows) {
        return start(hostArgv(proc, account), Map.of("TERM", TERM, "PATH", PATH), columns, rows);
    }

    static List<String> hostArgv(Path proc, TargetAccount account) {
        Path init = proc.resolve("1");
        List<String> argv = new ArrayList<>(List.of("nsenter"));
        for (NsType t : HOST_NAMESPACES) {
            if (Files.exists(init.resolve("ns").resolve(t.file()))) {
                argv.add(t.nsenterOption() + "=" + init.resolve("ns").resolve(t.file()));
            }
        }
        Path root = init.resolve("root");
        Path home = root.resolve(account.home().replaceFirst("^/+", ""));
        argv.add("--root=" + root);
        argv.add("--wd=" + (Files.isDirectory(home) ? home : root));
        argv.addAll(List.of("--", "setpriv", "--reuid=" + account.uid(), "--regid=" + account.gid(), "--init-groups",
                "--reset-env", "--", account.shell(), "-l"));
        return argv;
    }

    /**
     * A shell as root inside every namespace the container's init has of its own, in its root
     * directory: bash when the container has it, else sh.
     */
    public Pty console(ProcessInfo init, Set<NsType> enter, int columns, int rows) {
        Path dir = proc.resolve(Long.toString(init.pid()));
        List<String> argv = new ArrayList<>(List.of("nsenter"));
        for (NsType t : NsType.values()) {
            if (enter.contains(t)) {
                argv.add(t.nsenterOption() + "=" + dir.resolve("ns").resolve(t.file()));
            }
        }
        Path root = dir.resolve("root");
        argv.add("--root=" + root);
        argv.add("--wd=" + root);
        argv.add("--");
        argv.add(Files.isExecutable(root.resolve("bin/bash")) ? "/bin/bash" : "/bin/sh");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TERM", TERM);
        env.put("PATH", PATH);
        env.put("HOME", "/root");
        env.put("LANG", "C.UTF-8");
        return start(argv, env, columns, rows);
    }


    private static Pty start(List<String> argv, Map<String, String> env, int columns, int rows) {
        try {
            return Pty.start(argv, env, columns, rows);
        } catch (RuntimeException e) {
            throw new HostUnavailableException("cannot start a terminal (" + argv.get(0) + "): " + e.getMessage(), e);
        }
    }
}
