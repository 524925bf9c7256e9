package io.hostdeck.terminal;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/**
 * A terminal session as an asciicast v2 file (asciinema's format): a header line, then one JSON
 * array a line, {@code [seconds, "o", text]} for output and {@code [seconds, "r", "COLSxROWS"]}
 * for a resize. Input is kept as its timing only, {@code [seconds, "i", ""]}: what the shell
 * echoed is in the output, and what it did not echo (a password) is kept nowhere. The file is
 * created owner-only, in an owner-only directory.
 */
final class CastRecorder implements Closeable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path file;
    private final BufferedWriter out;
    private final long start = System.nanoTime();
    private long outputBytes;
    private long inputBytes;
    private boolean closed;
    private boolean failed;

    CastRecorder(Path file, int columns, int rows, String title, Instant at) {
        this.file = file;
        try {
            Path dir = file.getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            Map<String, Object> header = new LinkedHashMap<>();
            header.put("version", 2);
            header.put("width", columns);
            header.put("height", rows);
            header.put("timestamp", at.getEpochSecond());
            header.put("title", title);
            header.put("env", Map.of("TERM", "xterm-256color"));
            out.write(JSON.writeValueAsString(header));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the recording " + file + ": " + e.getMessage(), e);
        }
    }

    Path file() {
        return file;
    }

    synchronized void output(String text, int bytes) {
        outputBytes += bytes;
        event("o", text);
    }

    synchronized void input(int bytes) {
        inputBytes += bytes;
        event("i", "");
    }

    synchronized void resize(int columns, int rows) {
        event("r", columns + "x" + rows);
    }

    synchronized boolean failed() {
        return failed;
    }

    synchronized long outputBytes() {
        return outputBytes;
    }

    synchronized long inputBytes() {
        return inputBytes;
    }

    private void event(String code, String data) {
        if (closed) {
            return;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        try {
            out.write(JSON.writeValueAsString(List.of(Math.round(seconds * 1e6) / 1e6, code, data)));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            closed = true; // a full disk: the terminal ends, as it may not go on unrecorded
            failed = true;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            // nothing more to keep
        }
    }
}
