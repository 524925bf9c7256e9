package io.hostdeck.cgroups;

import java.util.Arrays;

/**
 * A cgroup's recent past: the last 15 minutes at the sampling tick and the last 24 hours at one
 * point every {@value #DAY_MINUTES_A_POINT} minutes (the average of those minutes' ticks). Absent values are NaN, so a chart shows a gap, not a
 * zero. Not thread-safe: one sampler thread writes; readers take a {@link #series copy} under the
 * History's lock, as the sampler writes under it.
 *
 * <p>Kept small, because most cgroups of a host are idle (issue 17: 75 KB a cgroup made 750 MB at
 * 10,000): the times live once, in the sampler's {@link Clock}, since every cgroup gets a point at
 * every tick; the values are stored in chunks of {@value #CHUNK} points per metric, and a chunk
 * whose points are all the same (an idle cgroup's 0 % CPU, its unchanged memory) is one float. An
 * idle cgroup costs about 2 KB, a busy one about 60 KB.
 */
public final class History {

    /** The series kept for every cgroup, in this order. */
    enum Metric { CPU, MEMORY, IO_READ, IO_WRITE, TASKS, PRESSURE }

    static final int METRICS = Metric.values().length;
    /**
     * Minutes a point of the day view stands for: 288 points a day, enough for a chart a screen
     * wide, and a fifth of the memory of a point a minute (a busy cgroup's day was 34 KB of 56).
     */
    public static final int DAY_MINUTES_A_POINT = 5;
    /** 24 hours at one point every {@value #DAY_MINUTES_A_POINT} minutes. */
    public static final int DAY_POINTS = 24 * 60 / DAY_MINUTES_A_POINT;
    /** Points per chunk: one minute at the default tick, one hour of the day view. */
    static final int CHUNK = 60;

    /**
     * The times of the ticks and of the minutes, for every History of a sampler: tick {@code t}'s
     * time is written once, before any History gets that tick's point. One writer thread.
     */
    static final class Clock {
        private final long[] tickTimes;
        private final long[] minuteTimes;
        private final int ticksPerPoint;
        private long tick = -1;

        Clock(int finePoints, int coarsePoints, int ticksPerMinute) {
            // a little more than any History shows, so a reader copying while the next tick is
            // written never reads a slot being overwritten
            this.tickTimes = new long[finePoints + 16];
            this.minuteTimes = new long[coarsePoints + 16];
            this.ticksPerPoint = ticksPerMinute * DAY_MINUTES_A_POINT;
        }

        /** The next tick, at {@code epochMillis}: call once a pass, before the Histories' {@link #add}. */
        void advance(long epochMillis) {
            tick++;
            tickTimes[(int) (tick % tickTimes.length)] = epochMillis;
            if (closesMinute()) {
                minuteTimes[(int) ((tick / ticksPerPoint) % minuteTimes.length)] = epochMillis;
            }
        }

        boolean closesMinute() {
            return (tick + 1) % ticksPerPoint == 0;
        }

        long tick() {
            return tick;
        }

        /** The day view's point of this tick (a "minute" of {@value #DAY_MINUTES_A_POINT} minutes). */
        long minute() {
            return tick / ticksPerPoint;
        }

        double tickSeconds(long t) {
            return tickTimes[(int) (t % tickTimes.length)] / 1000.0;
        }

        double minuteSeconds(long m) {
            return minuteTimes[(int) (m % minuteTimes.length)] / 1000.0;
        }
    }

    private final Clock clock;
    private final boolean ownClock;
    private final int columns;
    private final Ring fine;
    private final Ring coarse;
    private final double[] minuteSum;
    private final int[] minuteCount;
    private final float[] row;
    /** The rates of the last point taken, its tick, and how many of the points up to it are only counted. */
    private CgroupRates lastAdded;
    private long lastTick = -1;
    private int pending;

    /** A cgroup's history (the series of {@link Metric}) with a clock of its own: {@link #add(long, CgroupRates)}. */
    History(int finePoints, int coarsePoints, int ticksPerMinute) {
        this(METRICS, finePoints, coarsePoints, ticksPerMinute);
    }

    /** {@code columns} series with a clock of their own: {@link #add(long, double...)} gives each point its time. */
    public History(int columns, int finePoints, int coarsePoints, int ticksPerMinute) {
        this(new Clock(finePoints, coarsePoints, ticksPerMinute), columns, finePoints, coarsePoints, true);
    }

