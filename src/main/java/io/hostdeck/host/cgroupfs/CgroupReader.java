package io.hostdeck.host.cgroupfs;

import static io.hostdeck.host.cgroupfs.CgroupParsers.NONE;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import io.hostdeck.host.HostProperties;
import io.hostdeck.host.cgroupfs.CgroupSample.IoDevice;
import io.hostdeck.host.cgroupfs.CgroupSample.Pressure;

/**
 * Reads every cgroup's counters and limits, in whichever layout the target has (v1, hybrid, v2),
 * cheaply enough to sample a thousand cgroups every second.
 *
 * <p>What makes it cheap, measured on this kind of machine: opening and closing a cgroup file costs
 * 7-9 µs, re-reading an open one from offset 0 1.5-3 µs (the kernel regenerates a seq_file from
 * scratch on every read at offset 0), but every open file that has been read pins a 4 KiB buffer
 * of kernel memory charged to Hostdeck's cgroup. And most cgroups on a host are idle in any given
 * second. So {@link #poll} reads first a cgroup's CPU time only (one file, kept open); when it has
 * not moved, nothing the cgroup does has changed either and the previous reading stands. Every
 * cgroup is read in full every {@value #REFRESH_SECONDS} s all the same, for what can change
 * without the cgroup running (reclaim, writeback), as cAdvisor does for idle containers; and its
 * pressure every {@value #PRESSURE_SECONDS} s (the kernel's own update period) while any of it is
 * above zero, so that tasks stuck waiting on IO or memory show although they use no CPU. A
 * cgroup that runs has its memory, IO and tasks read on every poll, its throttling only when it has
 * a CPU quota, its pressure every {@value #PRESSURE_SECONDS} s, and these files are kept open while
 * it keeps running; the slow counters (memory.stat, swap, failcnt, OOM) are read every
 * {@value #SLOW_SECONDS} s and never kept open. Each cgroup keeps these schedules at its own random
 * phase, so that cgroups found together are not all read in full in the same tick.
 *
 * <p>Each cgroup's files are found once, with one directory listing per hierarchy; which files
 * exist is learnt from those listings, never by catching "no such file" on every read. A cgroup
 * that is removed makes its open files fail with ENODEV (also when systemd re-creates it under the
 * same name, as on a restart): the files of that hierarchy are then looked up afresh, and if the
 * cgroup itself is gone the read is empty. Hierarchies or controllers a cgroup lacked are looked
 * for again every {@value #RECHECK_SECONDS} s; cgroups not read for {@value #IDLE_SECONDS} s are
 * forgotten. Limits (cpu.max, memory.max, pids.max, their v1 peers) are settings, not counters:
 * they are read with the first reading and then every {@value #LIMITS_SECONDS} s (at once after
 * {@link CgroupWriter} changes them), so a change made elsewhere shows within that time.
 *
 * <p>{@link #list} walks the tree only when the root's {@code nr_descendants} (cgroup2) changed,
 * when a read found a cgroup gone, or every {@value #WALK_SECONDS} s; otherwise the last walk stands.
 *
 * <p>Paths are cgroup paths as systemd names them ("/", "/system.slice/foo.service"); anything that
 * could lead outside the cgroup tree is refused.
 */
@Component
public class CgroupReader implements AutoCloseable {

    static final int RECHECK_SECONDS = 10;
    static final int IDLE_SECONDS = 180; // longer than the longest sampling interval (60 s)
    private static final long RECHECK_NANOS = RECHECK_SECONDS * 1_000_000_000L;
    private static final long IDLE_NANOS = IDLE_SECONDS * 1_000_000_000L;
    /**
     * How often every cgroup is read in full, limits included, whether it runs or not: cAdvisor's
     * longest housekeeping interval, to which it backs off for containers whose figures do not change.
     */
    public static final int REFRESH_SECONDS = 60;
    private static final long REFRESH_NANOS = REFRESH_SECONDS * 1_000_000_000L;
    static final int LIMITS_SECONDS = REFRESH_SECONDS;
    /** How often the slow counters (memory.stat, swap, failcnt, OOM) of a running cgroup are read. */
    public static final int SLOW_SECONDS = 5;
    private static final long SLOW_NANOS = SLOW_SECONDS * 1_000_000_000L;
    /** The kernel updates the pressure averages every 2 s (PSI_FREQ); reading them more often shows nothing new. */
    static final int PRESSURE_SECONDS = 2;
    private static final long PRESSURE_NANOS = PRESSURE_SECONDS * 1_000_000_000L;
    static final int WALK_SECONDS = 60;
    private static final long WALK_NANOS = WALK_SECONDS * 1_000_000_000L;
    /** Polls in a row without CPU use after which a cgroup's per-tick files are closed. */
    static final int COOL_POLLS = 5;
    /** Where the limits are in the scratch values: cpu quota, period, weight, shares, memory max, high, tasks max. */
    private static final int[] LIMIT_SLOTS = { 6, 7, 8, 9, 11, 12, 22 };
    /** Where the slow counters are: anon, file, swap, failcnt, oom events, oom kills, inactive file. */
    private static final int[] SLOW_SLOTS = { 13, 14, 15, 16, 17, 18, 23 };

    /** Per thread: the read buffer and the parsers' scratch arrays, reused for every file. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final Path cgroupRoot;
    private final int maxOpenFiles;
    private final boolean randomPhases;
    private final AtomicInteger openFiles = new AtomicInteger();
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    /** Names seen to be files, not cgroups, so that list() need not look at them again. */
    private final Set<String> fileNames = ConcurrentHashMap.newKeySet();
    private volatile Layout layout;
    private volatile long nextSweep;
    private volatile boolean closed;
    /** The last walk of the tree, and the root's nr_descendants just before it (-1: unknown). */
    private volatile List<String> walked;
    private volatile long walkedDescendants = -1;
    private volatile long walkDueAt;
    private volatile boolean treeChanged;
    /** Counts beginPass() calls: a pass polls parents before children. */
    private volatile long pass;

