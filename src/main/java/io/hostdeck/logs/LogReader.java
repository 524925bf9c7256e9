package io.hostdeck.logs;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

import org.springframework.stereotype.Service;

import io.hostdeck.error.InvalidInputException;
import io.hostdeck.host.journal.Journal;
import io.hostdeck.host.journal.JournalEntry;
import io.hostdeck.host.journal.JournalQuery;

/**
 * Pages of the journal by cursor: the newest, the ones before or after an entry, and an entry with
 * its context. A cursor that names no entry matching the filters is invalid input naming its
 * parameter.
 */
@Service
class LogReader {

    static final int PAGE = 200;
    static final int CONTEXT = 50;

    private final Journal journal;

    LogReader(Journal journal) {
        this.journal = journal;
    }

    ZoneId zone() {
        return journal.zone();
    }

    JournalQuery query(LogFilter filter) {
        return filter.query(zone(), Instant.now());
    }

    /** The newest page. */
    /**
     * The page a request asks for: before, after or at a cursor (one of them at most, else a 400),
     * or the newest. What the log view and the API both serve.
     */
    LogPage page(LogFilter filter, String before, String after, String at) {
        return page(filter, before, after, at, row -> { });
    }

    /**
     * {@link #page(LogFilter, String, String, String)}, handing each row of the page to {@code shown}
     * in the page's order: the newest page's as its entry comes, while journalctl reads the next
     * ones (the log view writes their HTML meanwhile), the others' when the page is read.
     */
    LogPage page(LogFilter filter, String before, String after, String at, Consumer<LogRow> shown) {
        if ((before != null ? 1 : 0) + (after != null ? 1 : 0) + (at != null ? 1 : 0) > 1) {
            throw new InvalidInputException(at != null ? "at" : "after", "use only one of before, after and at");
        }
        if (before == null && after == null && at == null) {
            return newest(filter, shown);
        }
        LogPage page = before != null ? before(filter, before) : after != null ? after(filter, after) : at(filter, at);
        page.rows().forEach(shown);
        return page;
    }

    LogPage newest(LogFilter filter) {
        return newest(filter, row -> { });
    }

    private LogPage newest(LogFilter filter, Consumer<LogRow> shown) {
        ZoneId zone = zone();
        String base = permalinkBase(filter);
        // each row is made as its entry comes, while journalctl reads the next ones
        List<LogRow> rows = new ArrayList<>(PAGE);
        List<JournalEntry> entries = journal.newest(filter.query(zone, Instant.now()).summary(), PAGE + 1, e -> {
            if (rows.size() < PAGE) {
                LogRow row = LogRow.of(e, zone, base, false);
                rows.add(row);
                shown.accept(row);
            }
        });
        boolean more = entries.size() > PAGE;
        return new LogPage(List.copyOf(rows), more ? rows.get(rows.size() - 1).cursor() : null, null, filter.open());
    }

    /** The page of entries older than {@code cursor}. */
    LogPage before(LogFilter filter, String cursor) {
        ZoneId zone = zone();
        List<JournalEntry> entries = journal.olderThan(filter.query(zone, Instant.now()).summary(), cursor, PAGE + 1)
                .orElseThrow(() -> notFound("before"));
        return page(filter, zone, entries, true, cursor, false);
    }

    /** The page of entries newer than {@code cursor}; when it reaches the newest, it may follow. */
    LogPage after(LogFilter filter, String cursor) {
        ZoneId zone = zone();
        List<JournalEntry> newer = new ArrayList<>(journal.newerThan(filter.query(zone, Instant.now()).summary(), cursor,
                PAGE + 1).orElseThrow(() -> notFound("after")));
        boolean more = newer.size() > PAGE;
        List<JournalEntry> shown = new ArrayList<>(newer.subList(0, Math.min(PAGE, newer.size())));
        Collections.reverse(shown);
        String base = permalinkBase(filter);
        List<LogRow> rows = shown.stream().map(e -> LogRow.of(e, zone, base, false)).toList();
        // the page just after the cursor always has older entries: the cursor's own
        return new LogPage(rows, rows.isEmpty() ? cursor : rows.get(rows.size() - 1).cursor(),
                more && !rows.isEmpty() ? rows.get(0).cursor() : null, !more && filter.open());
    }

    /** The entry at {@code cursor}, open, with up to {@link #CONTEXT} entries either side. */
    LogPage at(LogFilter filter, String cursor) {
        ZoneId zone = zone();
        JournalQuery q = filter.query(zone, Instant.now());
        JournalEntry it = journal.at(q, cursor).orElseThrow(() -> notFound("at"));
        List<JournalEntry> olderOnes = journal.olderThan(q.summary(), cursor, CONTEXT + 1).orElse(List.of());
        List<JournalEntry> newer = new ArrayList<>(journal.newerThan(q.summary(), cursor, CONTEXT + 1).orElse(List.of()));
        boolean moreNewer = newer.size() > CONTEXT;
        boolean moreOlder = olderOnes.size() > CONTEXT;
        List<JournalEntry> older = olderOnes.subList(0, Math.min(CONTEXT, olderOnes.size()));
        List<JournalEntry> shownNewer = new ArrayList<>(newer.subList(0, Math.min(CONTEXT, newer.size())));
        Collections.reverse(shownNewer);
        String base = permalinkBase(filter);
        List<LogRow> rows = new ArrayList<>();
        shownNewer.forEach(e -> rows.add(LogRow.of(e, zone, base, false)));
        rows.add(LogRow.of(it, zone, base, true));
        older.forEach(e -> rows.add(LogRow.of(e, zone, base, false)));
        return new LogPage(rows, moreOlder ? rows.get(rows.size() - 1).cursor() : null,
                moreNewer ? rows.get(0).cursor() : null, false);
    }

    /** Every field of the entry at {@code cursor}, whatever the filters. */
    LogRow entry(String cursor) {
        JournalEntry e = journal.at(JournalQuery.all(), cursor).orElseThrow(() -> notFound("cursor"));
        return LogRow.of(e, zone(), permalinkBase(LogFilter.none()), true);
    }

    List<LogRow> rows(LogFilter filter, ZoneId zone, List<JournalEntry> entries) {
        String base = permalinkBase(filter);
        return entries.stream().map(e -> LogRow.of(e, zone, base, false)).toList();
    }

    /** A permalink: this view's filters and the entry's cursor; the cursor is appended. */
    static String permalinkBase(LogFilter filter) {
        String q = filter.queryString();
        return "/logs?" + (q.isEmpty() ? "" : q + "&") + "at=";
    }

    // newest first; one more than a page was asked for, to know whether there are older ones
    private LogPage page(LogFilter filter, ZoneId zone, List<JournalEntry> entries, boolean hasNewer,
            String newer, boolean follow) {
        boolean more = entries.size() > PAGE;
        List<LogRow> rows = rows(filter, zone, entries.subList(0, Math.min(PAGE, entries.size())));
        String olderCursor = more ? rows.get(rows.size() - 1).cursor() : null;
        String newerCursor = hasNewer && !rows.isEmpty() ? rows.get(0).cursor() : newer;
        return new LogPage(rows, olderCursor, newerCursor, follow);
    }

    private static InvalidInputException notFound(String param) {
        return new InvalidInputException(param, "no entry with this cursor matches the filters "
                + "(it may have been rotated away, or the filters changed)");
    }
}
