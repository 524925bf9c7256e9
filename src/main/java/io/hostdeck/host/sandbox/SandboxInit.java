package io.hostdeck.host.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The first process of a sandbox Hostdeck launches: the target's systemd runs it as the
 * transient service {@code hostdeck-sandbox-NAME.service}, so the unit's cgroup, limits and stop
 * hold everything. It makes the namespaces with {@code unshare(2)} through JNA on a dedicated
 * thread (a multithreaded process may unshare PID, network, UTS, IPC, cgroup and mount
 * namespaces for one thread's children), sets the hostname, makes every mount private, starts the
 * command from that thread — the command is PID 1 of the new PID namespace — and exits: the unit
 * is {@code Type=forking}, so its start job ends when the command runs (or with this process's
 * failure), and from then on the unit holds the command alone.
 * <p>
 * A user namespace is the one a multithreaded process can neither create nor join (runc keeps
 * nsexec.c, in C, for the same reason in Go). So a user namespace is created by util-linux's
 * {@code unshare --user} as a holder process, mapped by this process through
 * {@code /proc/HOLDER/uid_map} and {@code gid_map} (it is root in the parent namespace), and the
 * command joins it through {@code nsenter --user} as uid and gid 0 inside — argument arrays
 * throughout, no shell. With PID and mount namespaces and no user namespace, util-linux's
 * {@code unshare --mount-proc} goes first inside, so the sandbox has a /proc of its own.
 * <p>
 * Depends on the JDK and JNA only: it runs in its own small JVM on the target.
 * <p>
 * Usage: {@code SandboxInit --ns=pid,net,mnt,uts,ipc,cgroup,user [--hostname=NAME]
 * [--uid-map=INSIDE:OUTSIDE:COUNT] -- COMMAND [ARG...]}
 */
public final class SandboxInit {

    /** How long a step waits for a helper process (unshare, nsenter): ms here, 10-30 times that on a slow host. */
    static final long SLOW_HOST_WAIT_SECONDS = 60;

    static final int CLONE_NEWNS = 0x00020000;
    static final int CLONE_NEWCGROUP = 0x02000000;
    static final int CLONE_NEWUTS = 0x04000000;
    static final int CLONE_NEWIPC = 0x08000000;
    static final int CLONE_NEWPID = 0x20000000;
    static final int CLONE_NEWNET = 0x40000000;
    static final long MS_REC = 16384;
    static final long MS_PRIVATE = 1 << 18;

    interface C extends Library {
        int unshare(int flags) throws LastErrorException;

        int sethostname(byte[] name, long length) throws LastErrorException;

        int mount(String source, String target, String type, long flags, Pointer data) throws LastErrorException;
    }

    /** What the command line asks for. */
    record Request(List<String> namespaces, String hostname, int[] uidMap, List<String> command) {

        static Request parse(String[] args) {
            List<String> ns = List.of();
            String hostname = null;
            int[] map = null;
            int i = 0;
            for (; i < args.length && !args[i].equals("--"); i++) {
                String a = args[i];
                if (a.startsWith("--ns=")) {
                    ns = List.of(a.substring(5).split(","));
                    for (String n : ns) {
                        if (!List.of("pid", "net", "mnt", "uts", "ipc", "cgroup", "user").contains(n)) {
                            throw new IllegalArgumentException("unknown namespace type '" + n + "'");
                        }
                    }
                } else if (a.startsWith("--hostname=")) {
                    hostname = a.substring(11);
                } else if (a.startsWith("--uid-map=")) {
                    String[] p = a.substring(10).split(":");
                    if (p.length != 3) {
                        throw new IllegalArgumentException("--uid-map is INSIDE:OUTSIDE:COUNT, got " + a);
                    }
                    map = new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2])};
                } else {
                    throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("no command after --");
            }
            if (hostname != null && !ns.contains("uts")) {
                throw new IllegalArgumentException("--hostname needs a UTS namespace");
            }
            if (ns.contains("user") != (map != null)) {
                throw new IllegalArgumentException("a user namespace and --uid-map go together");
            }
            return new Request(ns, hostname, map, List.of(Arrays.copyOfRange(args, i + 1, args.length)));
        }

        /**
         * A /proc of the new PID namespace, so ps inside sees only the sandbox: with a PID and a
         * mount namespace, and no user namespace (root in a user namespace may not mount a procfs
         * for a PID namespace the host's user namespace owns).
         */
        boolean freshProc() {
            return namespaces.contains("pid") && namespaces.contains("mnt") && !namespaces.contains("user");
        }

        int flags() {
            int flags = 0;
            for (String n : namespaces) {
                flags |= switch (n) {
                    case "pid" -> CLONE_NEWPID;
                    case "net" -> CLONE_NEWNET;
                    case "mnt" -> CLONE_NEWNS;
                    case "uts" -> CLONE_NEWUTS;
                    case "ipc" -> CLONE_NEWIPC;
                    case "cgroup" -> CLONE_NEWCGROUP;
                    default -> 0; // user: see the class comment
                };
            }
            return flags;
        }
    }

    private SandboxInit() {
    }

    public static void main(String[] args) throws Exception {
        Request request;
        try {
            request = Request.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("hostdeck-sandbox: " + e.getMessage());
            System.exit(2);
            return;
        }
        Process holder = request.uidMap() == null ? null : userNamespace(request.uidMap());
        List<String> argv = new ArrayList<>();
        if (holder != null) {
            argv.addAll(List.of("nsenter", "--user=/proc/" + holder.pid() + "/ns/user", "--setuid=0", "--setgid=0", "--"));
        } else if (request.freshProc()) {
            // a procfs shows the PID namespace of whoever mounts it, so only a process inside can:
            // unshare --mount-proc mounts /proc (in a mount namespace of its own below ours) and
            // execs the command, which stays PID 1
            argv.addAll(List.of("unshare", "--mount-proc", "--"));
        }
        argv.addAll(request.command());
        Process[] child = new Process[1];
        Throwable[] failure = new Throwable[1];
        // the namespaces belong to this thread alone; it starts the command and is never used again
        Thread maker = new Thread(() -> {
            try {
                C c = Native.load("c", C.class);
                c.unshare(request.flags());
                if (request.hostname() != null) {
                    byte[] name = request.hostname().getBytes(StandardCharsets.US_ASCII);
                    c.sethostname(name, name.length);
                }
                if (request.namespaces().contains("mnt")) {
                    // nothing mounted inside reaches the host, nothing mounted on the host later reaches in
                    c.mount(null, "/", null, MS_REC | MS_PRIVATE, null);
                }
                child[0] = new ProcessBuilder(argv).inheritIO().start();
            } catch (LastErrorException e) {
                failure[0] = new IOException("namespaces " + request.namespaces() + ": errno " + e.getErrorCode(), e);
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "hostdeck-sandbox-namespaces");
        maker.start();
        maker.join();
        if (failure[0] == null && holder != null) {
            failure[0] = joined(child[0], holder);
        }
        if (holder != null) {
            holder.destroyForcibly(); // the command keeps the user namespace alive now
        }
        if (failure[0] != null) {
            System.err.println("hostdeck-sandbox: could not start " + request.command() + ": " + failure[0].getMessage());
            if (child[0] != null) {
                child[0].destroyForcibly();
            }
            System.exit(1);
        }
        Process command = child[0];
        System.out.println("hostdeck-sandbox: started " + request.command() + " as PID " + command.pid()
                + " in new " + request.namespaces() + " namespaces");
        // done: the unit (Type=forking) now holds the command alone, and this JVM's threads and
        // memory do not count against the sandbox's limits
        System.exit(0);
    }

    /** Waits until nsenter has moved the command into the holder's user namespace; the failure, or null. */
    static Throwable joined(Process command, Process holder) throws IOException, InterruptedException {
        Path wanted = Files.readSymbolicLink(Path.of("/proc/" + holder.pid() + "/ns/user"));
        Path ns = Path.of("/proc/" + command.pid() + "/ns/user");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SLOW_HOST_WAIT_SECONDS);
        while (System.nanoTime() < deadline) {
            if (!command.isAlive()) {
                return new IOException("nsenter --user exited with " + command.exitValue());
            }
            try {
                if (Files.readSymbolicLink(ns).equals(wanted)) {
                    return null;
                }
            } catch (java.nio.file.NoSuchFileException gone) {
                // exiting: isAlive says so next round
            }
            Thread.sleep(1);
        }
        return new IOException("nsenter did not join the user namespace within " + SLOW_HOST_WAIT_SECONDS + " s");
    }

    /**
     * A user namespace mapped as asked, held by util-linux's {@code unshare --user} running
     * {@code sleep}: returned once the holder is in it and its uid and gid maps are written.
     */
    static Process userNamespace(int[] map) throws IOException, InterruptedException {
        Path ours = Files.readSymbolicLink(Path.of("/proc/self/ns/user"));
        Process holder = new ProcessBuilder("unshare", "--user", "--", "sleep", "600")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Path ns = Path.of("/proc/" + holder.pid() + "/ns/user");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SLOW_HOST_WAIT_SECONDS);
        // unshare execs sleep right after unshare(2): until then the holder is still in ours
        while (holder.isAlive() && Files.readSymbolicLink(ns).equals(ours) && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        if (!holder.isAlive() || Files.readSymbolicLink(ns).equals(ours)) {
            holder.destroyForcibly();
            throw new IOException("unshare --user made no user namespace within " + SLOW_HOST_WAIT_SECONDS + " s");
        }
        String line = map[0] + " " + map[1] + " " + map[2] + "\n";
        Files.writeString(Path.of("/proc/" + holder.pid() + "/uid_map"), line);
        Files.writeString(Path.of("/proc/" + holder.pid() + "/gid_map"), line);
        return holder;
    }
}
