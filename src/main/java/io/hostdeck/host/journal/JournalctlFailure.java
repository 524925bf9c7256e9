package io.hostdeck.host.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import io.hostdeck.error.InvalidInputException;
import io.hostdeck.host.HostUnavailableException;

/** What a journalctl that exited with an error means, from its exit code and what it said. */
final class JournalctlFailure {

    private JournalctlFailure() {
    }

    /**
     * journalctl's own refusals of a filter become invalid input naming it (PCRE2 is the judge of a
     * pattern, the journal of which boots it holds); anything else means the journal is unreadable.
     */
    static RuntimeException of(Process p, JournalQuery q) {
        String err;
        try {
            err = new String(p.getErrorStream().readNBytes(4096), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            err = "";
        }
        if (err.isEmpty() && p.exitValue() == 1) {
            return new NothingMatched();
        }
        if (err.contains("Failed to seek to cursor")) {
            return new UnknownCursor();
        }
        // warnings (a truncated file, say) may come first: look at each line
        for (String line : err.split("\n")) {
            if (q.grep() != null && line.startsWith("Bad pattern")) {
                return new InvalidInputException("grep",
                        line.replaceFirst("^Bad pattern \".*\": ", "not a valid PCRE2 pattern: "));
            }
            if (q.boot() != null && line.contains("boot")) {
                return new InvalidInputException("boot", line);
            }
        }
        return new HostUnavailableException("journalctl failed (exit " + p.exitValue() + "): " + err);
    }

    /** journalctl's silent exit 1: what --grep does when no entry matched. */
    static final class NothingMatched extends HostUnavailableException {
        NothingMatched() {
            super("journalctl failed (exit 1) without saying why");
        }
    }

    /** journalctl could not parse a cursor (one that merely names no entry seeks to the nearest place). */
    static final class UnknownCursor extends RuntimeException {
        UnknownCursor() {
            super("journalctl cannot seek to this cursor", null, false, false);
        }
    }
}
