package io.hostdeck.host.cgroupfs;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import io.hostdeck.host.HostProperties;

/**
 * Reads every cgroup's counters and limits, in whichever layout the target has (v1, hybrid, v2),
 * cheaply enough to sample a thousand cgroups every second.
 *
 * <p>What makes it cheap, measured on this kind of machine: opening and closing a cgroup file costs
 * 7-9 µs, re-reading an open one from offset 0 1.5-3 µs (the kernel regenerates a seq_file from
 * scratch on every read at offset 0), but every open file that has been read pins a 4 KiB buffer
 * of kernel memory charged to Hostdeck's cgroup. And most cgroups on a host are idle in any given
 * second. So {@link #poll} reads first a cgroup's CPU time only (one file, kept open); when it has
 * not moved, nothing the cgroup does has changed either and the previous reading stands. A parent
 * whose CPU time did not move has children that did not run (the kernel counts the subtree); one
 * whose time moved by exactly what its running children used (give or take a µs of rounding for
 * each) has cool children that did not run either, so they are not read ({@code CgroupEntry#sumChildren}).
 * Every cgroup is read again every {@value #REFRESH_SECONDS} s all the same, for what can change
 * without the cgroup running (reclaim, writeback, limits set by others), as cAdvisor does for idle
 * containers — a cool cgroup's refresh reads only those files; and its
 * pressure every {@value #PRESSURE_SECONDS} s (twice the kernel's own update period) while any of it is
 * above zero, so that tasks stuck waiting on IO or memory show although they use no CPU — at twice
 * the interval after each re-read that found the stall totals unchanged, up to
 * {@value #PRESSURE_BACKOFF_SECONDS} s. A
 * cgroup that runs has its CPU time read on every poll, its memory, IO and tasks every
 * {@value #COUNTERS_SECONDS} s and once more after it stopped (what it did last shows), its throttling on every poll only when it has a CPU quota, its
 * pressure every {@value #PRESSURE_SECONDS} s, and these files are kept open while it keeps
 * running; the slow counters (memory.stat, swap, failcnt, OOM) are read every
 * {@value #SLOW_SECONDS} s while its memory moves, and never kept open. Each cgroup keeps these schedules at its own random
 * phase, so that cgroups found together are not all read in full in the same tick.
 *
 * <p>Each cgroup's files are found once, with one directory listing per hierarchy; which files
 * exist is learnt from those listings, never by catching "no such file" on every read. A cgroup
 * that is removed makes its open files fail with ENODEV (also when systemd re-creates it under the
 * same name, as on a restart): the files of that hierarchy are then looked up afresh, and if the
 * cgroup itself is gone the read is empty. Hierarchies or controllers a cgroup lacked are looked
 * for again every {@value #RECHECK_SECONDS} s; cgroups not read for {@value #IDLE_SECONDS} s are
 * forgotten. Limits (cpu.max, memory.max, pids.max, their v1 peers) are settings, not counters:
 * they are read with the first reading, again at a poll that finds it running {@value #SETTLE_SECONDS} s
 * or more later (a runtime sets them just after the cgroup appears), and then every {@value #LIMITS_SECONDS} s while the cgroup
 * runs, every {@value #QUIET_LIMITS_SECONDS} s while it does not (at once after
 * {@link CgroupWriter} changes them), so a change made elsewhere shows within that time.
 *
 * <p>{@link #list} walks the tree only when the root's {@code nr_descendants} (cgroup2) changed,
 * when a read found a cgroup gone, or every {@value #WALK_SECONDS} s; otherwise the last walk stands.
 *
 * <p>Paths are cgroup paths as systemd names them ("/", "/system.slice/foo.service"); anything that
 * could lead outside the cgroup tree is refused ({@link CgroupPath}).
 *
 * <p>This class keeps the cgroups and walks the tree; what it reads where is split by what each
 * part knows: {@link CgroupLayout} which hierarchy holds which file (shared with the writer and
 * {@link CgroupFs}), {@link CgroupEntry} one cgroup's schedules and last reading,
 * {@link CgroupFiles} that cgroup's files, {@link Scratch} a thread's buffers.
 */
@Component
public class CgroupReader implements AutoCloseable {

