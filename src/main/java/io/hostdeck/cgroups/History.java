package io.hostdeck.cgroups;

import java.util.Arrays;

/**
 * A recent past in primitive ring buffers: the last 15 minutes at the sampling tick and the last
 * 24 hours at one minute (the average of that minute's ticks), a fixed number of series side by
 * side. Every cgroup has one (the series of {@link Metric}); the host page keeps its own
 * (CPU, memory, each core, interface and file system) in the same store. Absent values are NaN,
 * so a chart shows a gap, not a zero. Not thread-safe: one sampler thread writes; readers take a
 * {@link #series copy}.
 */
public final class History {

    /** The series kept for every cgroup, in this order. */
    enum Metric { CPU, MEMORY, IO_READ, IO_WRITE, TASKS, PRESSURE }

    static final int METRICS = Metric.values().length;
    /** 24 hours at one point a minute. */
    public static final int DAY_POINTS = 24 * 60;

    private final int columns;
    private final Ring fine;
    private final Ring coarse;
    private final int ticksPerMinute;
    private final double[] minuteSum;
    private final int[] minuteCount;
    private int ticksThisMinute;
    private final float[] row;

    /** A cgroup's history: the series of {@link Metric}. */
    History(int finePoints, int coarsePoints, int ticksPerMinute) {
        this(METRICS, finePoints, coarsePoints, ticksPerMinute);
    }

    /** {@code columns} series, each {@code finePoints} ticks and {@code coarsePoints} minutes long. */
    public History(int columns, int finePoints, int coarsePoints, int ticksPerMinute) {
        this.columns = columns;
        this.fine = new Ring(columns, finePoints);
        this.coarse = new Ring(columns, coarsePoints);
        this.ticksPerMinute = ticksPerMinute;
        this.minuteSum = new double[columns];
        this.minuteCount = new int[columns];
        this.row = new float[columns];
    }

    /** Bytes one cgroup's History holds, for the diagnostics page. */
    static long bytes(int finePoints, int coarsePoints) {
        return bytes(METRICS, finePoints, coarsePoints);
    }

    /** Bytes a History of {@code columns} series holds. */
    public static long bytes(int columns, int finePoints, int coarsePoints) {
        return 4L * columns * (finePoints + coarsePoints) + 8L * (finePoints + coarsePoints) + 256;
    }

    void add(long epochMillis, CgroupRates r) {
        float[] v = row;
        v[0] = f(r.cpuPercent());
        v[1] = f(r.memoryBytes());
        v[2] = f(r.ioReadPerSec());
        v[3] = f(r.ioWritePerSec());
        v[4] = f(r.tasks());
        v[5] = f(r.cpuPressure());
        addRow(epochMillis);
    }

    /** One tick's values, one per series (NaN: absent); {@code values} is copied. */
    public void add(long epochMillis, double... values) {
        if (values.length != columns) {
            throw new IllegalArgumentException(values.length + " values for " + columns + " series");
        }
        for (int m = 0; m < columns; m++) {
            row[m] = (float) values[m];
        }
        addRow(epochMillis);
    }

    /** How many series it keeps. */
    public int columns() {
        return columns;
    }

    private void addRow(long epochMillis) {
        float[] v = row;
        fine.add(epochMillis, v);
        for (int m = 0; m < columns; m++) {
            if (!Float.isNaN(v[m])) {
                minuteSum[m] += v[m];
                minuteCount[m]++;
            }
        }
        if (++ticksThisMinute >= ticksPerMinute) {
            for (int m = 0; m < columns; m++) {
                v[m] = minuteCount[m] == 0 ? Float.NaN : (float) (minuteSum[m] / minuteCount[m]);
            }
            coarse.add(epochMillis, v);
            Arrays.fill(minuteSum, 0);
            Arrays.fill(minuteCount, 0);
            ticksThisMinute = 0;
        }
    }

    /** A copy, oldest first: {@code [0]} the times (epoch seconds), then one array per metric. */
    public double[][] series(boolean day) {
        return (day ? coarse : fine).copy();
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
     * Fixed-size rows of floats with their timestamps, overwritten oldest first. A row's values sit
     * side by side, so that adding one touches one cache line, not one per metric.
     */
    private static final class Ring {
        private final int columns;
        private final long[] times;
        private final float[] values; // row-major: [point * columns + metric]
        private int next;
        private int size;

        Ring(int columns, int capacity) {
            this.columns = columns;
            times = new long[capacity];
            values = new float[capacity * columns];
        }

        void add(long epochMillis, float[] v) {
            times[next] = epochMillis;
            System.arraycopy(v, 0, values, next * columns, columns);
            next = (next + 1) % times.length;
            size = Math.min(size + 1, times.length);
        }

        double[][] copy() {
            double[][] out = new double[columns + 1][size];
            int start = (next - size + times.length) % times.length;
            for (int i = 0; i < size; i++) {
                int at = (start + i) % times.length;
                out[0][i] = times[at] / 1000.0;
                for (int m = 0; m < columns; m++) {
                    out[m + 1][i] = values[at * columns + m];
                }
            }
            return out;
        }
    }
}
