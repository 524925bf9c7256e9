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
            // PID 1's, the host's, at every tick: kept open; any other process's (a container's) read once
            java.util.List<String> lines = pid == 1 ? kept("1/net/dev").lines() : Files.readAllLines(proc.resolve(pid + "/net/dev"));
            for (String line : lines) {
                int colon = line.indexOf(':');
                if (colon < 0 || line.contains("|")) {
                    continue; // the two header lines
                }
                String[] f = line.substring(colon + 1).strip().split("\\s+");
                if (f.length >= 10) {
                    try {
                        out.add(new NetDev(line.substring(0, colon).strip(), Long.parseLong(f[0]), Long.parseLong(f[1]),
                                Long.parseLong(f[8]), Long.parseLong(f[9])));
                    } catch (NumberFormatException e) {
                        // a line of another shape: that interface is left out, not the others
                    }
                }
            }
        } catch (IOException e) {
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

    /** The load averages over 1, 5 and 15 minutes (/proc/loadavg). */
    public double[] loadAverage() {
        String[] f = lines("loadavg").stream().findFirst().map(l -> l.split(" "))
                .orElseThrow(() -> new HostUnavailableException("no " + proc + "/loadavg"));
        return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
    }

    /** Memory and swap in bytes, as /proc/meminfo says (free's "available" is MemAvailable). */
    public record Memory(long total, long available, long swapTotal, long swapFree) {
        public long used() {
            return total - available;
        }

        public long swapUsed() {
            return swapTotal - swapFree;
        }
    }

    public Memory memory() {
        java.util.Map<String, Long> kb = new java.util.HashMap<>();
        try {
            for (String line : lines("meminfo")) {
                String[] f = line.split("\\s+");
                if (f.length >= 2 && f[0].endsWith(":")) {
                    kb.put(f[0].substring(0, f[0].length() - 1), Long.parseLong(f[1]));
                }
            }
        } catch (NumberFormatException e) {
            throw new HostUnavailableException("cannot read " + proc + "/meminfo: " + e.getMessage(), e);
        }
        return new Memory(kb.getOrDefault("MemTotal", 0L) * 1024, kb.getOrDefault("MemAvailable", 0L) * 1024,
                kb.getOrDefault("SwapTotal", 0L) * 1024, kb.getOrDefault("SwapFree", 0L) * 1024);
    }

    /** How many CPUs the kernel counts (the cpuN lines of /proc/stat). */
    public int cpuCount() {
        try (var lines = Files.lines(proc.resolve("stat"))) {
            return (int) lines.filter(l -> l.startsWith("cpu") && Character.isDigit(l.charAt(3))).count();
        } catch (IOException e) {
            throw new HostUnavailableException("cannot read " + proc + "/stat: " + e.getMessage(), e);
        }
    }

    /**
     * CPU time in clock ticks since boot, from one {@code cpu} line of /proc/stat: {@code busy} is
     * everything but idle and iowait (as top and Cockpit count), {@code total} all of it. Between
     * two readings, busy's growth over total's is the share of the time that CPU worked.
     */
    public record CpuTicks(int cpu, long busy, long total) {
        /** The share of the time between {@code before} and this reading the CPU was busy, 0..1; NaN without a change of total. */
        public double busyShare(CpuTicks before) {
            long t = total - before.total;
            long b = busy - before.busy;
            return t <= 0 || b < 0 ? Double.NaN : Math.min(1.0, (double) b / t);
        }
    }

    /** The whole machine's CPU time ({@code cpu} -1) and each online CPU's, by number. */
    public record CpuStat(CpuTicks all, java.util.List<CpuTicks> cores) {
    }

    /** /proc/stat's cpu lines (one file of a few hundred bytes a CPU); lines it cannot read are left out. */
    public CpuStat cpuStat() {
        return parseCpuStat(lines("stat"));
    }

    /** A file of the target's procfs, whole; unreadable means the host cannot be read. */
    private java.util.List<String> lines(String file) {
        try {
            return kept(file).lines();
        } catch (IOException e) {
            throw new HostUnavailableException("cannot read " + proc + "/" + file + ": " + e.getMessage(), e);
        }
    }

    /** The few files read at every tick (a fixed set of names), each kept open. */
    private final java.util.Map<String, KeptFile> kept = new java.util.concurrent.ConcurrentHashMap<>();

    private KeptFile kept(String file) {
        return kept.computeIfAbsent(file, f -> new KeptFile(proc.resolve(f)));
    }

    /**
     * A procfs file kept open and re-read from its start with pread(2), which makes the kernel
     * write it anew: no open, no walk of the path through {@code /proc/<leader>/root} at each read
     * (docs/benchmarks.md, HostTickBench). Closed and opened again after any failure.
     */
    private static final class KeptFile {
        private final Path path;
        private java.io.RandomAccessFile file; // guarded by this
        private byte[] buf = new byte[4096];

        KeptFile(Path path) {
            this.path = path;
        }

        synchronized java.util.List<String> lines() throws IOException {
            try {
                if (file == null) {
                    file = new java.io.RandomAccessFile(path.toFile(), "r");
                }
                java.nio.channels.FileChannel ch = file.getChannel();
                int n = 0;
                while (true) {
                    if (n == buf.length) {
                        buf = java.util.Arrays.copyOf(buf, buf.length * 2);
                    }
                    int got = ch.read(java.nio.ByteBuffer.wrap(buf, n, buf.length - n), n);
                    if (got <= 0) {
                        break;
                    }
                    n += got;
                }
                return java.util.List.of(new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8).split("\n"));
            } catch (IOException | RuntimeException e) {
                close();
                throw e instanceof IOException io ? io : new IOException(e);
            }
        }

        private void close() {
            if (file != null) {
                try {
                    file.close();
                } catch (IOException ignored) {
                    // it was failing anyway
                }
                file = null;
            }
        }
    }

    static CpuStat parseCpuStat(java.util.List<String> lines) {
        CpuTicks all = null;
        java.util.List<CpuTicks> cores = new java.util.ArrayList<>();
        for (String line : lines) {
            if (!line.startsWith("cpu")) {
                continue;
            }
            String[] f = line.strip().split("\\s+");
            String name = f[0];
            int cpu;
            if (name.equals("cpu")) {
                cpu = -1;
            } else {
                try {
                    cpu = Integer.parseInt(name.substring(3));
                } catch (NumberFormatException e) {
                    continue;
                }
            }
            // user nice system idle iowait irq softirq steal (guest time is already in user and nice)
            if (f.length < 5) {
                continue;
            }
            long total = 0;
            long idle = 0;
            try {
                for (int i = 1; i < Math.min(f.length, 9); i++) {
                    long v = Long.parseLong(f[i]);
                    total += v;
                    if (i == 4 || i == 5) {
                        idle += v;
                    }
                }
            } catch (NumberFormatException e) {
                continue;
            }
            CpuTicks t = new CpuTicks(cpu, total - idle, total);
            if (cpu < 0) {
                all = t;
            } else {
                cores.add(t);
            }
        }
        if (all == null) {
            throw new HostUnavailableException("no cpu line in /proc/stat");
        }
        return new CpuStat(all, java.util.List.copyOf(cores));
    }

    /** A block device's bytes read and written since boot (/proc/diskstats counts 512-byte sectors). */
    public record DiskIo(String name, long readBytes, long writtenBytes) {
    }

    /** Partitions: sda1, vdb2, xvda1, nvme0n1p1, mmcblk0p1 (their IO is their disk's too). */
    private static final java.util.regex.Pattern PARTITION = java.util.regex.Pattern.compile(
            "(h|s|v|xv)d[a-z]+[0-9]+|(nvme[0-9]+n[0-9]+|mmcblk[0-9]+)p[0-9]+");
    /** Not disks, or stacked on disks (device mapper, md): counting them would count the same IO twice. */
    private static final java.util.regex.Pattern NOT_A_DISK = java.util.regex.Pattern.compile(
            "(ram|zram|loop|fd|sr|dm-|md|nbd)[0-9]*");

    /** The target's disks (whole devices, not partitions, loops, RAM disks or stacked devices) from /proc/diskstats. */
    public java.util.List<DiskIo> diskIo() {
        return parseDiskStats(lines("diskstats"));
    }

    static java.util.List<DiskIo> parseDiskStats(java.util.List<String> lines) {
        java.util.List<DiskIo> out = new java.util.ArrayList<>();
        for (String line : lines) {
            // major minor name reads merged sectors-read ms writes merged sectors-written ...
            String[] f = line.strip().split("\\s+");
            if (f.length < 10 || PARTITION.matcher(f[2]).matches() || NOT_A_DISK.matcher(f[2]).matches()) {
                continue;
            }
            try {
                out.add(new DiskIo(f[2], Long.parseLong(f[5]) * 512, Long.parseLong(f[9]) * 512));
            } catch (NumberFormatException e) {
                // a line of another shape: left out
            }
        }
        return out;
    }

    /**
     * A disk file system to sample again and again: its mount point, and statvfs on it at each
     * {@link #read} (the mount table is read once, at {@link #fileSystemProbes}).
     */
    public static final class FileSystemProbe {
        private final String mountPoint;
        private final String device;
        private final String type;
        private final java.nio.file.FileStore store;

        FileSystemProbe(String mountPoint, String device, String type, java.nio.file.FileStore store) {
            this.mountPoint = mountPoint;
            this.device = device;
            this.type = type;
            this.store = store;
        }

        public String mountPoint() {
            return mountPoint;
        }

        /** Its size and free space now; empty when it went away. */
        public Optional<FileSystem> read() {
            try {
                return Optional.of(new FileSystem(mountPoint, device, type, store.getTotalSpace(), store.getUsableSpace()));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }
    }

    /** A mounted file system and its use (statvfs of its mount point under the target's root). */
    public record FileSystem(String mountPoint, String device, String type, long size, long available) {
        public long used() {
            return size - available;
        }

        public int percent() {
            return size == 0 ? 0 : (int) Math.round(100.0 * used() / size);
        }
    }

    private static final Set<String> DISK_TYPES = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs", "vfat", "zfs", "f2fs",
            "jfs", "reiserfs", "ntfs", "ntfs3", "exfat");

    /** The target's disk file systems (those of PID 1's mount table with a disk type), each mount point once. */
    public java.util.List<FileSystem> fileSystems() {
        return fileSystemProbes().stream().map(FileSystemProbe::read).flatMap(Optional::stream).toList();
    }

    /**
     * The same file systems, to read again at each tick without reading the mount table again: from
     * PID 1's mountinfo, each file system once (its first mount point), and only where it is mounted
     * whole (a bind mount of a directory or a file in it, as containers get, is the same space again).
     */
    public java.util.List<FileSystemProbe> fileSystemProbes() {
        java.util.List<FileSystemProbe> out = new java.util.ArrayList<>();
        for (Mount m : diskMounts(lines("1/mountinfo"))) {
            try {
                var store = Files.getFileStore(host.rootPath().resolve(m.mountPoint().substring(1)));
                out.add(new FileSystemProbe(m.mountPoint(), m.source(), m.type(), store));
            } catch (IOException | RuntimeException e) {
                // not reachable under the root (another mount namespace's): left out
            }
        }
        return java.util.List.copyOf(out);
    }

    /** A line of mountinfo that counts as a disk file system. */
    record Mount(String mountPoint, String source, String type) {
    }

    /**
     * mountinfo's disk file systems, and the root whatever its type: {@code ID PARENT MAJ:MIN ROOT
     * MOUNTPOINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPEROPTIONS}; one per device, mounted at its root.
     */
    static java.util.List<Mount> diskMounts(java.util.List<String> lines) {
        java.util.List<Mount> out = new java.util.ArrayList<>();
        java.util.Set<String> devices = new HashSet<>();
        java.util.Set<String> mountPoints = new HashSet<>();
        for (String line : lines) {
            String[] f = line.split(" ");
            int dash = java.util.Arrays.asList(f).indexOf("-");
            if (dash < 6 || dash + 2 >= f.length) {
                continue;
            }
            String device = f[2];
            String mountPoint = unescape(f[4]);
            String type = f[dash + 1];
            boolean isRoot = mountPoint.equals("/");
            if (!isRoot && (!DISK_TYPES.contains(type) || !unescape(f[3]).equals("/") || devices.contains(device))) {
                continue;
            }
            if (mountPoints.add(mountPoint)) {
                devices.add(device);
                out.add(new Mount(mountPoint, unescape(f[dash + 2]), type));
            }
        }
        return out;
    }

    /** mountinfo's octal escapes of space, tab, newline and backslash. */
    private static String unescape(String s) {
        return s.indexOf('\\') < 0 ? s
                : s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

    /** Seconds since the target booted (/proc/uptime). */
    public double uptimeSeconds() {
        return lines("uptime").stream().findFirst().map(l -> Double.parseDouble(l.split(" ")[0]))
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
