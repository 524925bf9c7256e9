package io.hostdeck.host.cgroupfs;

import static io.hostdeck.host.cgroupfs.CgroupParsers.NONE;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;

import io.hostdeck.host.cgroupfs.CgroupSample.IoDevice;
import io.hostdeck.host.cgroupfs.CgroupSample.Pressure;

/**
 * One cgroup as the {@link CgroupReader} samples it: its {@link CgroupFiles}, its schedules (what
 * is due when, see the reader's class comment) and what its last reading found, which stands for
 * whatever is not due. Guarded by its own monitor.
 */
final class CgroupEntry {

    /** Where the limits are in the scratch values: cpu quota, period, weight, shares, memory max, high, tasks max. */
    private static final int[] LIMIT_SLOTS = { 6, 7, 8, 9, 11, 12, 22 };
    /** Where the slow counters are: anon, file, swap, failcnt, oom events, oom kills, inactive file. */
    private static final int[] SLOW_SLOTS = { 13, 14, 15, 16, 17, 18, 23 };

    private final CgroupLayout l;
    private final String path;
    private final CgroupFiles files;
    /** The reader's entries, where the parent is looked up. */
    private final Map<String, CgroupEntry> entries;
    /** Where this cgroup's schedules start: its creation, plus a random part of a minute in production. */
    private final long anchor;
    private boolean limitsTold;
    private long slowDueAt;
    private long refreshDueAt;
    private long pressureDueAt;
    /** When a running cgroup's memory, IO and tasks are read next, and when its IO was last read. */
    private long countersDueAt;
    private long ioAt;
    /**
     * Whether the CPU time moved after memory, IO and tasks were last read: they are read once more
     * when due although the cgroup no longer runs, so that what a cgroup did in its last seconds of
     * work (a service's first fork, its processes' exit) shows, not what it had before.
     */
    private boolean countersBehind;
    /**
     * From when a new cgroup that runs has its limits read a second time, the hierarchies it lacked
     * looked for again (0: done): a runtime sets a container's limits, and may make its
     * controllers' cgroups, just after the cgroup appears, which its first reading can come before.
     */
    private long settleAt;
    /** The memory figure when the slow counters were last read: they are read again only once it moved. */
    private long slowMemory = NONE;
    /** What descendants() found when last asked: -1 unknown. */
    private long lastDescendants = -1;
    private long lastDying = -1;
    /** When the minute's refresh of a cgroup that does not run reads its limits again. */
    private long quietLimitsDueAt;
    private final long[] limits = new long[LIMIT_SLOTS.length];
    private final long[] slow = new long[SLOW_SLOTS.length];
    private final long[] throttling = new long[3];
    private Pressure cpuPressure;
    private Pressure memoryPressure;
    private Pressure ioPressure;
    /** Whether any of the three was above zero when last read (checked on every still poll). */
    private boolean pressureAboveZero;
    /**
     * How long after a re-read of an idle cgroup's pressure the next comes: doubled while its stall
     * totals stay the same (the averages only decay then), back to the first interval when they move.
     */
    private long pressureBackoff = CgroupReader.PRESSURE_NANOS;
    /** The last reading's bytes per device, kept so that an unchanged list is not made again. */
    private List<IoDevice> ioDevices;
    private CgroupSample last;
    /** The last reading's CPU time, or NONE: kept apart so that a parent's sum need not touch the reading. */
    private long lastUsage = NONE;
    /** Polls in a row in which the CPU time did not move. */
    private int stillPolls;
    /** The parent's entry (null for "/"), looked up again when it was replaced. */
    private CgroupEntry parent;
    /** The pass in which this cgroup was last found not to have run, or -1. */
    private long stillInPass = -1;
    /** Closed: never read again. Written and read under the monitor. */
    boolean retired;

