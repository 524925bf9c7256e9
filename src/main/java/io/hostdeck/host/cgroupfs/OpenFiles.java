package io.hostdeck.host.cgroupfs;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cgroup files a reader keeps open, against its budget of file descriptors: past the budget,
 * and once the reader is closed, a file is opened for each read instead.
 */
final class OpenFiles {

    private final int max;
    private final AtomicInteger count = new AtomicInteger();
    private volatile boolean closed;

    /** @param max the most files kept open at once (0: none) */
    OpenFiles(int max) {
        this.max = max;
    }

    /** Takes one file from the budget; false when it is spent or the reader closed. */
    boolean take() {
        if (count.incrementAndGet() > max || closed) {
            count.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Gives back a file taken (closed, or failed to open). */
    void giveBack() {
        count.decrementAndGet();
    }

    /**
     * Whether less than seven eighths of the budget is in use: only then does a cgroup that does
     * not run keep its CPU file open, so that on a host with more cgroups than the budget holds,
     * the last eighth is left to the files of the cgroups that start running. A cool cgroup's CPU
     * file is read whenever its parent's sum cannot vouch for it, every other pass on a host whose
     * active set changes: at 10,000 cgroups and a budget of 15,000, keeping them only below half
     * the budget left half of it unused, and opening, reading and closing the cool children's CPU
     * files was a tenth of the sampler thread.
     */
    boolean roomy() {
        return count.get() < max - max / 8;
    }

    /** How many files are open now. */
    int count() {
        return count.get();
    }

    /** No file is kept open from now on. */
    void close() {
        closed = true;
    }

    boolean closed() {
        return closed;
    }
}
