package io.hostdeck.host.procfs;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.springframework.stereotype.Component;

import io.hostdeck.host.HostProperties;
import io.hostdeck.host.HostUnavailableException;
import io.hostdeck.host.TargetPath;

/**
 * Reads the target's procfs. Processes come and go while we read: a file that vanished means the
 * process is gone, not an error.
 */
@Component
public class ProcFs {

    private static final Path OWN_PROC = Path.of("/proc");

    private final HostProperties host;
    private final Path proc;

    public ProcFs(HostProperties host) {
        this.host = host;
        this.proc = host.proc();
    }

    public Path proc() {
        return proc;
    }

    /** The kernel release: one kernel serves every namespace, so any procfs tells it. */
    public String kernelRelease() {
        return firstLine(proc.resolve("sys/kernel/osrelease"))
                .orElseThrow(() -> new HostUnavailableException("no procfs at " + proc));
    }

    /**
     * The kernel's hostname, when we share the target's UTS namespace: /proc/sys answers for the
     * reader's own namespace, so it is the target's only then. Empty otherwise.
     */
    public Optional<String> kernelHostname() {
        OptionalLong ours = namespaceInode(OWN_PROC.resolve("self/ns/uts"));
        OptionalLong target = namespaceInode(proc.resolve("1/ns/uts"));
        if (ours.isPresent() && ours.equals(target)) {
            return firstLine(OWN_PROC.resolve("sys/kernel/hostname")).filter(s -> !s.isEmpty());
        }
        return Optional.empty();
    }

    /** The hostname the target configured in its /etc/hostname, if any. */
    public Optional<String> configuredHostname() {
        return firstLine(host.under(TargetPath.HOSTNAME)).filter(s -> !s.isEmpty());
    }

