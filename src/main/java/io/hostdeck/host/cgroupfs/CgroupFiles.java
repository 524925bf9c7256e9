package io.hostdeck.host.cgroupfs;

import static io.hostdeck.host.cgroupfs.CgroupParsers.NONE;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.util.Arrays;

import io.hostdeck.host.cgroupfs.CgroupSample.Pressure;

/**
 * One cgroup's files: where they are in each hierarchy of the layout, which are kept open, and
 * reading one of them into a thread's {@link Scratch}. Not thread-safe: its {@link CgroupEntry}
 * guards it.
 *
 * <p>The files are found with one directory listing per hierarchy, never by catching "no such
 * file" on every read. A file that fails (ENODEV: the cgroup was removed, maybe re-created under
 * the same name) has its hierarchy listed afresh; hierarchies where something wanted was missing
 * are listed again every {@value CgroupReader#RECHECK_SECONDS} s.
 */
final class CgroupFiles {

    private final CgroupLayout l;
    private final OpenFiles openFiles;
    private final String[] dirs;              // by tree: tree root + path
    private final String[] files;             // by knob: the file, null when absent
    private final RandomAccessFile[] open;    // by knob: kept open, or null
    private final boolean[] lacking;          // by tree: something wanted was not there
    private final String primaryDir;
    private final boolean root;
    private long recheckAt;
    /** Whether the cgroup has stopped running: only the files read on every poll stay open. */
    private boolean cool;

    CgroupFiles(CgroupLayout l, String path, OpenFiles openFiles) {
        this.l = l;
        this.openFiles = openFiles;
        this.dirs = new String[l.trees().length];
        for (int t = 0; t < dirs.length; t++) {
            dirs[t] = CgroupPath.in(l.trees()[t], path);
        }
        this.primaryDir = CgroupPath.in(l.primary(), path);
        this.root = path.length() == 1;
        this.files = new String[Knob.COUNT];
        this.open = new RandomAccessFile[Knob.COUNT];
        this.lacking = new boolean[dirs.length];
    }

    /** Finds the files of every hierarchy; false when the cgroup does not exist. */
    boolean probeAll() {
        if (!new File(primaryDir).isDirectory()) {
            return false;
        }
        for (int t = 0; t < dirs.length; t++) {
            probe(t, true);
        }
        recheckAt = System.nanoTime() + CgroupReader.RECHECK_NANOS;
        return true;
    }

    /** Looks again in the hierarchies that lacked something, when their time has come. */
    void recheckIfDue(long now) {
        if (now - recheckAt >= 0) {
            for (int t = 0; t < dirs.length; t++) {
                if (lacking[t]) {
                    probe(t, false);
                }
            }
            recheckAt = now + CgroupReader.RECHECK_NANOS;
        }
    }

    /** Makes the next {@link #recheckIfDue} look: controllers may have been enabled for this cgroup just now. */
    void recheckNow() {
        recheckAt = System.nanoTime();
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
        if (!openFiles.take()) {
            return;
        }
        try {
            open[k.ordinal()] = new RandomAccessFile(files[k.ordinal()], "r");
        } catch (IOException e) { // vanished between listing and open: found stale on read
            openFiles.giveBack();
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
            openFiles.giveBack();
            try {
                f.close();
            } catch (IOException ignored) {
                // closing a read-only cgroup file has nothing to report
            }
        }
    }

    /**
     * Whether knob k's file stays open between reads: the file that tells whether the cgroup
     * ran (a cool cgroup's only while less than seven eighths of the budget is in use: the rest
     * is for the files of the cgroups that start running, {@link OpenFiles#roomy}), the root's cgroup.stat (read every tick), and the other per-tick files of
     * a cgroup that runs.
     */
    private boolean keep(Knob k) {
        if (k == l.probe()) {
            return !cool || openFiles.roomy();
        }
        if (k == Knob.CGROUP_STAT) {
            return root;
        }
        return k.everyTick && !cool;
    }

    /** Closes the per-tick files of a cgroup that has stopped running. */
    void cool() {
        cool = true;
        for (Knob k : Knob.values()) {
            if (open[k.ordinal()] != null && !keep(k)) {
                shut(k);
            }
        }
    }

    /** The cgroup runs again: its per-tick files are kept open once more as they are read. */
    void warm() {
        cool = false;
    }

    /** Closes every file and forgets them all. */
    void close() {
        for (Knob k : Knob.values()) {
            drop(k);
        }
    }

    /**
     * Reads knob k into the scratch buffer: its length, or -1 when absent. A file that fails
     * (ENODEV: the cgroup was removed, maybe re-created) has its tree looked up again and is
     * read once more from there.
     */
    int load(Knob k, Scratch s) {
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

    /** A file holding one number, or NONE. */
    long number(Knob k, Scratch s) {
        int n = load(k, s);
        return n < 0 ? NONE : CgroupParsers.number(s.buf, n);
    }

    /** A file holding one limit ("max" and v1's huge values: NONE), or NONE. */
    long limit(Knob k, Scratch s) {
        int n = load(k, s);
        return n < 0 ? NONE : CgroupParsers.limit(s.buf, n);
    }

    /** A flat-keyed file's values of {@code keys} into v[at..], NONE for each when it is absent. */
    void keyed(Knob k, Scratch s, byte[][] keys, long[] v, int at) {
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
    void memoryStat(Knob k, Scratch s, byte[][] keys, long[] v) {
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

    /** cpu.max's quota and period into v[at] and v[at + 1]. */
    void cpuMax(Scratch s, long[] v, int at) {
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

    /** A pressure file, or null when absent. */
    Pressure pressure(Knob k, Scratch s) {
        int n = load(k, s);
        return n < 0 ? null : CgroupParsers.pressure(s.buf, n);
    }

    /** io.stat or blkio's bytes into the scratch's per-device tally; false when absent. */
    boolean deviceIo(Knob k, Scratch s) {
        int n = load(k, s);
        if (n < 0) {
            return false;
        }
        if (k == Knob.IO_STAT) {
            CgroupParsers.ioStat(s.buf, n, s.deviceIo);
        } else {
            CgroupParsers.blkioServiceBytes(s.buf, n, s.deviceIo);
        }
        return true;
    }

    /**
     * cgroup.stat's nr_descendants, the live cgroups below this one (cgroup2 only); -1 when
     * unknown, also when the file failed: the caller lists the directory instead.
     */
    long descendants(Scratch s) {
        s.stale = false;
        s.gone = false;
        int n = load(Knob.CGROUP_STAT, s);
        if (n < 0) {
            return -1;
        }
        CgroupParsers.keyed(s.buf, n, Scratch.CGROUP_STAT_KEYS, s.keyed);
        return s.keyed[0] == NONE ? -1 : s.keyed[0];
    }

    /** nr_dying_descendants as the last {@link #descendants} read it (in the scratch), or -1. */
    static long dying(Scratch s) {
        return s.keyed[1] == NONE ? -1 : s.keyed[1];
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