    // What the parent's sum needs (see sumChildren); all under this entry's monitor, the list excepted.
    /** The children being sampled, as they were made; retired ones are dropped when met. */
    private final Queue<CgroupEntry> children = new ConcurrentLinkedQueue<>();
    /** The CPU values (v[0..5]) the parent read for this cgroup right after its own, in pass prefetchPass. */
    private final long[] prefetched = new long[6];
    private long prefetchPass = -1;
    /** The pass in which the parent's sum showed that this cgroup did not run, or -1. */
    private long summedStillInPass = -1;
    /** This cgroup's CPU time when its parent last read all its children together (-1: never). */
    private long anchorUsage = -1;
    /** As a parent: its own CPU time (its time less its children's) at that moment, and the pass. */
    private long anchorOwn;
    private long anchorPass = -1;
    /**
     * How many passes its anchor serves: {@value CgroupReader#ANCHOR_PASSES}, less a random third in
     * production, so that the parents whose anchors were made in the same pass (all of them, at the
     * start) do not all read every child again in one pass, every ~31 s.
     */
    private final int anchorPasses;
    volatile long lastRead = System.nanoTime();

    CgroupEntry(CgroupLayout l, String path, OpenFiles openFiles, Map<String, CgroupEntry> entries,
            boolean randomPhases) {
        this.l = l;
        this.path = path;
        this.files = new CgroupFiles(l, path, openFiles);
        this.entries = entries;
        this.anchor = System.nanoTime()
                + (randomPhases ? ThreadLocalRandom.current().nextLong(CgroupReader.REFRESH_NANOS) : 0);
        this.parent = path.length() == 1 ? null : entries.get(CgroupPath.parentOf(path));
        this.anchorPasses = CgroupReader.ANCHOR_PASSES
                - (randomPhases ? ThreadLocalRandom.current().nextInt(CgroupReader.ANCHOR_PASSES / 3 + 1) : 0);
    }

    String path() {
        return path;
    }

    /** Finds the files of every hierarchy; false when the cgroup does not exist. */
    boolean probeAll() {
        return files.probeAll();
    }

    /** Joins its parent's children, once it is the reader's entry for its path. */
    void attach() {
        if (parent != null) {
            parent.children.add(this);
        }
    }

    /**
     * cgroup.stat's nr_descendants, the live cgroups below this one (cgroup2 only); -1 when
     * unknown, also when the file failed: the caller lists the directory instead.
     */
    synchronized long descendants(Scratch s) {
        lastDescendants = retired ? -1 : files.descendants(s);
        lastDying = lastDescendants < 0 ? -1 : CgroupFiles.dying(s);
        return lastDescendants;
    }

    /** nr_dying_descendants when {@link #descendants} was last asked (-1: unknown). */
    synchronized long dying() {
        return lastDying;
    }

    /** Whether {@link #descendants} said, when last asked, that it has none (and it is not retired). */
    synchronized boolean knownLeaf() {
        return !retired && lastDescendants == 0;
    }

    /** Closes its files; a retired entry is never read again. */
    void close() {
        retired = true;
        files.close();
    }

    /** Makes the next reading take the limits from the files again. */
    synchronized void limitsChanged() {
        limitsTold = true;
        files.recheckNow(); // a new limit may have enabled a controller, and made its hierarchy's cgroup
    }