    /**
     * How often the hierarchies where a cgroup lacked a file are listed again (a controller enabled
     * later: at once when Hostdeck changes the cgroup's limits). 30 s: on a hybrid host every
     * running unit without CPU accounting lacks its v1 cpu cgroup, and at 10,000 cgroups listing
     * those directories every 10 s was a twentieth of the sampler's time.
     */
    static final int RECHECK_SECONDS = 30;
    static final int IDLE_SECONDS = 180; // longer than the longest sampling interval (60 s)
    static final long RECHECK_NANOS = RECHECK_SECONDS * 1_000_000_000L;
    private static final long IDLE_NANOS = IDLE_SECONDS * 1_000_000_000L;
    /**
     * How often every cgroup is read in full, limits included, whether it runs or not: cAdvisor's
     * longest housekeeping interval, to which it backs off for containers whose figures do not change.
     */
    public static final int REFRESH_SECONDS = 60;
    static final long REFRESH_NANOS = REFRESH_SECONDS * 1_000_000_000L;
    static final int LIMITS_SECONDS = REFRESH_SECONDS;
    /**
     * How often the limits of a cgroup that does not run are read (when Hostdeck changes them: at
     * once). Five refreshes: at 10,000 cgroups, reading five limit files for each of the 167 cgroups
     * refreshed a second was a twentieth of the sampler's time, for settings that rarely change.
     */
    public static final int QUIET_LIMITS_SECONDS = 5 * REFRESH_SECONDS;
    static final long QUIET_LIMITS_NANOS = QUIET_LIMITS_SECONDS * 1_000_000_000L;
    /**
     * How often a running cgroup's memory, IO and tasks are read (its CPU time: every tick). Twice
     * the default tick: at 10,000 cgroups, a tenth of them running, reading these three files every
     * tick was a sixth of the sampler's time; an IO rate is taken over the time between two reads.
     */
    public static final int COUNTERS_SECONDS = 2;
    static final long COUNTERS_NANOS = COUNTERS_SECONDS * 1_000_000_000L;
    /**
     * How often the slow counters (memory.stat, swap, failcnt, OOM) of a running cgroup are read,
     * once its memory has moved since they were last read (an OOM kill, swapping, a failed charge
     * all move it), and at the minute's refresh in any case.
     */
    public static final int SLOW_SECONDS = 5;
    static final long SLOW_NANOS = SLOW_SECONDS * 1_000_000_000L;
    /**
     * How often pressure is read (of a cgroup that runs, or whose pressure is above zero). The
     * kernel updates the averages every 2 s (PSI_FREQ), and avg10 is an average over 10 s: read
     * every 4 s, it is sampled more than twice within its window. At 10,000 cgroups, reading three
     * pressure files every 2 s for each cgroup that ran was a tenth of the sampler's time.
     */
    static final int PRESSURE_SECONDS = 4;
    static final long PRESSURE_NANOS = PRESSURE_SECONDS * 1_000_000_000L;
    /**
     * The longest wait between re-reads of the pressure of a cgroup that does not run, while its
     * stall totals stay the same (read at 4, 8, 16, 32 s ...): its averages then only decay, which
     * took a minute of reads every 4 s for each of the ~1,500 cgroups a worker had just left at
     * 10,000. A stall that starts meanwhile shows within this time (one in a cgroup whose pressure
     * is zero: at the minute's refresh); the decaying average shown is at most this old.
     */
    static final int PRESSURE_BACKOFF_SECONDS = 32;
    static final long PRESSURE_BACKOFF_NANOS = PRESSURE_BACKOFF_SECONDS * 1_000_000_000L;
    /**
     * From when after its first reading a new cgroup that runs has its limits read a second time
     * (and the hierarchies it lacked looked for again): Podman and Docker set a container's limits
     * just after its cgroup appears, and a first reading in between left them unknown for a minute.
     */
    static final int SETTLE_SECONDS = 2;
    static final long SETTLE_NANOS = SETTLE_SECONDS * 1_000_000_000L;
    static final int WALK_SECONDS = 60;
    /**
     * How often a walk due by the clock alone reads each known leaf's cgroup.stat (a leaf that got
     * children changes the root's count, which walks the tree with this check at once). At 10,000
     * cgroups reading them all every minute was a twentieth of the sampler's time.
     */
    static final int LEAF_CHECK_SECONDS = 300;
    private static final long LEAF_CHECK_NANOS = LEAF_CHECK_SECONDS * 1_000_000_000L;
    private static final long WALK_NANOS = WALK_SECONDS * 1_000_000_000L;
    /**
     * Polls in a row without CPU use after which a cgroup is cool: its per-tick files are closed and
     * it is read every other pass. Two: a cgroup that stopped is read in full once more (its
     * counters' last figures), and on a host whose active set changes, 100 cgroups stopping a second
     * at 10,000 kept 500 still cgroups read every tick, and their files open, with five.
     */
    static final int COOL_POLLS = 2;
    /**
     * Passes for which what a parent's children used when all were last read together stands
     * (CgroupEntry#sumChildren), so a cool cgroup is read at least every ~31 s. Renewing it every
     * 11 passes read ~800 cool cgroups a second at 10,000; the sum's tolerance is a µs for each
     * child that moved since, so only work of that many µs in a second (far below the 0.1 % a
     * table shows) can wait for the renewal.
     */
    static final int ANCHOR_PASSES = 30;

