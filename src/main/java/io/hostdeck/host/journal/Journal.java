package io.hostdeck.host.journal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import io.hostdeck.host.HostProperties;
import io.hostdeck.host.HostUnavailableException;

/**
 * The target's journal through journalctl, with an argument array (never a shell), the target's
 * root, and bounds on time and output. journalctl rather than sd-journal through JNA: it is the
 * figure to match anyway, it brings PCRE2 grep and every filter's exact semantics, and a crash or
 * a corrupt file stays in a child process (docs/benchmarks.md, JournalBench).
 */
@Component
public class Journal implements DisposableBean {

    static final long TIMEOUT_SECONDS = 10;
    static final int MAX_BYTES = 256 * 1024;
    /** A page never holds more entries than this, whatever the caller asks. */
    public static final int MAX_ENTRIES = 5000;
    static final int MAX_LINE_CHARS = 4 * 1024 * 1024;
    static final long EXPORT_TIMEOUT_SECONDS = 120;
    static final int MAX_RUNNING = 8;

    private final HostProperties host;
    private final Semaphore running = new Semaphore(MAX_RUNNING);
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "journalctl-watchdog");
        t.setDaemon(true);
        return t;
    });

    public Journal(HostProperties host) {
        this.host = host;
    }

    @Override
    public void destroy() {
        watchdog.shutdownNow();
    }

    /** The last {@code lines} entries of a unit, oldest first, in journalctl's short-iso format. */
    public List<String> tail(String unit, int lines) {
        List<String> argv = List.of("journalctl", "--root=" + host.rootPath(), "--unit=" + unit,
                "--lines=" + lines, "--output=short-iso", "--no-pager", "--quiet");
        Process p = start(argv);
        try (InputStream out = p.getInputStream()) {
            p.getOutputStream().close();
            byte[] bytes = out.readNBytes(MAX_BYTES);
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new HostUnavailableException("journalctl did not answer within " + TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw JournalctlFailure.of(p, JournalQuery.all());
            }
            List<String> result = new ArrayList<>();
            for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                if (!line.isEmpty()) {
                    result.add(line);
                }
            }
            return result;
        } catch (IOException e) {
            throw new HostUnavailableException("reading journalctl's output failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostUnavailableException("interrupted while reading the journal", e);
        } finally {
            p.destroyForcibly();
        }
    }

    /** The newest {@code limit} entries that match, newest first. */
    public List<JournalEntry> newest(JournalQuery q, int limit) {
        return newest(q, limit, e -> { });
    }

    /**
     * {@link #newest(JournalQuery, int)}, handing each entry to {@code asRead} as soon as it is read,
     * on the calling thread: what is made of the entries is made while journalctl is still reading
     * the next ones (JournalBench).
     */
    public List<JournalEntry> newest(JournalQuery q, int limit, Consumer<JournalEntry> asRead) {
        return read(q, List.of("--reverse", "--lines=" + bounded(limit)), limit, asRead);
    }

    /**
     * The {@code limit} matching entries just before the entry at {@code cursor}, newest first; empty
     * when no entry with that cursor matches the query.
     */
    public Optional<List<JournalEntry>> olderThan(JournalQuery q, String cursor, int limit) {
        return from(q, cursor, true, limit);
    }

    /**
     * The {@code limit} matching entries just after the entry at {@code cursor}, oldest first; empty
     * when no entry with that cursor matches the query.
     */
    public Optional<List<JournalEntry>> newerThan(JournalQuery q, String cursor, int limit) {
        return from(q, cursor, false, limit);
    }

    /** The entry at {@code cursor} if it matches the query. */
    public Optional<JournalEntry> at(JournalQuery q, String cursor) {
        List<JournalEntry> one;
        try {
            one = since(q, read(q.withoutSince(), List.of("--cursor=" + cursor), 1), false);
        } catch (JournalctlFailure.UnknownCursor e) {
            return Optional.empty();
        }
        return one.isEmpty() || !one.get(0).cursor().equals(cursor) ? Optional.empty() : Optional.of(one.get(0));
    }

    // --cursor= includes the entry itself: it must come first, which proves the cursor names an
    // entry that matches (journalctl seeks to the nearest place for a cursor it does not know)
    private Optional<List<JournalEntry>> from(JournalQuery q, String cursor, boolean reverse, int limit) {
        int n = bounded(limit);
        // forward, no --lines: journalctl 252 with --grep and --lines walks backwards whatever the
        // direction asked; reading stops after n + 1 entries anyway
        List<String> args = reverse ? List.of("--cursor=" + cursor, "--reverse", "--lines=" + (n + 1))
                : List.of("--cursor=" + cursor);
        List<JournalEntry> entries;
        try {
            entries = read(q.withoutSince(), args, n + 1);
        } catch (JournalctlFailure.UnknownCursor e) {
            return Optional.empty();
        }
        entries = since(q, entries, reverse);
        if (entries.isEmpty() || !entries.get(0).cursor().equals(cursor)) {
            return Optional.empty();
        }
        return Optional.of(entries.subList(1, entries.size()));
    }

    /**
     * journalctl takes no --since beside a cursor, so the cursor's pages apply it here: going back
     * they end at the first entry before it, going forward they skip what is before it.
     */
    private static List<JournalEntry> since(JournalQuery q, List<JournalEntry> entries, boolean reverse) {
        if (q.since() == null) {
            return entries;
        }
        List<JournalEntry> kept = new ArrayList<>(entries.size());
        for (JournalEntry e : entries) {
            boolean before = e.realtime() != null && e.realtime().isBefore(q.since());
            if (before && reverse) {
                break;
            }
            if (!before) {
                kept.add(e);
            }
        }
        return kept;
    }

    /**
     * Why there is no journal to read, or empty when there is one: no journal file under the
     * target's /var/log/journal or /run/log/journal (journalctl would only say "No entries").
     */
    public java.util.Optional<String> unavailable() {
        java.nio.file.Path root = host.rootPath();
        for (io.hostdeck.host.TargetPath dir : List.of(io.hostdeck.host.TargetPath.JOURNAL,
                io.hostdeck.host.TargetPath.RUNTIME_JOURNAL)) {
            try (var files = java.nio.file.Files.find(root.resolve(dir.relative()), 2,
                    (path, attributes) -> attributes.isRegularFile() && path.toString().endsWith(".journal"))) {
                if (files.findAny().isPresent()) {
                    return java.util.Optional.empty();
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // not there or not readable: try the other
            }
        }
        return java.util.Optional.of("no journal files under " + root.resolve(io.hostdeck.host.TargetPath.JOURNAL.relative())
                + " or " + root.resolve(io.hostdeck.host.TargetPath.RUNTIME_JOURNAL.relative()));
    }

    /** The time zone the target's clock shows: its /etc/localtime, else /etc/timezone, else ours. */
    public ZoneId zone() {
        return HostZone.of(host.rootPath());
    }

    /**
     * Follows the journal: every matching entry after {@code afterCursor} (or, when null, every
     * matching entry from the start of the query's range) and then each new one as journald stores
     * it, handed to {@code batches} in order, a few at a time, on a thread of its own. Close the
     * returned handle to stop; {@code ended} hears once when journalctl stops by itself.
     */
    public JournalFollow follow(JournalQuery q, String afterCursor, Consumer<List<JournalEntry>> batches,
            Consumer<String> ended) {
        List<String> args = new ArrayList<>(List.of("--follow"));
        args.add(afterCursor == null ? "--lines=all" : "--after-cursor=" + afterCursor);
        // what follows a cursor is newer than it: --since (which journalctl refuses beside a cursor) adds nothing
        Process p = start(argv(afterCursor == null ? q : q.withoutSince(), args, "json"));
        JournalFollow follow = new JournalFollow(p);
        Thread reader = new Thread(() -> follow.pump(batches, ended), "journal-follow");
        reader.setDaemon(true);
        reader.start();
        return follow;
    }

    /** Output formats of {@link #export}. */
    public enum Format {
        /** journalctl's short-iso-precise text, in the target's time zone. */
        TEXT("short-iso-precise"),
        /** One JSON object per line, as journalctl -o json writes it. */
        JSON("json");

        final String output;

        Format(String output) {
            this.output = output;
        }
    }

    /**
     * Copies the matching entries, oldest first, to {@code out} as they come, stopping after
     * {@code maxLines} lines, {@code maxBytes} (at a line's end) or {@value #EXPORT_TIMEOUT_SECONDS} s,
     * or within a second of {@code clientThere} saying that whoever reads it has gone.
     * (Not the newest N through --lines: journalctl 252 prints those newest first when --grep is given.)
     *
     * @return whether a bound cut it short
     */
    public boolean export(JournalQuery q, Format format, int maxLines, long maxBytes, OutputStream out,
            java.util.function.BooleanSupplier clientThere) throws IOException {
        List<String> argv = argv(q, List.of(), format.output);
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("TZ", zone().getId());
        Process p = start(pb);
        ScheduledFuture<?> kill = watchdog.schedule(p::destroyForcibly, EXPORT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        // a write to a client that left fails, but a grep may write nothing for a long time: look
        ScheduledFuture<?> watch = watchdog.scheduleWithFixedDelay(() -> {
            if (!clientThere.getAsBoolean()) {
                p.destroyForcibly();
            }
        }, 1, 1, TimeUnit.SECONDS);
        long written = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            p.getOutputStream().close();
            String line;
            int lines = 0;
            while ((line = in.readLine()) != null) {
                byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
                if (written + bytes.length > maxBytes || ++lines > maxLines) {
                    return true;
                }
                out.write(bytes);
                written += bytes.length;
            }
            return kill.isDone();
        } finally {
            kill.cancel(false);
            watch.cancel(false);
            p.destroyForcibly();
        }
    }

    private List<JournalEntry> read(JournalQuery q, List<String> position, int limit) {
        return read(q, position, limit, e -> { });
    }

    private List<JournalEntry> read(JournalQuery q, List<String> position, int limit, Consumer<JournalEntry> asRead) {
        acquire();
        try {
            return readNow(q, position, limit, asRead);
        } finally {
            running.release();
        }
    }

    /** At most {@value #MAX_RUNNING} reads at once: a burst of page loads queues instead of forking without bound. */
    private void acquire() {
        try {
            if (!running.tryAcquire(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new HostUnavailableException("the journal is busy: " + MAX_RUNNING + " reads have been running for "
                        + TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostUnavailableException("interrupted while waiting to read the journal", e);
        }
    }

    private List<JournalEntry> readNow(JournalQuery q, List<String> position, int limit, Consumer<JournalEntry> asRead) {
        Process p = start(argv(q, position, "json"));
        ScheduledFuture<?> kill = watchdog.schedule(p::destroyForcibly, TIMEOUT_SECONDS, TimeUnit.SECONDS);
        List<JournalEntry> entries = new ArrayList<>(Math.min(limit, 256));
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8),
                64 * 1024)) {
            p.getOutputStream().close();
            String line;
            while (entries.size() < limit && (line = in.readLine()) != null) {
                if (line.length() <= MAX_LINE_CHARS) {
                    JournalJson.parse(line).ifPresent(e -> {
                        entries.add(e);
                        asRead.accept(e);
                    });
                }
            }
            if (entries.size() < limit) {
                p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                if (kill.isDone()) {
                    throw new HostUnavailableException("journalctl did not answer within " + TIMEOUT_SECONDS + " s");
                }
                if (p.exitValue() != 0) {
                    RuntimeException failure = JournalctlFailure.of(p, q);
                    // with --grep, journalctl exits 1 without a word when nothing matched
                    if (!(q.grep() != null && failure instanceof JournalctlFailure.NothingMatched)) {
                        throw failure;
                    }
                }
            }
            return entries;
        } catch (IOException e) {
            throw new HostUnavailableException("reading journalctl's output failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostUnavailableException("interrupted while reading the journal", e);
        } finally {
            kill.cancel(false);
            p.destroyForcibly();
        }
    }

    private List<String> argv(JournalQuery q, List<String> position, String output) {
        List<String> argv = new ArrayList<>(List.of("journalctl", "--root=" + host.rootPath(), "--output=" + output,
                "--no-pager", "--quiet"));
        argv.addAll(position);
        argv.addAll(q.arguments()); // ends with the matches, after "--"
        return argv;
    }

    private static int bounded(int limit) {
        if (limit < 1 || limit > MAX_ENTRIES) {
            throw new IllegalArgumentException("between 1 and " + MAX_ENTRIES + " entries, not " + limit);
        }
        return limit;
    }

    private static Process start(List<String> argv) {
        return start(new ProcessBuilder(argv));
    }

    private static Process start(ProcessBuilder pb) {
        try {
            return pb.redirectErrorStream(false).start();
        } catch (IOException e) {
            throw new HostUnavailableException("cannot run journalctl: " + e.getMessage(), e);
        }
    }
}
