package io.hostdeck.host.journal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A running {@code journalctl --follow}; closing it ends the process. */
public final class JournalFollow implements AutoCloseable {

    static final int BATCH = 500;

    private final Process process;
    private volatile boolean closed;

    JournalFollow(Process process) {
        this.process = process;
    }

    void pump(Consumer<List<JournalEntry>> batches, Consumer<String> ended) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8), 64 * 1024)) {
            process.getOutputStream().close();
            String line;
            while ((line = in.readLine()) != null) {
                List<JournalEntry> batch = new ArrayList<>();
                add(line, batch);
                // what journalctl has written already goes out in the same batch
                while (batch.size() < BATCH && in.ready() && (line = in.readLine()) != null) {
                    add(line, batch);
                }
                if (!batch.isEmpty()) {
                    batches.accept(Collections.unmodifiableList(batch));
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                ended.accept("following the journal failed: " + e.getMessage());
            }
        } finally {
            process.destroyForcibly();
        }
        if (!closed) {
            ended.accept("journalctl stopped following (exit " + exitValue() + ")");
        }
    }

    private static void add(String line, List<JournalEntry> batch) {
        if (line.length() <= Journal.MAX_LINE_CHARS) {
            JournalJson.parse(line).ifPresent(batch::add);
        }
    }

    private String exitValue() {
        try {
            return process.waitFor(1, TimeUnit.SECONDS) ? String.valueOf(process.exitValue()) : "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    public boolean isAlive() {
        return !closed && process.isAlive();
    }

    @Override
    public void close() {
        closed = true;
        process.destroyForcibly();
    }
}
