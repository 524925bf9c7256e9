package io.hostdeck.host.sandbox;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.springframework.stereotype.Component;

import io.hostdeck.error.ConflictException;
import io.hostdeck.host.HostProperties;

/**
 * How the target's systemd runs the first process of a sandbox (the transient service
 * {@code hostdeck-sandbox-NAME.service}, {@code Type=forking}): util-linux's {@code unshare} and
 * {@code nsenter}, and {@code /bin/sh -s} reading {@link #SCRIPT} from its standard input (the
 * unit's {@code StandardInput=data}), a fixed script that never holds anything of the request:
 * every value (host name, uid map, the command and its arguments) reaches it as a positional
 * parameter on the command line, quoted wherever it is used. No JVM starts: a launch costs what
 * unshare and a shell cost.
 * <ol>
 * <li>{@code unshare --net --mount --uts --ipc --cgroup} (those asked for) makes the namespaces in
 * the unit's main process and execs the shell: every mount becomes private (unshare's default),
 * the cgroup namespace's root is the unit's cgroup.</li>
 * <li>{@link #STAGE1}, once the shell's standard input is {@code /dev/null} (the script is read,
 * nothing after it may get it): with a user namespace, util-linux's {@code unshare --user} runs
 * {@code sleep} as a holder, and the shell, root in the host's user namespace, writes the holder's
 * uid and gid maps; then {@code hostname} sets the host name. With a PID namespace it execs
 * {@code unshare --pid} (no {@code --fork}), so the next process it starts is PID 1 of the new PID
 * namespace.</li>
 * <li>{@link #STAGE2} checks that the command exists (after the fork a failed exec could no longer
 * fail the start job), starts it — prefixed by {@code nsenter --user=/proc/HOLDER/ns/user
 * --setuid=0 --setgid=0} with a user namespace, or by {@code unshare --mount-proc} with PID and
 * mount namespaces and no user namespace, so the sandbox has a /proc of its own — waits until the
 * command has joined the user namespace, ends the holder and exits: the start job ends when the
 * command runs (or fails with what went wrong), and from then on the unit holds the command
 * alone.</li>
 * </ol>
 * The namespaces other than the user namespace belong to the host's user namespace (as with the
 * JVM launcher this replaced); root inside a user namespace is its mapped uid outside.
 * <p>
 * Why no {@code $} and no {@code ;} may be in the command line ({@code ExecStart=}): systemd
 * expands {@code $NAME}, {@code ${NAME}} and {@code $$} in it, and systemd 252 stores a transient
 * unit's command line with {@code $} and {@code ;} escaped as {@code \$} and {@code \;}, which it
 * reads back as they are after a daemon-reload (measured: a restart after a reload then ran the
 * script with backslashes in it and failed). So the script travels as the unit's standard input,
 * which systemd keeps as base64, and each value on the command line is written by
 * {@link #execStartSafe(String)}, with those two characters (and the backslash) as
 * {@code printf %b} escapes, which the script takes back.
 */
@Component
public class SandboxRuntime {

    /** The namespace types a sandbox may have, as the launch form and API name them. */
    public static final List<String> TYPES = List.of("pid", "net", "mnt", "uts", "ipc", "cgroup", "user");
    /** Where the launcher looks for its tools on the target, in order: systemd's PATH for services. */
    static final List<String> PATH = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");
    static final String SH = "/bin/sh";