    @Autowired
    public CgroupReader(HostProperties host) {
        this(host, defaultOpenFileBudget());
    }

    /** With at most {@code maxOpenFiles} cgroup files kept open (0: open each file for each read). */
    CgroupReader(HostProperties host, int maxOpenFiles) {
        this(host, maxOpenFiles, true);
    }

    /**
     * {@code randomPhases} false (for tests): every cgroup's schedules start at its first reading,
     * so its first full re-read is exactly {@value #REFRESH_SECONDS} s later.
     */
    CgroupReader(HostProperties host, int maxOpenFiles, boolean randomPhases) {
        this.cgroupRoot = host.cgroupRoot();
        this.maxOpenFiles = maxOpenFiles;
        this.randomPhases = randomPhases;
    }

    /** The target's cgroup layout. */
    public CgroupMode mode() {
        return layout().mode();
    }

    /**
     * Every cgroup on the target, "/" first and parents before their children, from the tree that
     * holds every cgroup: the cgroup2 root (v2), the unified mirror (hybrid) or name=systemd (v1).
     * Cgroups that vanish during the walk are left out.
     */
    public List<String> list() {
        return list(false);
    }

    /**
     * Starts a sampler's pass: the cgroups to {@link #poll}, parents first, as {@link #list()}
     * gives them, but the tree is walked again only when the root's count of live descendants
     * changed (cgroup2), a listed cgroup was found gone, or every {@value #WALK_SECONDS} s. So a
     * cgroup made in the same tick as another is removed shows one tick later, once the removed
     * one has been polled. Only one thread may make passes.
     */
    public List<String> beginPass() {
        return list(true);
    }

    private List<String> list(boolean pass) {
        Layout l = layout();
        if (l.mode() == CgroupMode.NONE) {
            return List.of();
        }
        sweepIfDue();
        Scratch scratch = SCRATCH.get();
        long now = System.nanoTime();
        Entry root = entry("/");
        long descendants = root == null ? -1 : root.descendants(scratch);
        List<String> last = walked;
        if (pass) {
            this.pass++;
            if (last != null && descendants >= 0 && descendants == walkedDescendants && !treeChanged
                    && now - walkDueAt < 0) {
                return last;
            }
        }
        treeChanged = false;
        List<String> paths = walk(l, scratch);
        walked = Collections.unmodifiableList(paths);
        walkedDescendants = descendants;
        walkDueAt = now + WALK_NANOS;
        return walked;
    }

    /** Lists the tree; a known leaf (cgroup2 says it has no descendants) is not listed again. */
    private List<String> walk(Layout l, Scratch scratch) {
        List<String> paths = new ArrayList<>();
        ArrayDeque<String> pending = new ArrayDeque<>();
        pending.push("/");
        while (!pending.isEmpty()) {
            String path = pending.pop();
            Entry known = entries.get(path);
            if (known != null && known.descendants(scratch) == 0) {
                paths.add(path); // a leaf, still there: no need to list its directory
                continue;
            }
            String dir = l.primary() + (path.length() == 1 ? "" : path);
            String[] names = new File(dir).list();
            if (names == null) {
                continue; // vanished since its parent was listed
            }
            paths.add(path);
            Arrays.sort(names);
            String prefix = path.length() == 1 ? "/" : path + "/";
            for (int i = names.length - 1; i >= 0; i--) { // pushed backwards: popped in order
                String name = names[i];
                if (fileNames.contains(name)) {
                    continue;
                }
                String child = prefix + name;
                if (entries.containsKey(child) || isCgroup(dir, name)) {
                    pending.push(child);
                }
            }
        }
        return paths;
    }

    /**
     * One reading of the cgroup at {@code path}; empty when there is no such cgroup (also when it
     * vanished meanwhile: a cgroup that is gone is not an error).
     *
     * @throws IllegalArgumentException when {@code path} is not a plain cgroup path
     */
    public Optional<CgroupSample> read(String path) {
        return sample(path, false);
    }

    /**
     * A reading for a sampler that asks every tick: when the cgroup's CPU time has not moved since
     * the last reading, that reading itself (the same instance: nothing has changed), re-read in full
     * every {@value #REFRESH_SECONDS} s all the same; the slow counters every {@value #SLOW_SECONDS} s.
     * Empty when the cgroup is gone.
     *
     * @throws IllegalArgumentException when {@code path} is not a plain cgroup path
     */
    public Optional<CgroupSample> poll(String path) {
        return sample(path, true);
    }

    private Optional<CgroupSample> sample(String path, boolean poll) {
        checkPath(path);
        if (layout().mode() == CgroupMode.NONE || closed) {
            return Optional.empty();
        }
        sweepIfDue();
        while (true) {
            Entry entry = entry(path);
            if (entry == null) {
                List<String> last = walked;
                if (last != null && last.contains(path)) {
                    treeChanged = true; // listed, and gone since: the next list() walks the tree
                }
                return Optional.empty();
            }
            CgroupSample sample;
            synchronized (entry) {
                if (entry.retired) {
                    continue; // closed by the idle sweep meanwhile: start afresh
                }
                sample = entry.sample(SCRATCH.get(), poll);
                if (sample == null) {
                    entry.close();
                }
            }
            if (sample == null) {
                entries.remove(path, entry);
                treeChanged = true; // the next list() walks the tree
                return Optional.empty();
            }
            return Optional.of(sample);
        }
    }

    /** The entry of an existing cgroup, found and probed on first use; null when there is no such cgroup. */
    private Entry entry(String path) {
        Entry entry = entries.get(path);
        if (entry != null) {
            return entry;
        }
        entry = new Entry(layout(), path);
        if (!entry.probeAll()) {
            entry.close();
            return null;
        }
        Entry raced = entries.putIfAbsent(path, entry);
        if (raced != null) {
            entry.close();
            return raced;
        }
        return entry;
    }

