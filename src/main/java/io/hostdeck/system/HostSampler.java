package io.hostdeck.system;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.hostdeck.cgroups.CgroupSampler;
import io.hostdeck.cgroups.History;
import io.hostdeck.host.HostUnavailableException;
import io.hostdeck.host.procfs.ProcFs;
import io.hostdeck.host.procfs.ProcFs.CpuStat;
import io.hostdeck.host.procfs.ProcFs.CpuTicks;
import io.hostdeck.host.procfs.ProcFs.DiskIo;
import io.hostdeck.host.procfs.ProcFs.NetDev;

/**
 * The whole host's figures at the cgroup sampler's tick, on its thread, after its pass: CPU (all
 * and each core), memory and swap, load, uptime, disk IO, each interface's throughput and each disk
 * file system's use, read from a few small files of the target's /proc (stat, meminfo, loadavg,
 * uptime, diskstats, PID 1's net/dev) and one statvfs a file system; the mount table once a minute.
 * Each is kept in a {@link History} (15 min at the tick, 24 h a minute), the store the cgroup charts
 * use, and sent on the {@code host} topic while a page follows it.
 */
@Component
public class HostSampler {

    private static final Logger log = LoggerFactory.getLogger(HostSampler.class);

    /** The key of the host-wide series, and their columns in this order. */
    static final String HOST = "host";
    static final String[] HOST_COLUMNS = {"cpu", "memoryUsed", "swapUsed", "load1", "load5", "load15", "diskRead",
        "diskWrite"};
    static final String CORES = "cores";
    static final String NET = "net:";
    static final String FS = "fs:";
    /** At most this many interfaces and file systems get a history each (a host with a veth per container has hundreds). */
    static final int MAX_KEPT = 64;

    private final ProcFs procFs;
    private final io.hostdeck.live.LiveHub hub;
    private final int finePoints;
    private final int ticksPerMinute;

    // the sampler thread's own
    private CpuStat lastCpu;
    private Map<String, NetDev> lastNet = Map.of();
    private Map<String, DiskIo> lastDisks = Map.of();
    private long lastNanos;
    private List<ProcFs.FileSystemProbe> probes = List.of();
    private int ticksSinceMounts;
    private final Map<String, History> kept = new LinkedHashMap<>();

    private volatile Map<String, History> histories = Map.of();
    private volatile Now latest;
    private final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    private final io.hostdeck.cgroups.RecentMean recentCpu = new io.hostdeck.cgroups.RecentMean(60); // the CPU ns of the last ticks

    /** One interface's rates (bytes a second; null on the first reading) and totals since boot. */
    public record Interface(String name, Double rx, Double tx, long rxTotal, long txTotal) {
    }

    /** One file system's size and use. */
    public record Usage(String mountPoint, String type, long size, long used, long available, int percent) {
    }

    /**
     * The figures of one tick, as the page shows them and the {@code host} topic sends them: CPU in
     * percent of all CPUs (and of each), rates in bytes a second; null where there is no earlier
     * reading yet or the host did not tell.
     */
    public record Now(String type, double time, Double cpu, List<Core> cores, double[] load, double uptime,
            long memoryTotal, long memoryUsed, long memoryAvailable, long swapTotal, long swapUsed, Double diskRead,
            Double diskWrite, List<String> disks, List<Interface> interfaces, List<Usage> fileSystems) {
    }

    /** One CPU's busy share in percent (null before a second reading). */
    public record Core(int cpu, Double busy) {
    }

    HostSampler(ProcFs procFs, CgroupSampler sampler, io.hostdeck.live.LiveHub hub) {
        this.procFs = procFs;
        this.hub = hub;
        Duration interval = sampler.interval();
        this.finePoints = (int) (Duration.ofMinutes(15).toMillis() / interval.toMillis());
        this.ticksPerMinute = (int) Math.max(1, Duration.ofMinutes(1).toMillis() / interval.toMillis());
        this.ticksSinceMounts = ticksPerMinute; // the mount table at the first tick
        sampler.onTick(rates -> tick());
    }

    /** The last tick's figures; empty before the first. */
    public Optional<Now> latest() {
        return Optional.ofNullable(latest);
    }

    /** Every kept series, by key ({@code host}, {@code cores}, {@code net:NAME}, {@code fs:MOUNT}), oldest first. */
    public Map<String, double[][]> history(boolean day) {
        Map<String, double[][]> out = new LinkedHashMap<>();
        histories.forEach((key, h) -> {
            synchronized (h) {
                out.put(key, h.series(day));
            }
        });
        return out;
    }

    /** Bytes the host's histories hold, for /about. */
    public long historyBytes() {
        long bytes = 0;
        for (History h : histories.values()) {
            bytes += h.bytes();
        }
        return bytes;
    }

    /** The mean CPU time of the last minute's ticks (at most 60), in ns: what the host figures cost. */
    public double meanTickCpuNanos() {
        return recentCpu.mean();
    }

    /** Reads the host once; the sampler's thread calls it at each tick, a test or benchmark may too. */
    synchronized void tick() {
        long cpu = threads.getCurrentThreadCpuTime();
        try {
            Now now = read(System.currentTimeMillis(), System.nanoTime());
            latest = now;
            recentCpu.add(threads.getCurrentThreadCpuTime() - cpu);
            if (hub.hasSubscribers(HostTopic.KEY)) {
                hub.publish(HostTopic.KEY, now);
            }
        } catch (HostUnavailableException | java.io.UncheckedIOException e) {
            log.debug("host figures not read: {}", e.getMessage());
        }
    }