    /**
     * After the namespaces other than PID and user: $1 host name or empty, $2 the uid and gid map
     * line or empty, $3 "pid" or empty, $4 "proc" or empty, $5 unshare, $6 nsenter, $7 hostname,
     * then the command, each as {@link #execStartSafe(String)} wrote it: an argument with a
     * backslash is first taken back with {@code printf %b} (a subshell, for those only). Waits up to
     * about 60 s for the holder's user namespace (ms here, 10-30 times that on a slow host).
     */
    static final String STAGE1 = """
            set -f;
            n=$#;
            while [ $n -gt 0 ]; do
              a=$1; shift; n=$((n - 1));
              case $a in *\\\\*) a=$(printf '%b.' "$a"); a=${a%.} ;; esac;
              set -- "$@" "$a";
            done;
            name=$1 map=$2 pidns=$3 proc=$4 unshare=$5 nsenter=$6 hostname=$7;
            shift 7;
            holder=;
            if [ -n "$map" ]; then
              "$unshare" --user -- sleep 600 </dev/null >/dev/null 2>&1 &
              holder=$!;
              n=0;
              while [ /proc/$holder/ns/user -ef /proc/self/ns/user ] && [ $n -lt 30000 ]; do
                sleep 0.002; n=$((n + 1));
              done;
              if ! { echo "$map" >/proc/$holder/uid_map && echo "$map" >/proc/$holder/gid_map; } 2>/dev/null; then
                echo "hostdeck-sandbox: could not start $*: unshare --user made no user namespace to map" >&2;
                kill -9 $holder 2>/dev/null; exit 1;
              fi;
            fi;
            if [ -n "$name" ] && ! "$hostname" "$name"; then
              echo "hostdeck-sandbox: could not start $*: hostname $name failed" >&2;
              [ -z "$holder" ] || kill -9 $holder; exit 1;
            fi;
            if [ -n "$pidns" ]; then
              exec "$unshare" --pid -- /bin/sh -c "$STAGE2" hostdeck-sandbox "$holder" "$proc" "$unshare" "$nsenter" "$@";
            fi;
            exec /bin/sh -c "$STAGE2" hostdeck-sandbox "$holder" "$proc" "$unshare" "$nsenter" "$@";
            """.strip();

    /**
     * In the namespaces, the PID namespace's for its children only: $1 the holder's PID or empty,
     * $2 "proc" or empty, $3 unshare, $4 nsenter, then the command. Forks nothing but the command:
     * the first child becomes PID 1, and once PID 1 is gone the namespace takes no other.
     */
    static final String STAGE2 = """
            set -f;
            holder=$1 proc=$2 unshare=$3 nsenter=$4;
            shift 4;
            quit() {
              echo "hostdeck-sandbox: could not start $cmd: $1" >&2;
              [ -z "$holder" ] || kill -9 $holder 2>/dev/null; exit $2;
            };
            cmd="$*" found=;
            case $1 in
              */*) if [ -f "$1" ] && [ -x "$1" ]; then found=$1; fi ;;
              *) IFS=:; for d in $PATH; do if [ -f "$d/$1" ] && [ -x "$d/$1" ]; then found=$d/$1; break; fi; done; unset IFS ;;
            esac;
            [ -n "$found" ] || quit "no executable $1 on PATH" 127;
            if [ -n "$holder" ]; then
              set -- "$nsenter" --user=/proc/$holder/ns/user --setuid=0 --setgid=0 -- "$@";
            elif [ -n "$proc" ]; then
              set -- "$unshare" --mount-proc -- "$@";
            fi;
            exec "$@" &
            child=$!;
            if [ -n "$holder" ]; then
              until [ /proc/$child/ns/user -ef /proc/$holder/ns/user ]; do
                [ -e /proc/$child/ns/user ] || quit "nsenter --user ended before it joined the user namespace" 1;
              done;
              kill -9 $holder;
            fi;
            echo "hostdeck-sandbox: started $cmd as PID $child";
            """.strip();

    /**
     * What the shell reads from its standard input: {@link #STAGE2}, kept in a variable for the
     * exec that starts it, and {@link #STAGE1}, all in one brace group, so that the shell has read
     * and parsed the whole script before its first command takes the script's input away: from
     * then on the shells, the holder and {@code hostname} read {@code /dev/null}, as a service does
     * by default. The command would get it in any case: STAGE2 starts it with {@code &}, and a
     * non-interactive shell gives an asynchronous command {@code /dev/null} as its input.
     */
    static final String SCRIPT = "{\nSTAGE2='" + STAGE2 + "';\nexec </dev/null;\n" + STAGE1 + "\n}\n";

    /**
     * A sandbox's first process: its command line ({@code argv[0]} an absolute path) and what it
     * reads on its standard input.
     */
    public record Launch(List<String> argv, byte[] standardInput) {

        public Launch {
            argv = List.copyOf(argv);
            standardInput = standardInput.clone();
        }

        @Override
        public byte[] standardInput() {
            return standardInput.clone();
        }
    }

