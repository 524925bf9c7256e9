package io.hostdeck.logs;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import io.hostdeck.host.journal.JournalEntry;

/**
 * One entry as the log view shows it: time in the host's zone (UTC on hover), priority, who
 * logged it, the message, every field when expanded, and its permalink.
 */
record LogRow(String cursor, String local, String utc, String iso, int priority, String priorityName, String source,
        String message, boolean hasMessage, List<FieldRow> fields, String permalink, boolean at) {

    static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS 'UTC'")
            .withZone(ZoneOffset.UTC);
    /** What an entry without PRIORITY is shown as: journald's default for a message. */
    static final int DEFAULT_PRIORITY = 6;

    record FieldRow(String name, String value) {
    }

    /** Its permalink and every field, as an opened entry shows them. */
    public String fieldsHtml() {
        return EntryHtml.fields(this);
    }

    static LogRow of(JournalEntry e, ZoneId zone, String permalinkBase, boolean at) {
        Instant t = e.realtime();
        int priority = e.priority().orElse(DEFAULT_PRIORITY);
        String message = e.message().orElse(null);
        List<FieldRow> fields = e.fields().stream()
                .map(f -> new FieldRow(f.name(), f.value() == null ? "(larger than 4096 bytes, not shown)"
                        : f.binary() ? f.value() + "  (binary, shown as UTF-8)" : f.value()))
                .sorted(java.util.Comparator.comparing(FieldRow::name)) // as journalctl -o verbose lists them
                .toList();
        return new LogRow(e.cursor(),
                t == null ? "—" : LOCAL.format(t.atZone(zone)),
                t == null ? "no timestamp" : UTC.format(t),
                t == null ? "" : t.toString(),
                priority, LogFilter.PRIORITIES.get(priority), source(e),
                message == null ? "(no message)" : message, message != null, fields,
                permalinkBase + LogFilter.enc(e.cursor()), at);
    }

    /** "sshd[812]" as journalctl's short format shows it: the identifier, else the command, and the PID. */
    private static String source(JournalEntry e) {
        String name = e.field("SYSLOG_IDENTIFIER").or(() -> e.field("_COMM")).orElse("?");
        return e.field("_PID").or(() -> e.field("SYSLOG_PID")).map(pid -> name + "[" + pid + "]").orElse(name);
    }
}