    /**
     * The reading, or null when the cgroup turned out to be gone. Polled: the previous reading
     * when the CPU time has not moved and nothing is due (see the reader's class comment).
     *
     * @param pass the sampler's pass this poll belongs to
     */
    CgroupSample sample(Scratch s, boolean poll, long pass) {
        long now = System.nanoTime();
        if (now - lastRead > 1_000_000_000L) { // for the idle sweep, which wants minutes: no volatile write each poll
            lastRead = now;
        }
        s.stale = false;
        s.gone = false;
        long[] v = s.values;
        long at = now;
        if (last == null) {
            settleAt = now + CgroupReader.SETTLE_NANOS | 1; // never 0
        }
        boolean refreshDue = last == null || now - refreshDueAt >= 0;
        boolean limitsDue = refreshDue || limitsTold;
        boolean catchUp = countersBehind && now - countersDueAt >= 0;
        if (poll && !limitsDue && !catchUp && (summedStillInPass == pass
                || parent != null && !parent.retired && parent.stillInPass == pass)) {
            // CPU time counts the whole subtree: the parent did not run this pass, so neither did
            // this; or the parent's sum showed that none of its cool children ran (sumChildren)
            stillInPass = pass;
            countStill();
            return stillOrPressure(s, now, at);
        }
        if (poll && !limitsDue && !catchUp && stillPolls >= CgroupReader.COOL_POLLS && (pass & 1) == 1) {
            // cool (no CPU for COOL_POLLS polls): read every other pass, so that on a host whose
            // parents are always busy the idle leaves cost half; one that starts working shows
            // within two ticks, its rate over both. Unknown this pass: its children read themselves.
            stillInPass = -1;
            return stillOrPressure(s, now, at);
        }
        files.recheckIfDue(now); // only for a cgroup that is read: hierarchies that lacked a file
        if (poll && prefetchPass == pass && children.isEmpty()) {
            // read by the parent just now; a parent reads itself again, right before its children
            System.arraycopy(prefetched, 0, v, 0, prefetched.length);
        } else {
            cpu(s, v);
        }
        if (s.gone) {
            return null;
        }
        boolean still = lastUsage != NONE && v[0] == lastUsage;
        boolean settle = !still && settleAt != 0 && now - settleAt >= 0;
        if (settle) {
            settleAt = 0;
            files.recheckNow();
            files.recheckIfDue(now);
        }
        stillInPass = still ? pass : -1;
        if (poll && !still && v[0] != NONE && !children.isEmpty()) {
            sumChildren(s, pass, v[0], (pass & 1) == 0, now);
        }
        boolean full = !poll || limitsDue || s.stale;
        if (still) {
            countStill();
        } else {
            stillPolls = 0;
            files.warm();
        }
        if (still && !full && !catchUp) {
            return stillOrPressure(s, now, at);
        }
        if (still && poll && refreshDue && !catchUp && !limitsTold && !s.stale && last != null
                && stillPolls >= CgroupReader.COOL_POLLS) {
            return quietRefresh(s, v, now, at);
        }
        perTick(s, v, full, now, at);
        if (full || now - pressureDueAt >= 0) {
            readPressure(s, now);
            pressureBackoff = CgroupReader.PRESSURE_NANOS;
        }
        s.cpuPressure = cpuPressure;
        s.memoryPressure = memoryPressure;
        s.ioPressure = ioPressure;
        s.ioDevices = ioDevices;
        slow(s, v, full || now - slowDueAt >= 0 && v[10] != slowMemory, now);
        limits(s, v, limitsDue || settle, now);
        return done(s, refreshDue, now, at);
    }

    /** The reading made: the next refresh scheduled when this was one; null when the cgroup is gone. */
    private CgroupSample done(Scratch s, boolean refreshed, long now, long at) {
        if (refreshed) {
            refreshDueAt = next(now, CgroupReader.REFRESH_NANOS);
            if (parent != null && parent.retired) {
                parent = entries.get(CgroupPath.parentOf(path));
                attach();
            }
        }
        if (s.gone) {
            return null;
        }
        if (s.stale) {
            limitsTold = true; // the cgroup may have been re-created: read it all again next time
        }
        last = s.sample(path, at, ioAt);
        lastUsage = s.values[0];
        return last;
    }