    /**
     * {@code value} with every backslash, {@code $} and {@code ;} written as the octal escape
     * {@code printf %b} takes back ({@code \0134}, {@code \0044}, {@code \0073}); anything else
     * stays as it is. Only these three: systemd reads every other character of a transient unit's
     * command line back as it was given, and expands nothing else (measured on systemd 252).
     */
    static String execStartSafe(String value) {
        StringBuilder b = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\0134");
                case '$' -> b.append("\\0044");
                case ';' -> b.append("\\0073");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private final HostProperties host;

    public SandboxRuntime(HostProperties host) {
        this.host = host;
    }

    /** What the launch asks for, checked: the namespaces, a host name, a uid map, the command. */
    public record Request(List<String> namespaces, String hostname, long[] uidMap, List<String> command) {

        public Request {
            namespaces = List.copyOf(namespaces);
            command = List.copyOf(command);
            if (namespaces.isEmpty()) {
                throw new IllegalArgumentException("no namespace");
            }
            for (String n : namespaces) {
                if (!TYPES.contains(n)) {
                    throw new IllegalArgumentException("unknown namespace type '" + n + "'");
                }
            }
            if (command.isEmpty()) {
                throw new IllegalArgumentException("no command");
            }
            if (hostname != null && !namespaces.contains("uts")) {
                throw new IllegalArgumentException("a host name needs a UTS namespace");
            }
            if (namespaces.contains("user") != (uidMap != null)) {
                throw new IllegalArgumentException("a user namespace and a uid map go together");
            }
            if (uidMap != null && (uidMap.length != 3 || Arrays.stream(uidMap).anyMatch(v -> v < 0))) {
                throw new IllegalArgumentException("a uid map is INSIDE OUTSIDE COUNT");
            }
        }

        /**
         * A /proc of the new PID namespace, so ps inside sees only the sandbox: with a PID and a
         * mount namespace, and no user namespace (root in a user namespace may not mount a procfs
         * for a PID namespace the host's user namespace owns).
         */
        boolean freshProc() {
            return namespaces.contains("pid") && namespaces.contains("mnt") && !namespaces.contains("user");
        }

        /** unshare(1)'s options for the namespaces the unit's main process makes first. */
        List<String> firstNamespaces() {
            List<String> flags = new ArrayList<>();
            for (String n : namespaces) {
                switch (n) {
                    case "net" -> flags.add("--net");
                    case "mnt" -> flags.add("--mount");
                    case "uts" -> flags.add("--uts");
                    case "ipc" -> flags.add("--ipc");
                    case "cgroup" -> flags.add("--cgroup");
                    default -> {
                        // pid: the last step (its first child is PID 1); user: the holder's
                    }
                }
            }
            return flags;
        }
    }

    /**
     * The command line and script that start a sandbox on the target; refused, naming what is
     * missing, when the target lacks a tool it needs.
     */
    public Launch command(Request request) {
        List<String> missing = new ArrayList<>();
        if (!Files.isRegularFile(onTarget(SH))) {
            missing.add(SH);
        }
        Optional<String> unshare = tool("unshare");
        Optional<String> nsenter = tool("nsenter");
        Optional<String> hostname = tool("hostname");
        if (unshare.isEmpty()) {
            missing.add("unshare (util-linux)");
        }
        if (request.uidMap() != null && nsenter.isEmpty()) {
            missing.add("nsenter (util-linux), for a user namespace");
        }
        if (request.hostname() != null && hostname.isEmpty()) {
            missing.add("hostname, for a host name");
        }
        if (!missing.isEmpty()) {
            throw new ConflictException("sandboxes need these on the target, and it has no " + String.join(", ", missing)
                    + " (looked in " + String.join(":", PATH) + ")");
        }
        List<String> argv = new ArrayList<>();
        List<String> first = request.firstNamespaces();
        if (!first.isEmpty()) {
            argv.add(unshare.get());
            argv.addAll(first);
            argv.add("--");
        }
        long[] m = request.uidMap();
        argv.addAll(List.of(SH, "-s", "--"));
        List<String> values = new ArrayList<>(List.of(request.hostname() == null ? "" : request.hostname(),
                m == null ? "" : m[0] + " " + m[1] + " " + m[2],
                request.namespaces().contains("pid") ? "pid" : "",
                request.freshProc() ? "proc" : "",
                unshare.get(), nsenter.orElse(""), hostname.orElse("")));
        values.addAll(request.command());
        values.forEach(v -> argv.add(execStartSafe(v)));
        return new Launch(argv, SCRIPT.getBytes(StandardCharsets.UTF_8));
    }

    /** The first {@code name} on the target's PATH, as a path on the target. */
    Optional<String> tool(String name) {
        for (String dir : PATH) {
            String path = dir + "/" + name;
            Path p = onTarget(path);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(path);
            }
        }
        return Optional.empty();
    }

    private Path onTarget(String path) {
        return host.rootPath().resolve(path.substring(1));
    }
}