    /** A cgroup's history on a sampler's shared clock: {@link #add(CgroupRates)} after each {@link Clock#advance}. */
    History(Clock clock, int finePoints, int coarsePoints) {
        this(clock, METRICS, finePoints, coarsePoints, false);
    }

    private History(Clock clock, int columns, int finePoints, int coarsePoints, boolean ownClock) {
        this.clock = clock;
        this.ownClock = ownClock;
        this.columns = columns;
        this.fine = new Ring(columns, finePoints);
        this.coarse = new Ring(columns, coarsePoints);
        this.minuteSum = new double[columns];
        this.minuteCount = new int[columns];
        this.row = new float[columns];
    }

    /** Bytes one cgroup's History holds at most (every chunk of every metric varying), for the diagnostics page. */
    static long bytesBound(int finePoints, int coarsePoints) {
        return bytes(METRICS, finePoints, coarsePoints);
    }

    /** Bytes a History of {@code columns} series holds at most. */
    public static long bytes(int columns, int finePoints, int coarsePoints) {
        return Ring.bytesBound(columns, finePoints) + Ring.bytesBound(columns, coarsePoints) + 256;
    }

    /** How many series it keeps. */
    public int columns() {
        return columns;
    }

    /** Bytes this History holds now (approximately: arrays and their headers). */
    public long bytes() {
        writePending();
        return fine.bytes() + coarse.bytes() + 256;
    }

    /** A point at {@code epochMillis}, on this History's own clock. */
    void add(long epochMillis, CgroupRates r) {
        ownTick(epochMillis);
        add(r);
    }

    /** One tick's values at {@code epochMillis}, one per series (NaN: absent), on this History's own clock. */
    public void add(long epochMillis, double... values) {
        if (values.length != columns) {
            throw new IllegalArgumentException(values.length + " values for " + columns + " series");
        }
        ownTick(epochMillis);
        for (int m = 0; m < columns; m++) {
            row[m] = (float) values[m];
        }
        addRow();
    }

    private void ownTick(long epochMillis) {
        if (!ownClock) {
            throw new IllegalStateException("a History on a shared clock takes its time from the clock");
        }
        clock.advance(epochMillis);
    }

    /**
     * A cgroup's point at the clock's current tick. The same rates as the tick before (the sampler
     * hands an idle cgroup the same object) are only counted, and written when something else
     * comes, the day view's point is due, or the history is read: at 10,000 cgroups, writing every
     * idle cgroup's six values each tick touched memory enough to be a tenth of the sampler's time.
     */
    void add(CgroupRates r) {
        long tick = clock.tick();
        if (r == lastAdded && tick == lastTick + 1 && !clock.closesMinute()) {
            lastTick = tick;
            pending++;
            return;
        }
        writePending();
        rowOf(r);
        addRow();
        lastAdded = r;
        lastTick = tick;
    }

    private void rowOf(CgroupRates r) {
        float[] v = row;
        v[0] = f(r.cpuPercent());
        v[1] = f(r.memoryBytes());
        v[2] = f(r.ioReadPerSec());
        v[3] = f(r.ioWritePerSec());
        v[4] = f(r.tasks());
        v[5] = f(r.cpuPressure());
    }

    /** Writes the points counted by {@link #add(CgroupRates)} and not written yet (never one that closes a day point). */
    private void writePending() {
        if (pending == 0) {
            return;
        }
        rowOf(lastAdded);
        for (long t = lastTick - pending + 1; t <= lastTick; t++) {
            fine.add(t, row);
            sum(row);
        }
        pending = 0;
    }

    private void addRow() {
        float[] v = row;
        fine.add(clock.tick(), v);
        sum(v);
        if (clock.closesMinute()) {
            for (int m = 0; m < columns; m++) {
                v[m] = minuteCount[m] == 0 ? Float.NaN : (float) (minuteSum[m] / minuteCount[m]);
            }
            coarse.add(clock.minute(), v);
            Arrays.fill(minuteSum, 0);
            Arrays.fill(minuteCount, 0);
        }
    }

    private void sum(float[] v) {
        for (int m = 0; m < columns; m++) {
            if (!Float.isNaN(v[m])) {
                minuteSum[m] += v[m];
                minuteCount[m]++;
            }
        }
    }

