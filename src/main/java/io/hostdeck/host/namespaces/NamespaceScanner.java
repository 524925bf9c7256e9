package io.hostdeck.host.namespaces;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Component;

import io.hostdeck.error.InvalidInputException;
import io.hostdeck.error.NotFoundException;
import io.hostdeck.host.HostProperties;
import io.hostdeck.host.HostUnavailableException;
import io.hostdeck.host.procfs.ProcFs;
import io.hostdeck.host.systemd.Systemd;

/**
 * The target's processes with their namespaces, and the containers they form, read from the
 * target's /proc on each call (a few ms for a few hundred processes). A process that exits while
 * it is read is left out, never an error.
 */
@Component
public class NamespaceScanner {

    /** Hostdeck's own process, as its own PID namespace's /proc names it. */
    static final Path SELF = Path.of("/proc/self");

    private final Path proc;
    private final ProcFs procFs;
    private final Systemd systemd;

    public NamespaceScanner(HostProperties host, ProcFs procFs, Systemd systemd) {
        this.proc = host.proc();
        this.procFs = procFs;
        this.systemd = systemd;
    }

    /**
     * What one scan saw.
     *
     * @param ownReference true when PID 1's namespaces could not be read (some hosts hide them even
     *                     from root) and Hostdeck's own namespaces stood in as the host's
     */
    public record Snapshot(Map<NsType, Long> hostNs, List<ProcessInfo> processes, List<Container> containers,
            boolean ownReference) {

        /**
         * The container {@code id} names: the one it is the id of, else the one container that now
         * holds that namespace. A container's id can change once while it starts: {@code unshare
         * --net --pid --fork} is a "net-" container for the moment before its fork, then the PID
         * namespace's; a page or an action sent with the first id means the second. When more than
         * one container holds the namespace (a pod's shared network), nothing is guessed.
         */
        public Optional<Container> container(String id) {
            Optional<Container> exact = containers.stream().filter(c -> c.id().equals(id)).findFirst();
            if (exact.isPresent()) {
                return exact;
            }
            int dash = id.indexOf('-');
            NsType type = dash < 0 ? null : NsType.ofFile(id.substring(0, dash));
            long inode;
            try {
                inode = Long.parseLong(id.substring(dash + 1));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
            if (type == null || Long.valueOf(inode).equals(hostNs.get(type))) {
                return Optional.empty();
            }
            List<Container> holding = containers.stream()
                    .filter(c -> c.processes().stream().anyMatch(p -> Long.valueOf(inode).equals(p.namespaces().get(type))))
                    .toList();
            return holding.size() == 1 ? Optional.of(holding.get(0)) : Optional.empty();
        }

        /**
         * The container {@code id} names, as a page or action asks for it.
         *
         * @throws InvalidInputException when {@code id} is not a container id
         * @throws NotFoundException when there is no such container (any more)
         */
        public Container require(String id) {
            if (id == null || !id.matches("(pid|net|mnt)-[0-9]{1,20}")) {
                throw new InvalidInputException("id", "'" + id + "' is not a container id (pid-, net- or mnt- and an inode)");
            }
            return container(id).orElseThrow(() -> new NotFoundException("no container " + id + " (it may have ended)"));
        }

        /** Whether every process in the container's cgroup, and below it, is the container's. */
        public boolean aloneInItsCgroup(Container c) {
            String cg = c.cgroup();
            for (ProcessInfo p : processes) {
                boolean inside = p.cgroup().equals(cg) || p.cgroup().startsWith(cg + "/");
                if (inside && c.processes().stream().noneMatch(m -> m.pid() == p.pid())) {
                    return false;
                }
            }
            return true;
        }
    }

    public Snapshot scan() {
        String prefix = cgroupPrefix();
        Map<NsType, Long> hostNs = namespaces(proc.resolve("1"));
        boolean ownReference = false;
        if (hostNs.isEmpty()) {
            // some hosts hide PID 1's /proc/1/ns even from root (a sandboxing PID 1): Hostdeck's
            // own namespaces, the host's when it runs as a host service, are the reference then
            hostNs = namespaces(SELF);
            ownReference = true;
            if (hostNs.isEmpty()) {
                throw new HostUnavailableException("cannot read the namespaces of PID 1 under " + proc
                        + " nor Hostdeck's own: seeing processes' namespaces takes root with CAP_SYS_PTRACE");
            }
        }
        List<ProcessInfo> processes = new ArrayList<>();
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, NamespaceScanner::isPid)) {
            for (Path dir : pids) {
                read(dir, prefix).ifPresent(processes::add);
            }
        } catch (IOException e) {
            throw new HostUnavailableException("cannot list " + proc + ": " + e.getMessage(), e);
        }
        processes.sort((a, b) -> Long.compare(a.pid(), b.pid()));
        return new Snapshot(hostNs, Collections.unmodifiableList(processes),
                named(Grouping.containers(processes, hostNs)), ownReference);
    }

    /** Containers whose init (or another of their processes) leads a machine registered with machined, named so. */
    private List<Container> named(List<Container> containers) {
        Map<Long, String> machines;
        try {
            machines = systemd.machines();
        } catch (RuntimeException e) { // no bus: the kernel's view stands on its own
            return containers;
        }
        if (machines.isEmpty()) {
            return containers;
        }
        List<Container> out = new ArrayList<>(containers.size());
        for (Container c : containers) {
            String name = machines.get(c.init().pid());
            for (int i = 0; name == null && i < c.processes().size(); i++) {
                name = machines.get(c.processes().get(i).pid());
            }
            out.add(name == null ? c : c.withMachine(name));
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * One process, or empty when it is gone or is a kernel thread: kernel threads have namespaces
     * too ({@code kdevtmpfs} has a mount namespace of its own on every host) but are never a
     * container.
     */
    Optional<ProcessInfo> read(Path dir, String prefix) {
        long pid = Long.parseLong(dir.getFileName().toString());
        Map<NsType, Long> ns = namespaces(dir);
        if (ns.isEmpty()) {
            return Optional.empty();
        }
        try {
            String status = Files.readString(dir.resolve("status"), StandardCharsets.UTF_8);
            if (kernelThread(dir, status)) {
                return Optional.empty();
            }
            String stat = Files.readString(dir.resolve("stat"), StandardCharsets.UTF_8);
            long ppid = 0;
            long uid = -1;
            List<Long> nsPids = List.of();
            for (String line : status.split("\n")) {
                if (line.startsWith("PPid:")) {
                    ppid = Long.parseLong(line.substring(5).strip());
                } else if (line.startsWith("Uid:")) {
                    uid = Long.parseLong(line.substring(4).strip().split("\\s+")[0]);
                } else if (line.startsWith("NSpid:")) {
                    List<Long> list = new ArrayList<>();
                    for (String n : line.substring(6).strip().split("\\s+")) {
                        list.add(Long.parseLong(n));
                    }
                    nsPids = List.copyOf(list);
                }
            }
            long start = startTicks(stat);
            String command = procFs.commandLine(pid).orElse("");
            return Optional.of(new ProcessInfo(pid, ppid, uid, command, nsPids, start,
                    cgroup(Files.readString(dir.resolve("cgroup"), StandardCharsets.UTF_8), prefix), ns));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // gone meanwhile, or a line the kernel did not write that way
        }
    }

    /**
     * Whether the process is a kernel thread: an empty command line and either kthreadd (PID 2) or
     * its child, or no executable ({@code /proc/PID/exe} cannot be read). Linux 6.4+ says so
     * outright in status's "Kthread:" line. A process of a PID namespace may have PID 2 or PPid 2,
     * but it has a command line.
     */
    static boolean kernelThread(Path dir, String status) {
        long pid = -1;
        long ppid = -1;
        for (String line : status.split("\n")) {
            if (line.startsWith("Pid:")) {
                pid = Long.parseLong(line.substring(4).strip());
            } else if (line.startsWith("PPid:")) {
                ppid = Long.parseLong(line.substring(5).strip());
            } else if (line.startsWith("Kthread:")) {
                return line.substring(8).strip().equals("1");
            }
        }
        return emptyCommandLine(dir) && (pid == 2 || ppid == 2 || noExecutable(dir));
    }

    private static boolean emptyCommandLine(Path dir) {
        try {
            return Files.readAllBytes(dir.resolve("cmdline")).length == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean noExecutable(Path dir) {
        try {
            Files.readSymbolicLink(dir.resolve("exe"));
            return false;
        } catch (IOException e) {
            return true; // ENOENT for a kernel thread (and a zombie, which is no container either)
        }
    }

    /** stat field 22, after the command in parentheses (which may itself hold spaces and parentheses). */
    static long startTicks(String stat) {
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(rest[19]); // fields 3.. after the comm: 22 - 3 = 19
    }

    /**
     * The process's cgroup as the target's systemd names it: the cgroup2 line ("0::/path") or,
     * on v1, name=systemd's; with the prefix under which the target's whole tree sits in our view.
     */
    static String cgroup(String procCgroup, String prefix) {
        String v2 = null;
        String v1 = null;
        for (String line : procCgroup.split("\n")) {
            if (line.startsWith("0::")) {
                v2 = line.substring(3);
            } else if (line.contains(":name=systemd:")) {
                v1 = line.substring(line.indexOf(":name=systemd:") + 14);
            }
        }
        String path = v2 != null && !v2.equals("/") ? v2 : v1 != null ? v1 : v2 != null ? v2 : "";
        if (!prefix.isEmpty() && path.startsWith(prefix)) {
            path = path.substring(prefix.length());
            return path.isEmpty() ? "/" : path;
        }
        return path;
    }

    /**
     * Where the target's tree starts in our view of cgroups: our cgroup namespace may be an outer
     * one (Hostdeck pointed at a container's systemd). systemd keeps PID 1 in "/init.scope".
     */
    private String cgroupPrefix() {
        try {
            String own = cgroup(Files.readString(proc.resolve("1/cgroup"), StandardCharsets.UTF_8), "");
            return own.endsWith("/init.scope") ? own.substring(0, own.length() - "/init.scope".length()) : "";
        } catch (IOException e) {
            return "";
        }
    }

    static Map<NsType, Long> namespaces(Path dir) {
        Map<NsType, Long> ns = new EnumMap<>(NsType.class);
        for (NsType t : NsType.values()) {
            try {
                String link = Files.readSymbolicLink(dir.resolve("ns").resolve(t.file())).toString();
                int open = link.indexOf(":[");
                if (open > 0 && link.endsWith("]")) {
                    ns.put(t, Long.parseLong(link.substring(open + 2, link.length() - 1)));
                }
            } catch (IOException | NumberFormatException | UnsupportedOperationException e) {
                // gone, a kernel without this type (time before 5.6), or not ours to read
            }
        }
        return ns;
    }

    private static boolean isPid(Path p) {
        String name = p.getFileName().toString();
        if (name.isEmpty() || name.length() > 10) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