    /** A process's command line with NULs as spaces; its name in brackets for a kernel thread; empty when gone. */
    public Optional<String> commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(proc.resolve(pid + "/cmdline"));
            if (raw.length == 0) {
                return firstLine(proc.resolve(pid + "/comm")).map(c -> "[" + c + "]");
            }
            int end = raw.length;
            while (end > 0 && raw[end - 1] == 0) {
                end--;
            }
            for (int i = 0; i < end; i++) {
                if (raw[i] == 0) {
                    raw[i] = ' ';
                }
            }
            return Optional.of(new String(raw, 0, Math.min(end, 4096), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A network interface's counters, from /proc/PID/net/dev (the process's network namespace). */
    public record NetDev(String name, long rxBytes, long rxPackets, long txBytes, long txPackets) {
    }

    /** The interfaces of the network namespace process {@code pid} is in; empty when it is gone. */
    public java.util.List<NetDev> netDev(long pid) {
        java.util.List<NetDev> out = new java.util.ArrayList<>();
        try {
            for (String line : Files.readAllLines(proc.resolve(pid + "/net/dev"))) {
                int colon = line.indexOf(':');
                if (colon < 0 || line.contains("|")) {
                    continue; // the two header lines
                }
                String[] f = line.substring(colon + 1).strip().split("\\s+");
                if (f.length >= 10) {
                    out.add(new NetDev(line.substring(0, colon).strip(), Long.parseLong(f[0]), Long.parseLong(f[1]),
                            Long.parseLong(f[8]), Long.parseLong(f[9])));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return java.util.List.of();
        }
        return out;
    }

    /** A user namespace's uid_map or gid_map lines, as the kernel shows them; empty when gone. */
    public java.util.List<String> idMap(long pid, String file) {
        if (!file.equals("uid_map") && !file.equals("gid_map")) {
            throw new IllegalArgumentException(file);
        }
        try {
            return Files.readAllLines(proc.resolve(pid + "/" + file)).stream().map(String::strip)
                    .map(l -> l.replaceAll("\\s+", " ")).toList();
        } catch (IOException e) {
            return java.util.List.of();
        }
    }

    /** The machine's memory from /proc/meminfo, in bytes: MemTotal and MemAvailable (null when the kernel lacks it). */
    public record MemInfo(long totalBytes, Long availableBytes) {
    }

    public MemInfo memInfo() {
        Path file = proc.resolve("meminfo");
        Long total = null;
        Long available = null;
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith("MemTotal:")) {
                    total = kib(line);
                } else if (line.startsWith("MemAvailable:")) {
                    available = kib(line);
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new HostUnavailableException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (total == null) {
            throw new HostUnavailableException(file + " has no MemTotal line");
        }
        return new MemInfo(total, available);
    }

    /** "MemTotal:       16316412 kB" in bytes. */
    private static long kib(String line) {
        String[] f = line.substring(line.indexOf(':') + 1).strip().split("\\s+");
        return Long.parseLong(f[0]) * 1024;
    }

    /** How many CPUs the machine has online: the cpuN lines of /proc/stat. */
    public int onlineCpus() {
        Path file = proc.resolve("stat");
        try (var lines = Files.lines(file)) {
            int n = (int) lines.filter(l -> l.startsWith("cpu") && l.length() > 3 && Character.isDigit(l.charAt(3))).count();
            if (n == 0) {
                throw new HostUnavailableException(file + " lists no cpuN line");
            }
            return n;
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new HostUnavailableException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Seconds since the target booted (/proc/uptime). */
    public double uptimeSeconds() {
        return firstLine(proc.resolve("uptime")).map(l -> Double.parseDouble(l.split(" ")[0]))
                .orElseThrow(() -> new HostUnavailableException("no " + proc + "/uptime"));
    }

    /**
     * The PID namespaces of the target's processes other than its PID 1's: each is a container
     * or sandbox in the kernel's own view, whichever runtime made it.
     */
    public Set<Long> foreignPidNamespaces() {
        Path initLink = proc.resolve("1/ns/pid");
        long init;
        try {
            init = parseNamespaceLink(Files.readSymbolicLink(initLink).toString()).orElseThrow(
                    () -> new HostUnavailableException(initLink + " is not a namespace link"));
        } catch (NoSuchFileException e) {
            throw new HostUnavailableException("no procfs at " + proc + " (" + initLink + " is missing)");
        } catch (AccessDeniedException e) {
            throw new HostUnavailableException("cannot read " + initLink + ": permission denied; seeing other"
                    + " processes' namespaces takes root with CAP_SYS_PTRACE");
        } catch (IOException e) {
            throw new HostUnavailableException("cannot read " + initLink + ": " + e.getMessage(), e);
        }
        Set<Long> found = new HashSet<>();
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, ProcFs::isPid)) {
            for (Path pid : pids) {
                namespaceInode(pid.resolve("ns/pid")).ifPresent(ns -> {
                    if (ns != init) {
                        found.add(ns);
                    }
                });
            }
        } catch (IOException e) {
            throw new HostUnavailableException("cannot list " + proc + ": " + e.getMessage(), e);
        }
        return found;
    }

    private static boolean isPid(Path p) {
        String name = p.getFileName().toString();
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** The inode in a namespace link such as {@code pid:[4026531836]}; empty when gone or unreadable. */
    static OptionalLong namespaceInode(Path link) {
        try {
            return parseNamespaceLink(Files.readSymbolicLink(link).toString());
        } catch (IOException | SecurityException e) {
            return OptionalLong.empty();
        }
    }

    static OptionalLong parseNamespaceLink(String target) {
        int open = target.indexOf(":[");
        if (open < 0 || !target.endsWith("]")) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(target.substring(open + 2, target.length() - 1)));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    static Optional<String> firstLine(Path file) {
        try {
            String text = Files.readString(file);
            int nl = text.indexOf('\n');
            return Optional.of((nl < 0 ? text : text.substring(0, nl)).strip());
        } catch (IOException e) { // gone (ENOENT, ESRCH) or unreadable: absent, not an error
            return Optional.empty();
        }
    }
}
