package io.hostdeck.cgroups;

import java.util.Arrays;

/**
 * A cgroup's recent past in primitive ring buffers: the last 15 minutes at the sampling tick and
 * the last 24 hours at one minute (the average of that minute's ticks). Absent values are NaN, so
 * a chart shows a gap, not a zero. Not thread-safe: one sampler thread writes; readers take a
 * {@link #series copy}.
 */
final class History {

    /** The series kept for every cgroup, in this order. */
    enum Metric { CPU, MEMORY, IO_READ, IO_WRITE, TASKS, PRESSURE }

    static final int METRICS = Metric.values().length;
    /** 24 hours at one point a minute. */
    static final int DAY_POINTS = 24 * 60;

    private final Ring fine;
    private final Ring coarse;
    private final int ticksPerMinute;
    private final double[] minuteSum = new double[METRICS];
    private final int[] minuteCount = new int[METRICS];
    private int ticksThisMinute;
    private final float[] row = new float[METRICS];

    History(int finePoints, int coarsePoints, int ticksPerMinute) {
        this.fine = new Ring(finePoints);
        this.coarse = new Ring(coarsePoints);
        this.ticksPerMinute = ticksPerMinute;
    }

    /** Bytes one History holds, for the diagnostics page. */
    static long bytes(int finePoints, int coarsePoints) {
        return 4L * METRICS * (finePoints + coarsePoints) + 8L * (finePoints + coarsePoints) + 256;
    }

    void add(long epochMillis, CgroupRates r) {
        float[] v = row;
        v[0] = f(r.cpuPercent());
        v[1] = f(r.memoryBytes());
        v[2] = f(r.ioReadPerSec());
        v[3] = f(r.ioWritePerSec());
        v[4] = f(r.tasks());
        v[5] = f(r.cpuPressure());
        fine.add(epochMillis, v);
        for (int m = 0; m < METRICS; m++) {
            if (!Float.isNaN(v[m])) {
                minuteSum[m] += v[m];
                minuteCount[m]++;
            }
        }
        if (++ticksThisMinute >= ticksPerMinute) {
            for (int m = 0; m < METRICS; m++) {
                v[m] = minuteCount[m] == 0 ? Float.NaN : (float) (minuteSum[m] / minuteCount[m]);
            }
            coarse.add(epochMillis, v);
            Arrays.fill(minuteSum, 0);
            Arrays.fill(minuteCount, 0);
            ticksThisMinute = 0;
        }
    }

    /** A copy, oldest first: {@code [0]} the times (epoch seconds), then one array per metric. */
    double[][] series(boolean day) {
        return (day ? coarse : fine).copy();
    }

    private static float f(Number n) {
        return n == null ? Float.NaN : n.floatValue();
    }

    /**
     * Fixed-size rows of floats with their timestamps, overwritten oldest first. A row's values sit
     * side by side, so that adding one touches one cache line, not one per metric.
     */
    private static final class Ring {
        private final long[] times;
        private final float[] values; // row-major: [point * METRICS + metric]
        private int next;
        private int size;

        Ring(int capacity) {
            times = new long[capacity];
            values = new float[capacity * METRICS];
        }

        void add(long epochMillis, float[] v) {
            times[next] = epochMillis;
            System.arraycopy(v, 0, values, next * METRICS, METRICS);
            next = (next + 1) % times.length;
            size = Math.min(size + 1, times.length);
        }

        double[][] copy() {
            double[][] out = new double[METRICS + 1][size];
            int start = (next - size + times.length) % times.length;
            for (int i = 0; i < size; i++) {
                int at = (start + i) % times.length;
                out[0][i] = times[at] / 1000.0;
                for (int m = 0; m < METRICS; m++) {
                    out[m + 1][i] = values[at * METRICS + m];
                }
            }
            return out;
        }
    }
}