    /**
     * As a parent that ran this pass: whether its cool children ran too, without reading them. A
     * cgroup's CPU time is its own processes' plus its children's (the kernel sums the subtree, in
     * ns, and each file rounds down to µs). So its children that will be read this pass anyway are
     * read now, right after it, and when its time less its children's (the cool ones as last read)
     * is what it was when all of them were last read together (the anchor) — give or take a µs for
     * each child whose time has moved since, the rounding — neither its own processes nor any cool
     * child ran: they are known not to have run this pass, and are not read. Otherwise, on an even
     * pass (when cool children are read anyway): when its time grew by more than that, the cool
     * children are read one by one until their growth accounts for it, and the rest are known not
     * to have run; when they are all read, that is the new anchor. On an odd pass they are left for
     * the next, as before. An anchor serves at most
     * {@value CgroupReader#ANCHOR_PASSES} passes, so a cool cgroup is read at least that often.
     *
     * <p>What this can miss: work that a sibling's work between this cgroup's read and the
     * sibling's (a few µs later) happens to cancel to the µs; the next pass shows it.
     */
    private void sumChildren(Scratch s, long pass, long usage, boolean coolDue, long now) {
        List<CgroupEntry> cool = s.coolChildren;
        cool.clear();
        long known = 0;   // the children's CPU time: read now, or as last read for the cool ones
        int moved = 0;    // children whose time is not their anchor's: each may round a µs off
        boolean anchored = anchorPass >= 0 && pass - anchorPass <= anchorPasses;
        for (Iterator<CgroupEntry> it = children.iterator(); it.hasNext();) {
            CgroupEntry c = it.next();
            synchronized (c) {
                if (c.retired) {
                    it.remove();
                    anchored = false; // its time stays in this cgroup's, as its own now
                    continue;
                }
                long time;
                if (c.skipsWhenCool(now)) {
                    cool.add(c);
                    time = c.lastUsage;
                } else if (c.prefetch(s, pass)) {
                    time = c.prefetched[0];
                } else {
                    anchored = false;
                    coolDue = false; // unreadable just now: no anchor this pass
                    continue;
                }
                known += time;
                if (c.anchorUsage < 0) {
                    anchored = false;
                } else if (c.anchorUsage != time) {
                    moved++;
                }
            }
        }
        if (cool.isEmpty()) {
            anchor(usage, pass);
            return;
        }
        if (anchored && Math.abs(usage - known - anchorOwn) <= moved) {
            for (CgroupEntry c : cool) {
                synchronized (c) {
                    c.summedStillInPass = pass;
                }
            }
            s.summedStill += cool.size();
            return;
        }
        if (coolDue) {
            // CPU time only grows: when this cgroup's grew by more than its known children's, the
            // cool children read one by one until their growth explains it leave the rest known not
            // to have run (a cool cgroup that starts working is found after half of them on average)
            boolean search = anchored && usage - known - anchorOwn > moved;
            for (int k = 0; k < cool.size(); k++) {
                CgroupEntry c = cool.get(k);
                synchronized (c) {
                    long was = c.lastUsage;
                    if (c.retired || !c.prefetch(s, pass)) {
                        return;
                    }
                    long time = c.prefetched[0];
                    known += time - was;
                    if (was == c.anchorUsage && time != c.anchorUsage) {
                        moved++;
                    }
                }
                if (search && Math.abs(usage - known - anchorOwn) <= moved) {
                    for (int rest = k + 1; rest < cool.size(); rest++) {
                        CgroupEntry c2 = cool.get(rest);
                        synchronized (c2) {
                            c2.summedStillInPass = pass;
                        }
                    }
                    s.summedStill += cool.size() - k - 1;
                    return; // the anchor stands: not all were read
                }
            }
            anchor(usage, pass);
        }
    }

    /**
     * When every child was read just now, right after this cgroup: its own time now and each
     * child's are the new anchor. Otherwise (a child failed, or joined meanwhile) the old one stands.
     */
    private void anchor(long usage, long pass) {
        long sum = 0;
        for (CgroupEntry c : children) {
            synchronized (c) {
                if (c.prefetchPass != pass) {
                    return;
                }
                sum += c.prefetched[0];
            }
        }
        for (CgroupEntry c : children) {
            synchronized (c) {
                c.anchorUsage = c.prefetched[0];
            }
        }
        anchorOwn = usage - sum;
        anchorPass = pass;
    }

    /** Cool with nothing due: a poll would not read it on an odd pass. Under the monitor. */
    private boolean skipsWhenCool(long now) {
        return stillPolls >= CgroupReader.COOL_POLLS && lastUsage != NONE && !limitsTold && !countersBehind
                && now - refreshDueAt < 0;
    }

