package io.hostdeck.host.journal;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One journal entry as journalctl -o json gives it. Only the cursor is sure to be there: an entry
 * may lack MESSAGE or PRIORITY, and a field's value may be binary (shown decoded as UTF-8 with
 * replacement characters) or too large for journalctl's JSON output (value null).
 *
 * @param cursor   the entry's cursor, stable and unique: its permalink
 * @param realtime when journald received it (__REALTIME_TIMESTAMP), or null if absent
 * @param fields   every field in journalctl's order, a field that occurs several times once per value
 */
public record JournalEntry(String cursor, Instant realtime, List<Field> fields) {

    /**
     * @param value  the value as text, or null when journalctl left it out (larger than 4096 bytes)
     * @param binary whether the journal holds it as bytes that are not UTF-8 text
     */
    public record Field(String name, String value, boolean binary) {
    }

    public JournalEntry {
        fields = List.copyOf(fields);
    }

    /** The first value of a field, if the entry has it with a value. */
    public Optional<String> field(String name) {
        for (Field f : fields) {
            if (f.name().equals(name) && f.value() != null) {
                return Optional.of(f.value());
            }
        }
        return Optional.empty();
    }

    public Optional<String> message() {
        return field("MESSAGE");
    }

    /** PRIORITY as a number 0..7, if present and valid. */
    public Optional<Integer> priority() {
        return field("PRIORITY").filter(p -> p.length() == 1 && p.charAt(0) >= '0' && p.charAt(0) <= '7')
                .map(Integer::valueOf);
    }
}
