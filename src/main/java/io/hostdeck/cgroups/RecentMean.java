package io.hostdeck.cgroups;

/**
 * The mean of the last N values added (the CPU time of the last minute's passes or ticks): one
 * value alone varies too much to tell what sampling costs. One thread adds; any reads the mean.
 */
public final class RecentMean {

    private final long[] recent;
    private int next;
    private int size;
    private volatile double mean;

    public RecentMean(int size) {
        this.recent = new long[Math.max(1, size)];
    }

    public void add(long value) {
        recent[next] = value;
        next = (next + 1) % recent.length;
        size = Math.min(size + 1, recent.length);
        long sum = 0;
        for (int i = 0; i < size; i++) {
            sum += recent[i];
        }
        mean = (double) sum / size;
    }

    /** 0 before the first value. */
    public double mean() {
        return mean;
    }
}