    /** Per thread: the read buffer and the parsers' scratch arrays, reused for every file. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final CgroupFs fs;
    private final OpenFiles openFiles;
    private final boolean randomPhases;
    private final ConcurrentHashMap<String, CgroupEntry> entries = new ConcurrentHashMap<>();
    /** Names seen to be files, not cgroups, so that list() need not look at them again. */
    private final Set<String> fileNames = ConcurrentHashMap.newKeySet();
    private volatile long nextSweep;
    /** The last walk of the tree, and the root's nr_descendants just before it (-1: unknown). */
    private volatile List<String> walked;
    /** The entries of {@link #walked}, by index, as polls find them (the sampling thread's own). */
    private CgroupEntry[] walkedEntries = new CgroupEntry[0];
    private volatile long walkedDescendants = -1;
    private volatile long walkedDying = -1;
    private volatile long walkDueAt;
    private volatile long leafCheckDueAt;
    private volatile boolean treeChanged;
    /** Counts beginPass() calls: a pass polls parents before children. */
    private volatile long pass;

    @Autowired
    public CgroupReader(CgroupFs fs) {
        this(fs, defaultOpenFileBudget(), true);
    }

    /** On its own, for tests and benchmarks: the layout found by a {@link CgroupFs} of its own. */
    public CgroupReader(HostProperties host) {
        this(new CgroupFs(host), defaultOpenFileBudget(), true);
    }

    /** With at most {@code maxOpenFiles} cgroup files kept open (0: open each file for each read). */
    CgroupReader(HostProperties host, int maxOpenFiles) {
        this(new CgroupFs(host), maxOpenFiles, true);
    }

    /**
     * {@code randomPhases} false (for tests): every cgroup's schedules start at its first reading,
     * so its first full re-read is exactly {@value #REFRESH_SECONDS} s later.
     */
    CgroupReader(HostProperties host, int maxOpenFiles, boolean randomPhases) {
        this(new CgroupFs(host), maxOpenFiles, randomPhases);
    }

    private CgroupReader(CgroupFs fs, int maxOpenFiles, boolean randomPhases) {
        this.fs = fs;
        this.openFiles = new OpenFiles(maxOpenFiles);
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
        CgroupLayout l = layout();
        if (l.mode() == CgroupMode.NONE) {
            return List.of();
        }
        sweepIfDue();
        Scratch scratch = SCRATCH.get();
        long now = System.nanoTime();
        CgroupEntry root = entry("/");
        long descendants = root == null ? -1 : root.descendants(scratch);
        // a cgroup removed and another made in one tick leave the live count as it was; the removed
        // one is dying for a while (and is found gone only when it is read, which a parent's sum may spare)
        long dying = root == null ? -1 : root.dying();
        boolean dyingMoved = dying != walkedDying;
        List<String> last = walked;
        if (pass) {
            this.pass++;
            if (last != null && descendants >= 0 && descendants == walkedDescendants && !treeChanged
                    && !dyingMoved && now - walkDueAt < 0) {
                return last;
            }
        }
        // due by the clock or the dying count alone (the live count the same, nothing found gone):
        // the directories are listed for cgroups made as others went, but known leaves are taken as
        // leaves, without reading each one's cgroup.stat, but every LEAF_CHECK_SECONDS
        boolean liveCountSame = pass && last != null && descendants >= 0 && descendants == walkedDescendants && !treeChanged;
        boolean checkLeaves = !liveCountSame || now - leafCheckDueAt >= 0;
        treeChanged = false;
        List<String> paths = walk(l, scratch, checkLeaves);
        if (checkLeaves) {
            leafCheckDueAt = now + LEAF_CHECK_NANOS;
        }
        walkedDescendants = descendants;
        walkedDying = dying;
        walkDueAt = now + WALK_NANOS;
        if (last != null && paths.equals(last)) {
            return last; // the same walk: the sampler's state by index stands
        }
        if (pass) {
            walkedEntries = new CgroupEntry[paths.size()];
        }
        walked = Collections.unmodifiableList(paths);
        return walked;
    }

    /** For tests: the next pass walks as the clock would make it, checking leaves or not. */
    void walkDueNow(boolean checkLeaves) {
        long now = System.nanoTime();
        walkDueAt = now;
        leafCheckDueAt = checkLeaves ? now : now + LEAF_CHECK_NANOS;
    }

