package io.hostdeck.logs;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import io.hostdeck.error.ConflictException;
import io.hostdeck.error.InvalidInputException;
import io.hostdeck.host.journal.Journal;
import io.hostdeck.host.journal.JournalFollow;
import io.hostdeck.host.journal.JournalEntry;
import io.hostdeck.host.journal.JournalQuery;
import io.hostdeck.live.LiveHub;

/**
 * One {@code journalctl --follow} per log view that a page follows, shared by every page that
 * follows the same filters, stopped when none does any more. Each feed knows the last entry it has
 * published; a joining page gets the entries between its own newest and that one, computed and
 * sent under the lock the feed publishes under, so it misses none and gets none twice.
 */
@Component
class LogFeeds implements DisposableBean {

    /** At most this many entries are caught up; a page further behind is told to reload. */
    static final int CATCH_UP = 1000;
    static final long SWEEP_SECONDS = 5;
    /** At most this many different views are followed at once (one journalctl --follow each). */
    static final int MAX_FEEDS = 32;

    private static final Logger log = LoggerFactory.getLogger(LogFeeds.class);

    private final Journal journal;
    private final LiveHub hub;
    private final Map<String, Feed> feeds = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "log-feeds-sweeper");
        t.setDaemon(true);
        return t;
    });

    LogFeeds(Journal journal, LiveHub hub) {
        this.journal = journal;
        this.hub = hub;
        sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
    }

    /** A message to a following page: rendered entries, newest first. */
    record Entries(String type, String key, boolean catchUp, boolean gap, int count, String html, String problem) {
    }

    void join(String key, LogFilter filter, String from, Consumer<Object> subscribe) {
        while (true) {
            // each feed is a journalctl process: a page cannot start them without bound
            if (!feeds.containsKey(key) && feeds.size() >= MAX_FEEDS) {
                throw new ConflictException("Hostdeck already follows " + MAX_FEEDS + " different log views for all its users,"
                        + " the most it runs at once (" + LogsTopic.MAX_PER_USER + " a user): close some pages");
            }
            Feed feed = feeds.computeIfAbsent(key, k -> new Feed(k, filter));
            synchronized (feed) {
                if (feed.closed) {
                    feeds.remove(key, feed);
                    continue; // it stopped between lookup and lock: start a fresh one
                }
                feed.startIfNeeded();
                subscribe.accept(feed.catchUp(from));
                return;
            }
        }
    }

    /** How many views are followed now (for tests and /about). */
    int followed() {
        return feeds.size();
    }

    private void sweep() {
        feeds.forEach((key, feed) -> {
            if (!hub.hasSubscribers(key)) {
                synchronized (feed) {
                    if (!hub.hasSubscribers(key)) {
                        feed.close();
                        feeds.remove(key, feed);
                    }
                }
            }
        });
    }

    @Override
    public void destroy() {
        sweeper.shutdownNow();
        feeds.values().forEach(Feed::close);
        feeds.clear();
    }

    private final class Feed {

        private final String key;
        private final LogFilter filter;
        private final ZoneId zone;
        private final String permalinkBase;
        private JournalQuery query;
        private JournalFollow follow;
        private String last; // the newest entry published (or there when the feed started)
        private boolean closed;

        Feed(String key, LogFilter filter) {
            this.key = key;
            this.filter = filter;
            this.zone = journal.zone();
            this.permalinkBase = LogReader.permalinkBase(filter);
        }

        // under the feed's lock
        void startIfNeeded() {
            if (follow != null) {
                return;
            }
            query = filter.query(zone, Instant.now()).summary(); // pages load an entry's other fields on opening it
            List<JournalEntry> newest = journal.newest(query, 1);
            last = newest.isEmpty() ? null : newest.get(0).cursor();
            // from the newest entry there is now; when none matched yet, every one that comes
            follow = journal.follow(query, last, this::publish, this::ended);
        }

        // under the feed's lock: what a page with newest entry `from` lacks, up to `last`
        Entries catchUp(String from) {
            if (from == null || last == null || from.equals(last)) {
                return message(true, false, List.of());
            }
            List<JournalEntry> after = journal.newerThan(query, from, CATCH_UP).orElseThrow(
                    () -> new InvalidInputException("from", "no entry with this cursor matches the filters; reload the page"));
            List<JournalEntry> missed = new ArrayList<>();
            for (JournalEntry e : after) {
                missed.add(e);
                if (e.cursor().equals(last)) {
                    return message(true, false, missed);
                }
            }
            // not reached: more than CATCH_UP behind, or the page is ahead of this feed (its next
            // batches then repeat entries the page has, which it skips by cursor)
            return message(true, after.size() >= CATCH_UP, List.of());
        }

        private void publish(List<JournalEntry> batch) {
            synchronized (this) {
                if (closed || batch.isEmpty()) {
                    return;
                }
                last = batch.get(batch.size() - 1).cursor();
                hub.publish(key, message(false, false, batch));
            }
        }

        private void ended(String why) {
            synchronized (this) {
                if (closed) {
                    return;
                }
                log.warn("log feed {} ended: {}", key, why);
                hub.publish(key, new Entries("logs", key, false, false, 0, "", why));
                close();
                feeds.remove(key, this);
            }
        }

        private Entries message(boolean catchUp, boolean gap, List<JournalEntry> oldestFirst) {
            List<LogRow> rows = new ArrayList<>(oldestFirst.size());
            for (int i = oldestFirst.size() - 1; i >= 0; i--) {
                rows.add(LogRow.of(oldestFirst.get(i), zone, permalinkBase, false));
            }
            String html = EntryHtml.entries(rows);
            return new Entries("logs", key, catchUp, gap, rows.size(), html, null);
        }

        void close() {
            closed = true;
            if (follow != null) {
                follow.close();
            }
        }
    }
}