    /**
     * Reads this cgroup's CPU time now, for its parent's sum; its own poll in this pass takes it.
     * The scratch's flags are the parent's and are left as they were. False when the read failed.
     */
    private boolean prefetch(Scratch s, long pass) {
        boolean stale = s.stale;
        boolean gone = s.gone;
        s.stale = false;
        s.gone = false;
        cpu(s, prefetched);
        boolean ok = !s.stale && !s.gone && prefetched[0] != NONE;
        s.stale = stale;
        s.gone = gone;
        prefetchPass = ok ? pass : -1;
        return ok;
    }

    /**
     * The minute's refresh of a cool cgroup (no CPU use for {@value CgroupReader#COOL_POLLS} polls
     * and none now): only what can change while none of its processes runs — its memory (reclaim),
     * its IO (writeback), and its limits (others may set them) every
     * {@value CgroupReader#QUIET_LIMITS_SECONDS} s or when told — and the slow memory counters when
     * its memory moved. Tasks, throttling and the CPU split move only when it runs; its pressure is
     * read every {@value CgroupReader#PRESSURE_SECONDS} s while above zero, as on every poll. About
     * half the files of a full read, none of them kept open.
     */
    private CgroupSample quietRefresh(Scratch s, long[] v, long now, long at) {
        CgroupSample was = last;
        boolean v2 = l.mode() == CgroupMode.V2;
        v[10] = files.number(v2 ? Knob.MEMORY_CURRENT : Knob.MEMORY_USAGE, s);
        io(v2 ? Knob.IO_STAT : Knob.BLKIO_BYTES, s, v, 19);
        ioAt = at;
        v[21] = orNone(was.tasks());
        if (!v2) {
            System.arraycopy(throttling, 0, v, 3, 3);
            if (l.mode() == CgroupMode.V1) {
                v[1] = orNone(was.cpuUserUsec());
                v[2] = orNone(was.cpuSystemUsec());
            }
        }
        s.cpuPressure = cpuPressure;
        s.memoryPressure = memoryPressure;
        s.ioPressure = ioPressure;
        s.ioDevices = ioDevices;
        slow(s, v, v[10] != slowMemory, now);
        limits(s, v, limitsTold || now - quietLimitsDueAt >= 0, now);
        return done(s, true, now, at);
    }

    private static long orNone(Long value) {
        return value == null ? NONE : value;
    }

    /** One more poll without CPU use; after {@value CgroupReader#COOL_POLLS} its per-tick files are closed. */
    private void countStill() {
        stillPolls++;
        if (stillPolls == CgroupReader.COOL_POLLS) {
            files.cool();
        }
    }

    /**
     * Memory, IO and tasks, every {@value CgroupReader#COUNTERS_SECONDS} s (or when {@code full}),
     * otherwise as last read; in v1 also the throttling, read on every poll under a quota, else only
     * when {@code full}.
     */
    private void perTick(Scratch s, long[] v, boolean full, long now, long at) {
        boolean due = full || now - countersDueAt >= 0;
        countersBehind = !due; // not due: the CPU time moved since they were read (see sample)
        if (due) {
            countersDueAt = next(now, CgroupReader.COUNTERS_NANOS);
            ioAt = at;
        } else {
            CgroupSample was = last;
            v[10] = orNone(was.memoryBytes());
            v[19] = orNone(was.ioReadBytes());
            v[20] = orNone(was.ioWriteBytes());
            v[21] = orNone(was.tasks());
        }
        if (l.mode() == CgroupMode.V2) {
            if (due) {
                v2(s, v);
            }
            return;
        }
        if (l.mode() == CgroupMode.V1) {
            cpuacctSplit(s, v); // the CPU time's split: every poll, as the CPU time
        }
        if (due) {
            v1(s, v);
        }
        // throttling (v1 cpu.stat) moves only under a quota; cgroup2's is in the CPU file already
        if (full || limits[0] != NONE) {
            files.keyed(Knob.CFS_STAT, s, Scratch.CFS_STAT_KEYS, v, 3); // nr_periods, nr_throttled, throttled_time (ns)
            if (v[5] != NONE) {
                v[5] /= 1000;
            }
            System.arraycopy(v, 3, throttling, 0, 3);
        } else {
            System.arraycopy(throttling, 0, v, 3, 3);
        }
    }