    /**
     * Makes the next reading of {@code path} take its limits from the files: limits change rarely
     * and are otherwise re-read every {@value #LIMITS_SECONDS} s; the writer calls this after a write.
     */
    void limitsChanged(String path) {
        Entry entry = entries.get(path);
        if (entry != null) {
            entry.limitsChanged();
        }
    }

    /**
     * The same for every cgroup named {@code name} (its last path segment), e.g. a unit's after
     * systemd was asked to change the unit's limits.
     */
    public void limitsChangedOf(String name) {
        String suffix = "/" + name;
        entries.forEach((path, entry) -> {
            if (path.endsWith(suffix)) {
                entry.limitsChanged();
            }
        });
    }

    /** Closes every file kept open; later reads find nothing. */
    @Override
    public void close() {
        closed = true;
        for (String path : entries.keySet()) {
            Entry entry = entries.remove(path);
            if (entry != null) {
                synchronized (entry) {
                    entry.close();
                }
            }
        }
    }

    /** How many cgroup files are open now (for tests and diagnostics). */
    int openFiles() {
        return openFiles.get();
    }

    /**
     * A plain cgroup path: "/" or "/a/b", without "..", ".", empty segments or NUL, so that a read
     * or write can never reach a file outside the cgroup tree.
     *
     * @throws IllegalArgumentException otherwise
     */
    static void checkPath(String path) {
        if (path == null || path.isEmpty() || path.charAt(0) != '/') {
            throw new IllegalArgumentException("a cgroup path starts with '/', got '" + path + "'");
        }
        if (path.length() == 1) {
            return;
        }
        if (path.indexOf('\0') >= 0 || path.contains("//") || path.endsWith("/")
                || path.contains("/../") || path.endsWith("/..") || path.contains("/./") || path.endsWith("/.")) {
            throw new IllegalArgumentException("not a plain cgroup path: '" + path.replace('\0', '?') + "'");
        }
        if (path.contains("..")) { // also "a..b": nothing systemd makes, and not worth the doubt
            throw new IllegalArgumentException("not a plain cgroup path: '" + path + "'");
        }
    }

    Layout layout() {
        Layout l = layout;
        if (l == null || l.mode() == CgroupMode.NONE) {
            l = Layout.detect(cgroupRoot);
            layout = l;
        }
        return l;
    }