    private Now read(long millis, long nanos) {
        CpuStat cpu = procFs.cpuStat();
        ProcFs.Memory memory = procFs.memory();
        double[] load = procFs.loadAverage();
        double uptime = procFs.uptimeSeconds();
        // disks, interfaces and file systems each on their own: a host without one still has the rest
        List<DiskIo> disks = optional(procFs::diskIo);
        List<NetDev> net = procFs.netDev(1);
        if (++ticksSinceMounts >= ticksPerMinute) { // the mount table once a minute; statvfs at every tick
            probes = optional(procFs::fileSystemProbes);
            ticksSinceMounts = 0;
        }
        double seconds = lastNanos == 0 ? 0 : (nanos - lastNanos) / 1e9;
        boolean timed = seconds > 0;

        Double cpuAll = timed && lastCpu != null ? percent(cpu.all().busyShare(lastCpu.all())) : null;
        Map<Integer, CpuTicks> coresBefore = new HashMap<>();
        if (lastCpu != null) {
            lastCpu.cores().forEach(c -> coresBefore.put(c.cpu(), c));
        }
        List<Core> cores = new ArrayList<>();
        for (CpuTicks c : cpu.cores()) {
            CpuTicks before = coresBefore.get(c.cpu());
            cores.add(new Core(c.cpu(), timed && before != null ? percent(c.busyShare(before)) : null));
        }

        Map<String, DiskIo> diskNow = new LinkedHashMap<>();
        Double diskRead = timed ? 0.0 : null;
        Double diskWrite = timed ? 0.0 : null;
        for (DiskIo d : disks) {
            diskNow.put(d.name(), d);
            DiskIo before = lastDisks.get(d.name());
            if (timed && before != null && d.readBytes() >= before.readBytes() && d.writtenBytes() >= before.writtenBytes()) {
                diskRead += (d.readBytes() - before.readBytes()) / seconds;
                diskWrite += (d.writtenBytes() - before.writtenBytes()) / seconds;
            }
        }

        Map<String, NetDev> netNow = new LinkedHashMap<>();
        List<Interface> interfaces = new ArrayList<>();
        for (NetDev n : net) {
            netNow.put(n.name(), n);
            NetDev before = lastNet.get(n.name());
            boolean rated = timed && before != null && n.rxBytes() >= before.rxBytes() && n.txBytes() >= before.txBytes();
            interfaces.add(new Interface(n.name(), rated ? whole((n.rxBytes() - before.rxBytes()) / seconds) : null,
                    rated ? whole((n.txBytes() - before.txBytes()) / seconds) : null, n.rxBytes(), n.txBytes()));
        }
        // loopback last: the machine talking to itself matters less than its interfaces
        interfaces.sort(java.util.Comparator.comparing((Interface i) -> i.name().equals("lo")));

        List<Usage> usage = new ArrayList<>();
        for (ProcFs.FileSystemProbe p : probes) {
            p.read().ifPresent(fs -> usage.add(new Usage(fs.mountPoint(), fs.type(), fs.size(), fs.used(), fs.available(),
                    fs.percent())));
        }

        lastCpu = cpu;
        lastDisks = diskNow;
        lastNet = netNow;
        lastNanos = nanos;

        Now now = new Now(HostTopic.KEY, millis / 1000.0, cpuAll, List.copyOf(cores), load, uptime, memory.total(),
                memory.used(), memory.available(), memory.swapTotal(), memory.swapUsed(), whole(diskRead), whole(diskWrite),
                List.copyOf(diskNow.keySet()), List.copyOf(interfaces), List.copyOf(usage));
        keep(millis, now);
        return now;
    }

    /** Adds the tick to every series; a series whose thing went away goes with it. */
    private void keep(long millis, Now now) {
        boolean changed = false;
        java.util.Set<String> seen = new java.util.HashSet<>();
        changed |= add(seen, HOST, millis, n(now.cpu()), now.memoryUsed(), now.swapUsed(), now.load()[0], now.load()[1],
                now.load()[2], n(now.diskRead()), n(now.diskWrite()));
        double[] cores = new double[now.cores().size()];
        for (int i = 0; i < cores.length; i++) {
            cores[i] = n(now.cores().get(i).busy());
        }
        if (kept.containsKey(CORES) && kept.get(CORES).columns() != cores.length) { // a CPU went on or offline
            kept.remove(CORES);
        }
        changed |= add(seen, CORES, millis, cores);
        int interfaces = 0;
        for (Interface i : now.interfaces()) {
            if (interfaces++ < MAX_KEPT) {
                changed |= add(seen, NET + i.name(), millis, n(i.rx()), n(i.tx()));
            }
        }
        int fileSystems = 0;
        for (Usage u : now.fileSystems()) {
            if (fileSystems++ < MAX_KEPT) {
                changed |= add(seen, FS + u.mountPoint(), millis, u.percent(), u.used());
            }
        }
        if (kept.keySet().retainAll(seen)) {
            changed = true;
        }
        if (changed) {
            histories = Collections.unmodifiableMap(new LinkedHashMap<>(kept));
        }
    }

    private boolean add(java.util.Set<String> seen, String key, long millis, double... values) {
        seen.add(key);
        History h = kept.get(key);
        boolean made = h == null;
        if (made) {
            h = new History(values.length, finePoints, History.DAY_POINTS, ticksPerMinute);
            kept.put(key, h);
        }
        synchronized (h) {
            h.add(millis, values);
        }
        return made;
    }

    private static <T> List<T> optional(java.util.function.Supplier<List<T>> read) {
        try {
            return read.get();
        } catch (HostUnavailableException e) {
            return List.of();
        }
    }

    private static double n(Double d) {
        return d == null ? Double.NaN : d;
    }

    private static Double percent(double share) {
        return Double.isNaN(share) ? null : Math.round(share * 1000) / 10.0;
    }

    private static Double whole(Double d) {
        return d == null ? null : (double) Math.round(d);
    }
}