    /** The slow counters, from the files when {@code due}, else as last read. */
    private void slow(Scratch s, long[] v, boolean due, long now) {
        if (due) {
            if (l.mode() == CgroupMode.V2) {
                v2Slow(s, v);
            } else {
                v1Slow(s, v);
            }
            copy(v, SLOW_SLOTS, slow);
            slowMemory = v[10];
            slowDueAt = next(now, CgroupReader.SLOW_NANOS);
        } else {
            restore(slow, SLOW_SLOTS, v);
        }
    }

    /** The limits, from the files when {@code due}, else as last read. */
    private void limits(Scratch s, long[] v, boolean due, long now) {
        if (due) {
            quietLimitsDueAt = next(now, CgroupReader.QUIET_LIMITS_NANOS);
            if (l.mode() == CgroupMode.V2) {
                v2Limits(s, v);
            } else {
                v1Limits(s, v);
            }
            copy(v, LIMIT_SLOTS, limits);
            limitsTold = false;
        } else {
            restore(limits, LIMIT_SLOTS, v);
        }
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
        if (pressureAboveZero && now - pressureDueAt >= 0) {
            s.stale = false;
            s.gone = false;
            Pressure cpuWas = cpuPressure;
            Pressure memoryWas = memoryPressure;
            Pressure ioWas = ioPressure;
            readPressure(s, now);
            if (s.gone) {
                return null;
            }
            if (sameTotals(cpuWas, cpuPressure) && sameTotals(memoryWas, memoryPressure) && sameTotals(ioWas, ioPressure)) {
                pressureBackoff = Math.min(2 * pressureBackoff, CgroupReader.PRESSURE_BACKOFF_NANOS);
                pressureDueAt = now + pressureBackoff;
            } else {
                pressureBackoff = CgroupReader.PRESSURE_NANOS;
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
        cpuPressure = cgroup2 ? files.pressure(Knob.CPU_PRESSURE, s) : null;
        memoryPressure = cgroup2 ? files.pressure(Knob.MEMORY_PRESSURE, s) : null;
        ioPressure = cgroup2 ? files.pressure(Knob.IO_PRESSURE, s) : null;
        pressureAboveZero = aboveZero(cpuPressure) || aboveZero(memoryPressure) || aboveZero(ioPressure);
        pressureDueAt = next(now, CgroupReader.PRESSURE_NANOS);
    }

    /** Whether no task stalled between the two readings (both absent counts as the same). */
    private static boolean sameTotals(Pressure was, Pressure now) {
        if (was == null || now == null) {
            return was == now;
        }
        return was.someTotalUsec() == now.someTotalUsec() && java.util.Objects.equals(was.fullTotalUsec(), now.fullTotalUsec());
    }

    private static boolean aboveZero(Pressure p) {
        return p != null && (p.someAvg10() > 0 || (p.fullAvg10() != null && p.fullAvg10() > 0));
    }

    /** The CPU time into v[0] (cgroup2: also user and system time and the throttling figures, v[1..5]). */
    private void cpu(Scratch s, long[] v) {
        if (l.probe() == Knob.CPU_STAT) {
            // v2, and hybrid: v1 keeps no per-unit cpuacct where cpu and cpuacct are mounted apart
            files.keyed(Knob.CPU_STAT, s, Scratch.CPU_STAT_KEYS, v, 0); // usage, user, system, periods, throttled, throttled_usec
        } else {
            long usage = files.number(Knob.CPUACCT_USAGE, s);      // ns
            v[0] = usage == NONE ? NONE : usage / 1000;
        }
    }

    /** The per-tick counters besides CPU time. */
    private void v2(Scratch s, long[] v) {
        v[10] = files.number(Knob.MEMORY_CURRENT, s);
        io(Knob.IO_STAT, s, v, 19);
        v[21] = files.number(Knob.PIDS_CURRENT, s);
    }

    /** The slow counters: memory breakdown, swap, OOM. */
    private void v2Slow(Scratch s, long[] v) {
        files.memoryStat(Knob.MEMORY_STAT, s, Scratch.V2_MEMORY_STAT_KEYS, v); // anon, file, inactive_file
        v[15] = files.number(Knob.MEMORY_SWAP, s);
        v[16] = NONE;                                         // failcnt: v1 only
        files.keyed(Knob.MEMORY_EVENTS, s, Scratch.MEMORY_EVENTS_KEYS, v, 17); // oom, oom_kill
    }

    private void v2Limits(Scratch s, long[] v) {
        files.cpuMax(s, v, 6);                                // quota, period
        v[8] = files.number(Knob.CPU_WEIGHT, s);
        v[9] = NONE;                                          // shares: v1 only
        v[11] = files.limit(Knob.MEMORY_MAX, s);
        v[12] = files.limit(Knob.MEMORY_HIGH, s);
        v[22] = files.limit(Knob.PIDS_MAX, s);
    }

    /** The per-tick counters besides CPU time and throttling. */
    private void v1(Scratch s, long[] v) {
        v[10] = files.number(Knob.MEMORY_USAGE, s);
        io(Knob.BLKIO_BYTES, s, v, 19);
        v[21] = files.number(Knob.PIDS_CURRENT, s);
    }

    /** The slow counters: memory breakdown, swap, failcnt, OOM kills. */
    private void v1Slow(Scratch s, long[] v) {
        files.memoryStat(Knob.V1_MEMORY_STAT, s, Scratch.V1_MEMORY_STAT_KEYS, v); // total_rss, total_cache, total_inactive_file
        long memsw = files.number(Knob.MEMSW_USAGE, s);
        v[15] = memsw == NONE || v[10] == NONE ? NONE : Math.max(0, memsw - v[10]);
        v[16] = files.number(Knob.MEMORY_FAILCNT, s);
        v[17] = NONE;                                         // oom events: v1 has only the under_oom state
        files.keyed(Knob.OOM_CONTROL, s, Scratch.OOM_CONTROL_KEYS, v, 18); // oom_kill (kernel >= 4.13)
    }

    private void v1Limits(Scratch s, long[] v) {
        v[6] = files.limit(Knob.CFS_QUOTA, s);
        v[7] = files.number(Knob.CFS_PERIOD, s);
        v[8] = NONE;                                          // weight: v2 only
        v[9] = files.number(Knob.CPU_SHARES, s);
        v[11] = files.limit(Knob.MEMORY_LIMIT, s);
        v[12] = NONE;                                         // memory.high: v2 only
        v[22] = files.limit(Knob.PIDS_MAX, s);
    }

    /** v1 CPU time split: usage_user/usage_sys (ns) or cpuacct.stat (USER_HZ ticks). */
    private void cpuacctSplit(Scratch s, long[] v) {
        long user = files.number(Knob.CPUACCT_USER, s);
        long system = files.number(Knob.CPUACCT_SYS, s);
        if (user != NONE && system != NONE) {
            v[1] = user / 1000;
            v[2] = system / 1000;
            return;
        }
        files.keyed(Knob.CPUACCT_STAT, s, Scratch.CPUACCT_STAT_KEYS, v, 1);
        // USER_HZ is 100 on every Linux architecture Hostdeck runs on: a tick is 10 ms
        v[1] = v[1] == NONE ? NONE : v[1] * 10_000;
        v[2] = v[2] == NONE ? NONE : v[2] * 10_000;
    }

    /** Bytes read and written into v[at] and v[at + 1], and the bytes per device. */
    private void io(Knob k, Scratch s, long[] v, int at) {
        if (!files.deviceIo(k, s)) {
            v[at] = NONE;
            v[at + 1] = NONE;
            ioDevices = null;
            return;
        }
        v[at] = s.deviceIo.read();
        v[at + 1] = s.deviceIo.written();
        ioDevices = s.deviceIo.devices(ioDevices);
    }
}