    /**
     * Lists the tree; a known leaf (cgroup2 says it has no descendants) is not listed again.
     * {@code checkLeaves} false: a cgroup that was a leaf at the last check is taken as one.
     */
    private List<String> walk(CgroupLayout l, Scratch scratch, boolean checkLeaves) {
        List<String> paths = new ArrayList<>();
        ArrayDeque<String> pending = new ArrayDeque<>();
        pending.push("/");
        while (!pending.isEmpty()) {
            String path = pending.pop();
            CgroupEntry known = entries.get(path);
            if (known != null && (checkLeaves ? known.descendants(scratch) == 0 : known.knownLeaf())) {
                paths.add(path); // a leaf, still there: no need to list its directory
                continue;
            }
            String dir = CgroupPath.in(l.primary(), path);
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
        return Optional.ofNullable(sample(path, false, -1));
    }

    /**
     * A reading for a sampler that asks every tick: when the cgroup's CPU time has not moved since
     * the last reading, that reading itself (the same instance: nothing has changed), re-read in full
     * every {@value #REFRESH_SECONDS} s all the same; when it moved, memory, IO and tasks every
     * {@value #COUNTERS_SECONDS} s and the slow counters every {@value #SLOW_SECONDS} s once memory moved.
     * Empty when the cgroup is gone.
     *
     * @throws IllegalArgumentException when {@code path} is not a plain cgroup path
     */
    public Optional<CgroupSample> poll(String path) {
        return Optional.ofNullable(sample(path, true, -1));
    }

    /**
     * {@link #poll(String)} of the {@code index}th path of the list {@link #beginPass} gave this
     * pass: the entry is found by its index while the walk is the same, not looked up by name (at
     * 10,000 cgroups the look-ups were a tenth of a pass). Only from the thread that makes passes.
     *
     * @return the reading, or null when the cgroup is gone
     */
    public CgroupSample poll(int index, String path) {
        return sample(path, true, index);
    }

    private CgroupSample sample(String path, boolean poll, int index) {
        if (layout().mode() == CgroupMode.NONE || openFiles.closed()) {
            CgroupPath.check(path);
            return null;
        }
        if (index < 0) {
            sweepIfDue(); // a pass's polls: beginPass() swept
        }
        CgroupEntry[] byIndex = index >= 0 && index < walkedEntries.length ? walkedEntries : null;
        while (true) {
            CgroupEntry entry = byIndex != null ? byIndex[index] : null;
            if (entry == null || entry.retired || !entry.path().equals(path)) {
                entry = entry(path);
                if (byIndex != null) {
                    byIndex[index] = entry;
                }
            }
            if (entry == null) {
                List<String> last = walked;
                if (last != null && last.contains(path)) {
                    treeChanged = true; // listed, and gone since: the next list() walks the tree
                }
                return null;
            }
            CgroupSample sample;
            synchronized (entry) {
                if (entry.retired) {
                    continue; // closed by the idle sweep meanwhile: start afresh
                }
                sample = entry.sample(SCRATCH.get(), poll, pass);
                if (sample == null) {
                    entry.close();
                }
            }
            if (sample == null) {
                entries.remove(path, entry);
                treeChanged = true; // the next list() walks the tree
                return null;
            }
            return sample;
        }
    }

    /**
     * How many polls on this thread, since it last asked, a parent's sum answered without reading
     * the cgroup (see {@code CgroupEntry#sumChildren}): for the sampler's figures.
     */
    public int takeSummedStill() {
        Scratch s = SCRATCH.get();
        int n = s.summedStill;
        s.summedStill = 0;
        return n;
    }

    /** The entry of an existing cgroup, found and probed on first use; null when there is no such cgroup. */
    private CgroupEntry entry(String path) {
        CgroupEntry entry = path == null ? null : entries.get(path);
        if (entry != null) {
            return entry; // its path was checked when it became known
        }
        CgroupPath.check(path);
        entry = new CgroupEntry(layout(), path, openFiles, entries, randomPhases);
        if (!entry.probeAll()) {
            entry.close();
            return null;
        }
        CgroupEntry raced = entries.putIfAbsent(path, entry);
        if (raced != null) {
            entry.close();
            return raced;
        }
        entry.attach();
        return entry;
    }

    /**
     * Makes the next reading of {@code path} take its limits from the files: limits change rarely
     * and are otherwise re-read every {@value #LIMITS_SECONDS} s; the writer calls this after a write.
     */
    void limitsChanged(String path) {
        CgroupEntry entry = entries.get(path);
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
        openFiles.close();
        for (String path : entries.keySet()) {
            CgroupEntry entry = entries.remove(path);
            if (entry != null) {
                synchronized (entry) {
                    entry.close();
                }
            }
        }
    }

    /** How many cgroup files are open now (for tests and diagnostics). */
    int openFiles() {
        return openFiles.count();
    }

    /** The target's layout, the one {@link CgroupFs} found. */
    CgroupLayout layout() {
        return fs.layout();
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
}
