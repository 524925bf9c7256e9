package io.hostdeck.host.systemd;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Matches JobRemoved signals to the jobs Hostdeck queued. A job can end before the call that
 * queued it has returned its path, so results are kept by job path whoever comes first; entries
 * nobody waits for (other clients' jobs) are dropped after a while.
 */
final class JobTracker {

    private static final long KEEP_NANOS = 120_000_000_000L;

    private record Entry(CompletableFuture<JobOutcome> outcome, long createdAt) {
    }

    private final Map<String, Entry> jobs = new ConcurrentHashMap<>();

    /** From the signal thread. */
    void removed(JobOutcome outcome) {
        entry(outcome.job()).outcome().complete(outcome);
        purge();
    }

    /** The future outcome of {@code jobPath}; the caller {@link #forget}s it when done. */
    CompletableFuture<JobOutcome> outcome(String jobPath) {
        return entry(jobPath).outcome();
    }

    void forget(String jobPath) {
        jobs.remove(jobPath);
    }

    /** The connection dropped: no JobRemoved will come for anything still waiting. */
    void connectionLost(RuntimeException reason) {
        jobs.values().forEach(e -> e.outcome().completeExceptionally(reason));
        jobs.clear();
    }

    private Entry entry(String jobPath) {
        return jobs.computeIfAbsent(jobPath, p -> new Entry(new CompletableFuture<>(), System.nanoTime()));
    }

    private void purge() {
        long now = System.nanoTime();
        for (Iterator<Entry> it = jobs.values().iterator(); it.hasNext();) {
            Entry e = it.next();
            if (now - e.createdAt() > KEEP_NANOS) {
                it.remove();
            }
        }
    }
}
