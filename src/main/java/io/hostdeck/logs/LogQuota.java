package io.hostdeck.logs;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import io.hostdeck.error.BusyException;

/**
 * Caps on the costly log reads, per user and for everyone: each holds a journalctl that may scan
 * the whole journal (a download, a search with grep), so one user cannot take every slot and
 * leave the others waiting. A refusal names the cap. Live log views have their own caps
 * ({@link LogsTopic#MAX_PER_USER}, {@link LogFeeds#MAX_FEEDS}).
 */
@Component
class LogQuota {

    enum Kind {
        DOWNLOAD("log downloads", 2, 4),
        SEARCH("log searches with grep", 2, 4);

        final String what;
        final int perUser;
        final int total;

        Kind(String what, int perUser, int total) {
            this.what = what;
            this.perUser = perUser;
            this.total = total;
        }
    }

    /** A slot held until closed. */
    interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    private final Map<Kind, Map<String, Integer>> running = new ConcurrentHashMap<>();

    /** A slot of {@code kind} for {@code user}, or a BusyException that names the cap. */
    synchronized Permit acquire(Kind kind, String user) {
        Map<String, Integer> byUser = running.computeIfAbsent(kind, k -> new ConcurrentHashMap<>());
        int mine = byUser.getOrDefault(user, 0);
        int all = byUser.values().stream().mapToInt(Integer::intValue).sum();
        if (mine >= kind.perUser) {
            throw new BusyException("You already have " + mine + " " + kind.what + " running, the most one user may ("
                    + kind.perUser + "; " + kind.total + " for everyone): wait for one to end, or cancel it.");
        }
        if (all >= kind.total) {
            throw new BusyException(all + " " + kind.what + " are running, the most Hostdeck runs at once (" + kind.total
                    + " for everyone, " + kind.perUser + " a user): try again in a moment.");
        }
        byUser.merge(user, 1, Integer::sum);
        return new Permit() {
            private boolean closed;

            @Override
            public void close() {
                synchronized (LogQuota.this) {
                    if (!closed) {
                        closed = true;
                        byUser.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
                    }
                }
            }
        };
    }

    /** For a page or an API read: a slot only when it searches (grep); reads without one are cheap and not counted. */
    Permit forPage(LogFilter filter, String user) {
        return filter.grep() == null ? () -> { } : acquire(Kind.SEARCH, user);
    }
}