    /** A copy, oldest first: {@code [0]} the times (epoch seconds), then one array per metric. */
    public double[][] series(boolean day) {
        writePending();
        Ring ring = day ? coarse : fine;
        double[][] out = new double[columns + 1][ring.size];
        long first = ring.last - ring.size + 1;
        for (int i = 0; i < ring.size; i++) {
            long at = first + i;
            out[0][i] = day ? clock.minuteSeconds(at) : clock.tickSeconds(at);
            for (int m = 0; m < columns; m++) {
                out[m + 1][i] = ring.get(at, m);
            }
        }
        return out;
    }

    /** A {@link #series} copy as JSON columns: null for gaps (JSON has no NaN). */
    public static java.util.List<java.util.List<Double>> columns(double[][] s) {
        java.util.List<java.util.List<Double>> out = new java.util.ArrayList<>(s.length);
        for (double[] column : s) {
            java.util.List<Double> c = new java.util.ArrayList<>(column.length);
            for (double d : column) {
                c.add(Double.isNaN(d) ? null : d);
            }
            out.add(c);
        }
        return out;
    }

    private static float f(Number n) {
        return n == null ? Float.NaN : n.floatValue();
    }

    /**
     * The last {@code capacity} points of consecutive indexes (ticks or minutes), per metric in
     * chunks of {@link #CHUNK}: a chunk is one float while all its points are equal, an array once
     * one differs. One chunk more than the capacity needs, so that starting a chunk never drops a
     * point still shown.
     */
    private static final class Ring {
        private final int columns;
        private final float[] gap;
        private final int capacity;
        private final int chunks;
        private final float[] constant; // [chunk * columns + metric]
        private final float[][] varying; // the same index; null while the chunk is constant
        private long last = -1; // the index of the newest point
        private int size;

        Ring(int columns, int capacity) {
            this.columns = columns;
            this.capacity = capacity;
            this.chunks = (capacity + CHUNK - 1) / CHUNK + 1;
            this.constant = new float[chunks * columns];
            this.varying = new float[chunks * columns][];
            this.gap = new float[columns];
            Arrays.fill(gap, Float.NaN);
        }

        static long bytesBound(int columns, int capacity) {
            long chunks = (capacity + CHUNK - 1) / CHUNK + 1;
            return chunks * columns * (4 + 8 + 16 + 4L * CHUNK);
        }

        long bytes() {
            long b = 16 + 4L * constant.length + 16 + 8L * varying.length;
            for (float[] a : varying) {
                if (a != null) {
                    b += 16 + 4L * a.length;
                }
            }
            return b;
        }

        void add(long index, float[] v) {
            if (last >= 0 && index <= last) {
                return; // never: one point a tick
            }
            if (last >= 0 && index > last + 1) {
                // ticks this History missed (a pass that failed half way): gaps, not made-up values
                if (index - last > capacity) {
                    size = 0;
                } else {
                    for (long g = last + 1; g < index; g++) {
                        put(g, gap);
                    }
                }
            }
            put(index, v);
        }

        private void put(long index, float[] v) {
            long slot = index % ((long) chunks * CHUNK);
            int chunk = (int) (slot / CHUNK);
            int offset = (int) (slot % CHUNK);
            int base = chunk * columns;
            for (int m = 0; m < columns; m++) {
                int at = base + m;
                if (offset == 0 || size == 0) {
                    // a chunk starts, or this History's first point (mid-chunk: the slots before it
                    // are never read): constant so far
                    varying[at] = null;
                    constant[at] = v[m];
                } else if (varying[at] != null) {
                    varying[at][offset] = v[m];
                } else if (Float.floatToIntBits(v[m]) != Float.floatToIntBits(constant[at])) {
                    float[] a = new float[CHUNK];
                    Arrays.fill(a, 0, offset, constant[at]);
                    a[offset] = v[m];
                    varying[at] = a;
                }
            }
            last = index;
            size = Math.min(size + 1, capacity);
        }

        float get(long index, int metric) {
            long slot = index % ((long) chunks * CHUNK);
            int at = (int) (slot / CHUNK) * columns + metric;
            float[] a = varying[at];
            return a != null ? a[(int) (slot % CHUNK)] : constant[at];
        }
    }
}