    private static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash == 0 ? "/" : path.substring(0, slash);
    }

    /** Whether dir/name is a child cgroup; names found to be files are remembered. */
    private boolean isCgroup(String dir, String name) {
        File child = new File(dir, name);
        if (child.isDirectory()) {
            return true;
        }
        if (child.isFile()) {
            fileNames.add(name);
        }
        return false;
    }

    private void sweepIfDue() {
        long now = System.nanoTime();
        if (now - nextSweep < 0) {
            return;
        }
        nextSweep = now + RECHECK_NANOS;
        entries.forEach((path, entry) -> {
            if (now - entry.lastRead > IDLE_NANOS && entries.remove(path, entry)) {
                synchronized (entry) {
                    entry.close();
                }
            }
        });
    }

    static int defaultOpenFileBudget() {
        long max = 1024;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            max = unix.getMaxFileDescriptorCount();
        }
        // leave a quarter (at least 1024) to the rest of the application
        long budget = max - Math.max(1024, max / 4);
        return (int) Math.max(0, Math.min(budget, 65_536));
    }

    /** One cgroup's files: where they are, and those kept open. Guarded by its own monitor. */
    private final class Entry {

        private final Layout l;
        private final String path;
        private final String[] dirs;              // by tree: tree root + path
        private final String[] files;             // by knob: the file, null when absent
        private final RandomAccessFile[] open;    // by knob: kept open, or null
        private final boolean[] lacking;          // by tree: something wanted was not there
        private final String primaryDir;
        private final boolean root;
        private long recheckAt;
        /** Where this cgroup's schedules start: its creation, plus a random part of a minute in production. */
        private final long anchor = System.nanoTime() + (randomPhases ? ThreadLocalRandom.current().nextLong(REFRESH_NANOS) : 0);
        private boolean limitsTold;
        private long slowDueAt;
        private long refreshDueAt;
        private long pressureDueAt;
        private final long[] limits = new long[LIMIT_SLOTS.length];
        private final long[] slow = new long[SLOW_SLOTS.length];
        private final long[] throttling = new long[3];
        private Pressure cpuPressure;
        private Pressure memoryPressure;
        private Pressure ioPressure;
        /** The last reading's bytes per device, kept so that an unchanged list is not made again. */
        private List<IoDevice> ioDevices;
        private CgroupSample last;
        /** Polls in a row in which the CPU time did not move. */
        private int stillPolls;
        /** The parent's entry (null for "/"), looked up again when it was replaced. */
        private Entry parent;
        /** The pass in which this cgroup was last found not to have run, or -1. */
        private long stillInPass = -1;
        private boolean retired;
        private volatile long lastRead = System.nanoTime();

        Entry(Layout l, String path) {
            this.l = l;
            this.path = path;
            String suffix = path.length() == 1 ? "" : path;
            this.dirs = new String[l.trees().length];
            for (int t = 0; t < dirs.length; t++) {
                dirs[t] = l.trees()[t] + suffix;
            }
            this.primaryDir = l.primary() + suffix;
            this.root = path.length() == 1;
            this.files = new String[Knob.COUNT];
            this.open = new RandomAccessFile[Knob.COUNT];
            this.lacking = new boolean[dirs.length];
            this.parent = root ? null : entries.get(parentOf(path));
        }

        /** Finds the files of every hierarchy; false when the cgroup does not exist. */
        boolean probeAll() {
            if (!new File(primaryDir).isDirectory()) {
                return false;
            }
            for (int t = 0; t < dirs.length; t++) {
                probe(t, true);
            }
            recheckAt = System.nanoTime() + RECHECK_NANOS;
            return true;
        }

        /**
         * Finds the files of tree t with one listing of its directory. Afresh: closes what was open
         * there first (its cgroup was removed or re-created); otherwise only adds what has appeared.
         */
        private void probe(int t, boolean afresh) {
            if (afresh) {
                for (Knob k : l.knobs(t)) {
                    drop(k);
                }
            }
            String[] names = new File(dirs[t]).list();
            lacking[t] = false;
            for (Knob k : l.knobs(t)) {
                if (files[k.ordinal()] != null) {
                    continue;
                }
                boolean unneeded = k == Knob.CPUACCT_STAT && files[Knob.CPUACCT_USER.ordinal()] != null;
                if (names != null && contains(names, k.file) && !unneeded) {
                    files[k.ordinal()] = dirs[t] + "/" + k.file; // opened on first read
                } else if (names == null || l.followsControllers(t)) {
                    lacking[t] = true;
                }
            }
        }

        private void keepOpen(Knob k) {
            if (openFiles.incrementAndGet() > maxOpenFiles || closed) {
                openFiles.decrementAndGet();
                return;
            }
            try {
                open[k.ordinal()] = new RandomAccessFile(files[k.ordinal()], "r");
            } catch (IOException e) { // vanished between listing and open: found stale on read
                openFiles.decrementAndGet();
            }
        }

        private void drop(Knob k) {
            files[k.ordinal()] = null;
            shut(k);
        }

        /** Closes knob k's file if it is open; it is still known, and opened again when wanted. */
        private void shut(Knob k) {
            int i = k.ordinal();
            RandomAccessFile f = open[i];
            if (f != null) {
                open[i] = null;
                openFiles.decrementAndGet();
                try {
                    f.close();
                } catch (IOException ignored) {
                    // closing a read-only cgroup file has nothing to report
                }
            }
        }

        /**
         * cgroup.stat's nr_descendants, the live cgroups below this one (cgroup2 only); -1 when
         * unknown, also when the file failed: the caller lists the directory instead.
         */
        synchronized long descendants(Scratch s) {
            if (retired) {
                return -1;
            }
            s.stale = false;
            s.gone = false;
            int n = load(Knob.CGROUP_STAT, s);
            if (n < 0) {
                return -1;
            }
            CgroupParsers.keyed(s.buf, n, Scratch.CGROUP_STAT_KEYS, s.keyed);
            return s.keyed[0] == NONE ? -1 : s.keyed[0];
        }

        /**
         * Whether knob k's file stays open between reads: the file that tells whether the cgroup
         * ran, the root's cgroup.stat (both read every tick), and the other per-tick files of a
         * cgroup that runs.
         */
        private boolean keep(Knob k) {
            if (k == l.probe()) {
                return true;
            }
            if (k == Knob.CGROUP_STAT) {
                return root;
            }
            return k.everyTick && stillPolls < COOL_POLLS;
        }

        /** Closes the per-tick files of a cgroup that has stopped running. */
        private void cool() {
            for (Knob k : Knob.values()) {
                if (open[k.ordinal()] != null && !keep(k)) {
                    shut(k);
                }
            }
        }

        /** Closes its files; a retired entry is never read again. */
        void close() {
            retired = true;
            for (Knob k : Knob.values()) {
                drop(k);
            }
        }

        /**
         * Reads knob k into the scratch buffer: its length, or -1 when absent. A file that fails
         * (ENODEV: the cgroup was removed, maybe re-created) has its tree looked up again and is
         * read once more from there.
         */
        private int load(Knob k, Scratch s) {
            int i = k.ordinal();
            for (int attempt = 0; attempt < 2; attempt++) {
                if (files[i] == null || s.gone) {
                    return -1;
                }
                try {
                    // a FileChannel closes itself when its thread is interrupted: not these shared ones
                    boolean interrupted = Thread.currentThread().isInterrupted();
                    if (open[i] == null && !interrupted && keep(k)) {
                        keepOpen(k);
                    }
                    return open[i] != null && !interrupted ? s.readFrom(open[i]) : s.readOnce(files[i]);
                } catch (IOException e) {
                    s.stale = true;
                    if (!new File(primaryDir).isDirectory()) {
                        s.gone = true; // the whole cgroup, not just this hierarchy's part
                        return -1;
                    }
                    probe(l.treeOf(k), true);
                }
            }
            return -1;
        }

        /**
         * The reading, or null when the cgroup turned out to be gone. Polled: the previous reading
         * when the CPU time has not moved and nothing is due (see the class comment).
         */
        CgroupSample sample(Scratch s, boolean poll) {
            long now = System.nanoTime();
            lastRead = now;
            if (now - recheckAt >= 0) {
                for (int t = 0; t < dirs.length; t++) {
                    if (lacking[t]) {
                        probe(t, false);
                    }
                }
                recheckAt = now + RECHECK_NANOS;
            }
            s.stale = false;
            s.gone = false;
            long[] v = s.values;
            long at = System.nanoTime();
            boolean v2 = l.mode() == CgroupMode.V2;
            boolean refreshDue = last == null || now - refreshDueAt >= 0;
            boolean limitsDue = refreshDue || limitsTold;
            long thisPass = pass;
            if (poll && !limitsDue && parent != null && !parent.retired && parent.stillInPass == thisPass) {
                // CPU time counts the whole subtree: the parent did not run this pass, so neither did this
                stillInPass = thisPass;
                stillPolls++;
                if (stillPolls == COOL_POLLS) {
                    cool();
                }
                return stillOrPressure(s, now, at);
            }
            cpu(s, v);
            if (s.gone) {
                return null;
            }
            Long lastUsage = last == null ? null : last.cpuUsageUsec();
            boolean still = lastUsage != null && v[0] == lastUsage;
            stillInPass = still ? thisPass : -1;
            boolean full = !poll || limitsDue || s.stale;
            if (still) {
                stillPolls++;
                if (stillPolls == COOL_POLLS) {
                    cool();
                }
            } else {
                stillPolls = 0;
            }
            if (still && !full) {
                return stillOrPressure(s, now, at);
            }
            // memory, IO, tasks
            if (v2) {
                v2(s, v);
            } else {
                v1(s, v, l.mode() == CgroupMode.HYBRID);
                // throttling (v1 cpu.stat) moves only under a quota; cgroup2's is in the CPU file already
                if (full || limits[0] != NONE) {
                    keyed(Knob.CFS_STAT, s, Scratch.CFS_STAT_KEYS, v, 3); // nr_periods, nr_throttled, throttled_time (ns)
                    if (v[5] != NONE) {
                        v[5] /= 1000;
                    }
                    System.arraycopy(v, 3, throttling, 0, 3);
                } else {
                    System.arraycopy(throttling, 0, v, 3, 3);
                }
            }
            if (full || now - pressureDueAt >= 0) {
                readPressure(s, now);
            }
            s.cpuPressure = cpuPressure;
            s.memoryPressure = memoryPressure;
            s.ioPressure = ioPressure;
            s.ioDevices = ioDevices;
            if (full || now - slowDueAt >= 0) {
                if (v2) {
                    v2Slow(s, v);
                } else {
                    v1Slow(s, v);
                }
                copy(v, SLOW_SLOTS, slow);
                slowDueAt = next(now, SLOW_NANOS);
            } else {
                restore(slow, SLOW_SLOTS, v);
            }
            if (limitsDue) {
                if (v2) {
                    v2Limits(s, v);
                } else {
                    v1Limits(s, v);
                }
                copy(v, LIMIT_SLOTS, limits);
                limitsTold = false;
            } else {
                restore(limits, LIMIT_SLOTS, v);
            }
            if (refreshDue) {
                refreshDueAt = next(now, REFRESH_NANOS);
                if (parent != null && parent.retired) {
                    parent = entries.get(parentOf(path));
                }
            }
            if (s.gone) {
                return null;
            }
            if (s.stale) {
                limitsTold = true; // the cgroup may have been re-created: read it all again next time
            }
            last = s.sample(path, at);
            return last;
        }

        private static void copy(long[] v, int[] slots, long[] to) {
            for (int i = 0; i < slots.length; i++) {
                to[i] = v[slots[i]];
            }
        }

        private static void restore(long[] from, int[] slots, long[] v) {
            for (int i = 0; i < slots.length; i++) {
                v[slots[i]] = from[i];
            }
        }

        /**
         * The reading of a cgroup that has not run: the last one, or, when its pressure was above
         * zero and is due, the last one with the pressure read anew (null when the cgroup is gone).
         */
        private CgroupSample stillOrPressure(Scratch s, long now, long at) {
            if (pressureAboveZero() && now - pressureDueAt >= 0) {
                s.stale = false;
                s.gone = false;
                readPressure(s, now);
                if (s.gone) {
                    return null;
                }
                last = last.withPressure(at, cpuPressure, memoryPressure, ioPressure);
            }
            return last;
        }

        /** The next time after {@code now} in this cgroup's phase of {@code period}. */
        private long next(long now, long period) {
            return now + period - Math.floorMod(now - anchor, period);
        }

        private void readPressure(Scratch s, long now) {
            boolean cgroup2 = l.mode() != CgroupMode.V1;
            cpuPressure = cgroup2 ? pressure(Knob.CPU_PRESSURE, s) : null;
            memoryPressure = cgroup2 ? pressure(Knob.MEMORY_PRESSURE, s) : null;
            ioPressure = cgroup2 ? pressure(Knob.IO_PRESSURE, s) : null;
            pressureDueAt = next(now, PRESSURE_NANOS);
        }

        private boolean pressureAboveZero() {
            return aboveZero(cpuPressure) || aboveZero(memoryPressure) || aboveZero(ioPressure);
        }

        private static boolean aboveZero(Pressure p) {
            return p != null && (p.someAvg10() > 0 || (p.fullAvg10() != null && p.fullAvg10() > 0));
        }

        /** The CPU time into v[0] (cgroup2: also user and system time and the throttling figures, v[1..5]). */
        private void cpu(Scratch s, long[] v) {
            if (l.probe() == Knob.CPU_STAT) {
                // v2, and hybrid: v1 keeps no per-unit cpuacct where cpu and cpuacct are mounted apart
                keyed(Knob.CPU_STAT, s, Scratch.CPU_STAT_KEYS, v, 0); // usage, user, system, periods, throttled, throttled_usec
            } else {
                long usage = number(Knob.CPUACCT_USAGE, s);      // ns
                v[0] = usage == NONE ? NONE : usage / 1000;
            }
        }

        /** Makes the next reading take the limits from the files again. */
        synchronized void limitsChanged() {
            limitsTold = true;
        }

        /** The per-tick counters besides CPU time. */
        private void v2(Scratch s, long[] v) {
            v[10] = number(Knob.MEMORY_CURRENT, s);
            io(Knob.IO_STAT, s, v, 19);
            v[21] = number(Knob.PIDS_CURRENT, s);
        }

        /** The slow counters: memory breakdown, swap, OOM. */
        private void v2Slow(Scratch s, long[] v) {
            memoryStat(Knob.MEMORY_STAT, s, Scratch.V2_MEMORY_STAT_KEYS, v); // anon, file, inactive_file
            v[15] = number(Knob.MEMORY_SWAP, s);
            v[16] = NONE;                                         // failcnt: v1 only
            keyed(Knob.MEMORY_EVENTS, s, Scratch.MEMORY_EVENTS_KEYS, v, 17); // oom, oom_kill
        }

        private void v2Limits(Scratch s, long[] v) {
            cpuMax(s, v, 6);                                      // quota, period
            v[8] = number(Knob.CPU_WEIGHT, s);
            v[9] = NONE;                                          // shares: v1 only
            v[11] = limit(Knob.MEMORY_MAX, s);
            v[12] = limit(Knob.MEMORY_HIGH, s);
            v[22] = limit(Knob.PIDS_MAX, s);
        }

        /** The per-tick counters besides CPU time and throttling. */
        private void v1(Scratch s, long[] v, boolean hybrid) {
            if (!hybrid) {
                cpuacctSplit(s, v);
            }
            v[10] = number(Knob.MEMORY_USAGE, s);
            io(Knob.BLKIO_BYTES, s, v, 19);
            v[21] = number(Knob.PIDS_CURRENT, s);
        }

        /** The slow counters: memory breakdown, swap, failcnt, OOM kills. */
        private void v1Slow(Scratch s, long[] v) {
            memoryStat(Knob.V1_MEMORY_STAT, s, Scratch.V1_MEMORY_STAT_KEYS, v); // total_rss, total_cache, total_inactive_file
            long memsw = number(Knob.MEMSW_USAGE, s);
            v[15] = memsw == NONE || v[10] == NONE ? NONE : Math.max(0, memsw - v[10]);
            v[16] = number(Knob.MEMORY_FAILCNT, s);
            v[17] = NONE;                                         // oom events: v1 has only the under_oom state
            keyed(Knob.OOM_CONTROL, s, Scratch.OOM_CONTROL_KEYS, v, 18); // oom_kill (kernel >= 4.13)
        }

        private void v1Limits(Scratch s, long[] v) {
            v[6] = limit(Knob.CFS_QUOTA, s);
            v[7] = number(Knob.CFS_PERIOD, s);
            v[8] = NONE;                                          // weight: v2 only
            v[9] = number(Knob.CPU_SHARES, s);
            v[11] = limit(Knob.MEMORY_LIMIT, s);
            v[12] = NONE;                                         // memory.high: v2 only
            v[22] = limit(Knob.PIDS_MAX, s);
        }

        /** v1 CPU time split: usage_user/usage_sys (ns) or cpuacct.stat (USER_HZ ticks). */
        private void cpuacctSplit(Scratch s, long[] v) {
            long user = number(Knob.CPUACCT_USER, s);
            long system = number(Knob.CPUACCT_SYS, s);
            if (user != NONE && system != NONE) {
                v[1] = user / 1000;
                v[2] = system / 1000;
                return;
            }
            keyed(Knob.CPUACCT_STAT, s, Scratch.CPUACCT_STAT_KEYS, v, 1);
            // USER_HZ is 100 on every Linux architecture Hostdeck runs on: a tick is 10 ms
            v[1] = v[1] == NONE ? NONE : v[1] * 10_000;
            v[2] = v[2] == NONE ? NONE : v[2] * 10_000;
        }

        private void keyed(Knob k, Scratch s, byte[][] keys, long[] v, int at) {
            int n = load(k, s);
            if (n < 0) {
                Arrays.fill(v, at, at + keys.length, NONE);
                return;
            }
            CgroupParsers.keyed(s.buf, n, keys, s.keyed);
            System.arraycopy(s.keyed, 0, v, at, keys.length);
        }

        /**
         * memory.stat's three figures, in one read: the anonymous memory and page cache into v[13]
         * and v[14], the inactive page cache (for the working set) into v[23].
         */
        private void memoryStat(Knob k, Scratch s, byte[][] keys, long[] v) {
            int n = load(k, s);
            if (n < 0) {
                v[13] = NONE;
                v[14] = NONE;
                v[23] = NONE;
                return;
            }
            CgroupParsers.keyed(s.buf, n, keys, s.keyed);
            v[13] = s.keyed[0];
            v[14] = s.keyed[1];
            v[23] = s.keyed[2];
        }

        private long number(Knob k, Scratch s) {
            int n = load(k, s);
            return n < 0 ? NONE : CgroupParsers.number(s.buf, n);
        }

        private long limit(Knob k, Scratch s) {
            int n = load(k, s);
            return n < 0 ? NONE : CgroupParsers.limit(s.buf, n);
        }

        private void cpuMax(Scratch s, long[] v, int at) {
            int n = load(Knob.CPU_MAX, s);
            if (n < 0) {
                v[at] = NONE;
                v[at + 1] = NONE;
                return;
            }
            CgroupParsers.cpuMax(s.buf, n, s.pair);
            v[at] = s.pair[0];
            v[at + 1] = s.pair[1];
        }

        private void io(Knob k, Scratch s, long[] v, int at) {
            int n = load(k, s);
            if (n < 0) {
                v[at] = NONE;
                v[at + 1] = NONE;
                ioDevices = null;
                return;
            }
            if (k == Knob.IO_STAT) {
                CgroupParsers.ioStat(s.buf, n, s.deviceIo);
            } else {
                CgroupParsers.blkioServiceBytes(s.buf, n, s.deviceIo);
            }
            v[at] = s.deviceIo.read();
            v[at + 1] = s.deviceIo.written();
            ioDevices = s.deviceIo.devices(ioDevices);
        }

        private Pressure pressure(Knob k, Scratch s) {
            int n = load(k, s);
            return n < 0 ? null : CgroupParsers.pressure(s.buf, n);
        }

        private static boolean contains(String[] names, String name) {
            for (String n : names) {
                if (n.equals(name)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A thread's buffer and scratch values. */
    private static final class Scratch {

        static final byte[][] CGROUP_STAT_KEYS = CgroupParsers.keys("nr_descendants");
        static final byte[][] CPU_STAT_KEYS = CgroupParsers.keys("usage_usec", "user_usec", "system_usec",
                "nr_periods", "nr_throttled", "throttled_usec");
        static final byte[][] CFS_STAT_KEYS = CgroupParsers.keys("nr_periods", "nr_throttled", "throttled_time");
        static final byte[][] V2_MEMORY_STAT_KEYS = CgroupParsers.keys("anon", "file", "inactive_file");
        static final byte[][] V1_MEMORY_STAT_KEYS = CgroupParsers.keys("total_rss", "total_cache", "total_inactive_file");
        static final byte[][] MEMORY_EVENTS_KEYS = CgroupParsers.keys("oom", "oom_kill");
        static final byte[][] OOM_CONTROL_KEYS = CgroupParsers.keys("oom_kill");
        static final byte[][] CPUACCT_STAT_KEYS = CgroupParsers.keys("user", "system");
        private static final int CHUNK = 8192; // FileInputStream reads up to 8 KiB without a malloc

        byte[] buf = new byte[CHUNK];
        ByteBuffer wrapped = ByteBuffer.wrap(buf);
        final long[] values = new long[24];
        final long[] keyed = new long[8];
        final long[] pair = new long[2];
        boolean stale;
        boolean gone;
        Pressure cpuPressure;
        Pressure memoryPressure;
        Pressure ioPressure;
        final DeviceIo deviceIo = new DeviceIo();
        List<IoDevice> ioDevices;

        /**
         * Re-reads an open cgroup file from its start with one pread(2): the kernel regenerates it.
         * A cgroup file (a seq_file) reads short only at its end.
         */
        int readFrom(RandomAccessFile f) throws IOException {
            FileChannel ch = f.getChannel();
            int n = 0;
            while (true) {
                if (wrapped.array() != buf) {
                    wrapped = ByteBuffer.wrap(buf);
                }
                wrapped.limit(buf.length).position(n);
                int got = ch.read(wrapped, n);
                if (got <= 0) {
                    return n;
                }
                n += got;
                if (n < buf.length) {
                    return n;
                }
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
        }

        int readOnce(String file) throws IOException {
            try (InputStream in = new FileInputStream(file)) {
                int n = 0;
                while (true) {
                    int want = Math.min(CHUNK, buf.length - n);
                    int got = in.read(buf, n, want);
                    if (got <= 0) {
                        return n;
                    }
                    n += got;
                    if (got < want) {
                        return n;
                    }
                    if (n == buf.length) {
                        buf = Arrays.copyOf(buf, buf.length * 2);
                    }
                }
            }
        }

        CgroupSample sample(String path, long at) {
            long[] v = values;
            return new CgroupSample(path, at, box(v[0]), box(v[1]), box(v[2]), box(v[3]), box(v[4]), box(v[5]),
                    box(v[6]), box(v[7]), box(v[8]), box(v[9]), box(v[10]), box(v[11]), box(v[12]), box(v[13]),
                    box(v[14]), box(v[23]), box(v[15]), box(v[16]), box(v[17]), box(v[18]), box(v[19]), box(v[20]),
                    ioDevices, box(v[21]), box(v[22]), cpuPressure, memoryPressure, ioPressure);
        }

        private static Long box(long value) {
            return value == NONE ? null : value;
        }
    }

    /** The files Hostdeck reads, by name; which hierarchy holds each depends on the layout. */
    enum Knob {
        // cgroup2: v2, and the unified tree of hybrid mode (cpu.stat and pressure need no controller there)
        CGROUP_STAT("cgroup.stat", false), CPU_STAT("cpu.stat", true), CPU_PRESSURE("cpu.pressure", true),
        MEMORY_PRESSURE("memory.pressure", true), IO_PRESSURE("io.pressure", true),
        CPU_MAX("cpu.max", false), CPU_WEIGHT("cpu.weight", false), MEMORY_CURRENT("memory.current", true),
        MEMORY_MAX("memory.max", false), MEMORY_HIGH("memory.high", false), MEMORY_EVENTS("memory.events", false),
        MEMORY_STAT("memory.stat", false), MEMORY_SWAP("memory.swap.current", false), IO_STAT("io.stat", true),
        // both: the pids controller's files have the same names in v1 and v2
        PIDS_CURRENT("pids.current", true), PIDS_MAX("pids.max", false),
        // v1 controllers
        MEMORY_USAGE("memory.usage_in_bytes", true), MEMORY_LIMIT("memory.limit_in_bytes", false),
        V1_MEMORY_STAT("memory.stat", false), MEMORY_FAILCNT("memory.failcnt", false),
        OOM_CONTROL("memory.oom_control", false), MEMSW_USAGE("memory.memsw.usage_in_bytes", false),
        CFS_STAT("cpu.stat", true), CFS_QUOTA("cpu.cfs_quota_us", false), CFS_PERIOD("cpu.cfs_period_us", false),
        CPU_SHARES("cpu.shares", false), BLKIO_BYTES("blkio.throttle.io_service_bytes_recursive", true),
        // v1 cpuacct, legacy mode only; cpuacct.stat only where usage_user/usage_sys are missing (before 4.7)
        CPUACCT_USAGE("cpuacct.usage", true), CPUACCT_USER("cpuacct.usage_user", true),
        CPUACCT_SYS("cpuacct.usage_sys", true), CPUACCT_STAT("cpuacct.stat", true);

        static final int COUNT = values().length;
        static final Knob[] V2 = { CGROUP_STAT, CPU_STAT, CPU_MAX, CPU_WEIGHT, MEMORY_CURRENT, MEMORY_MAX, MEMORY_HIGH,
            MEMORY_EVENTS, MEMORY_STAT, MEMORY_SWAP, IO_STAT, PIDS_CURRENT, PIDS_MAX, CPU_PRESSURE,
            MEMORY_PRESSURE, IO_PRESSURE };

        final String file;
        /** Read on every tick while the cgroup runs (kept open then); otherwise read every few seconds. */
        final boolean everyTick;

        Knob(String file, boolean everyTick) {
            this.file = file;
            this.everyTick = everyTick;
        }
    }

    /**
     * Where each file lives in the target's layout: the hierarchies read (as directories under
     * {@code <root>/sys/fs/cgroup}) and the knobs read from each. Found once; the writer uses it too.
     *
     * @param mode        the layout
     * @param primary     the tree that holds every cgroup: cgroup2 root, hybrid's unified/, v1's name=systemd
     * @param trees       the distinct hierarchy directories read, e.g. ".../memory", ".../cpu,cpuacct"
     * @param knobsByTree the knobs read from each tree
     * @param treeOfKnob  by knob: index into trees, or -1 when this layout does not read it
     * @param controllers controller name to its hierarchy directory ("memory" to ".../memory"; all to the root in v2)
     */
    record Layout(CgroupMode mode, String primary, String[] trees, Knob[][] knobsByTree, int[] treeOfKnob,
            Map<String, String> controllers) {

        private static final Knob[] PRESSURE = { Knob.CPU_PRESSURE, Knob.MEMORY_PRESSURE, Knob.IO_PRESSURE };
        private static final Knob[] MEMORY = { Knob.MEMORY_USAGE, Knob.MEMORY_LIMIT, Knob.V1_MEMORY_STAT,
            Knob.MEMORY_FAILCNT, Knob.OOM_CONTROL, Knob.MEMSW_USAGE };
        private static final Knob[] CPU = { Knob.CFS_STAT, Knob.CFS_QUOTA, Knob.CFS_PERIOD, Knob.CPU_SHARES };
        private static final Knob[] CPUACCT = { Knob.CPUACCT_USAGE, Knob.CPUACCT_USER, Knob.CPUACCT_SYS, Knob.CPUACCT_STAT };
        private static final Knob[] PIDS = { Knob.PIDS_CURRENT, Knob.PIDS_MAX };
        private static final Knob[] BLKIO = { Knob.BLKIO_BYTES };

        static Layout detect(Path cgroupRoot) {
            String root = cgroupRoot.toString();
            CgroupMode mode = CgroupFs.detect(cgroupRoot);
            Builder b = new Builder();
            switch (mode) {
                case V2 -> {
                    b.add(root, Knob.V2);
                    for (String c : List.of("cpu", "memory", "io", "pids")) {
                        b.controllers.put(c, root);
                    }
                    return b.build(mode, root);
                }
                case HYBRID -> {
                    String unified = root + "/unified";
                    b.add(unified, Knob.CGROUP_STAT, Knob.CPU_STAT);
                    b.add(unified, PRESSURE);
                    b.v1(cgroupRoot, false);
                    return b.build(mode, unified);
                }
                case V1 -> {
                    b.v1(cgroupRoot, true);
                    String systemd = hierarchy(cgroupRoot, "name=systemd");
                    String primary = systemd != null ? systemd
                            : b.controllers.isEmpty() ? root + "/systemd" : b.controllers.values().iterator().next();
                    return b.build(mode, primary);
                }
                default -> {
                    return b.build(CgroupMode.NONE, root);
                }
            }
        }

        /**
         * The directory of the v1 hierarchy that carries {@code controller}, e.g. ".../memory" or
         * ".../cpu,cpuacct" for "cpuacct": the real directory, never the cpu/cpuacct symlinks, which
         * may be absolute and so point outside a target seen through /proc/PID/root.
         */
        static String hierarchy(Path cgroupRoot, String controller) {
            String[] names = cgroupRoot.toFile().list();
            if (names == null) {
                return null;
            }
            Arrays.sort(names);
            String wanted = controller.startsWith("name=") ? controller.substring(5) : controller;
            for (String name : names) {
                Path dir = cgroupRoot.resolve(name);
                if (Arrays.asList(name.split(",")).contains(wanted) && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    return dir.toString();
                }
            }
            return null;
        }

        Knob[] knobs(int tree) {
            return knobsByTree[tree];
        }

        /** The file read first on every poll: the CPU time, which tells whether the cgroup ran. */
        Knob probe() {
            return mode == CgroupMode.V1 ? Knob.CPUACCT_USAGE : Knob.CPU_STAT;
        }

        int treeOf(Knob k) {
            return treeOfKnob[k.ordinal()];
        }

        /** Whether a cgroup's files in this tree come and go with its controllers (cgroup2 in v2 mode). */
        boolean followsControllers(int tree) {
            return mode == CgroupMode.V2;
        }

        /** The directory under which {@code controller}'s files are, or null when it is not mounted. */
        String controllerTree(String controller) {
            return controllers.get(controller);
        }

        /** Collects trees and knobs; trees are keyed by directory, so "cpu,cpuacct" is one tree. */
        private static final class Builder {
            final Map<String, List<Knob>> trees = new LinkedHashMap<>();
            final Map<String, String> controllers = new LinkedHashMap<>();

            void add(String dir, Knob... knobs) {
                trees.computeIfAbsent(dir, d -> new ArrayList<>()).addAll(List.of(knobs));
            }

            void v1(Path cgroupRoot, boolean cpuacct) {
                controller(cgroupRoot, "memory", MEMORY);
                controller(cgroupRoot, "cpu", CPU);
                if (cpuacct) {
                    controller(cgroupRoot, "cpuacct", CPUACCT);
                }
                controller(cgroupRoot, "pids", PIDS);
                controller(cgroupRoot, "blkio", BLKIO);
            }

            private void controller(Path cgroupRoot, String controller, Knob[] knobs) {
                String dir = hierarchy(cgroupRoot, controller);
                if (dir != null) {
                    controllers.put(controller, dir);
                    add(dir, knobs);
                }
            }

            Layout build(CgroupMode mode, String primary) {
                String[] dirs = trees.keySet().toArray(String[]::new);
                Knob[][] knobs = new Knob[dirs.length][];
                int[] treeOf = new int[Knob.COUNT];
                Arrays.fill(treeOf, -1);
                for (int t = 0; t < dirs.length; t++) {
                    List<Knob> list = new ArrayList<>(trees.get(dirs[t]));
                    list.sort(null); // enum order: cpuacct.usage_user is looked for before cpuacct.stat
                    knobs[t] = list.toArray(Knob[]::new);
                    for (Knob k : knobs[t]) {
                        treeOf[k.ordinal()] = t;
                    }
                }
                return new Layout(mode, primary, dirs, knobs, treeOf, Map.copyOf(controllers));
            }
        }
    }
}
