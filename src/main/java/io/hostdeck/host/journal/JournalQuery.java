package io.hostdeck.host.journal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What to read from the journal, already checked by the caller; the constructor checks again what
 * keeps journalctl's command line safe (every value goes in a {@code --name=value} argument or a
 * {@code FIELD=value} match, so none can be taken for an option).
 *
 * @param units       systemd units (journalctl -u); entries of any of them
 * @param priority    the highest priority number shown (0 emerg … 7 debug), or null for all
 * @param since       entries at or after this moment, or null
 * @param until       entries at or before this moment, or null
 * @param boot        a boot as journalctl -b takes it (0, -1, a boot ID), or null for all boots
 * @param grep        a PCRE2 pattern on MESSAGE (journalctl -g), or null
 * @param identifiers SYSLOG_IDENTIFIER values (journalctl -t); entries of any of them
 * @param matches     exact field matches, FIELD=value
 * @param fields      the fields to read (journalctl --output-fields), or empty for all; the cursor and
 *                    the timestamps always come
 */
public record JournalQuery(List<String> units, Integer priority, Instant since, Instant until, String boot,
        String grep, List<String> identifiers, List<String> matches, List<String> fields) {

    /** What a list of entries shows of each: less for journalctl to format and for us to parse. */
    public static final List<String> SUMMARY = List.of("MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "_COMM", "_PID",
            "SYSLOG_PID");

    static final Pattern MATCH = Pattern.compile("[A-Z_][A-Z0-9_]{0,63}=[^\\x00]*");

    /** A query for every field. */
    public JournalQuery(List<String> units, Integer priority, Instant since, Instant until, String boot, String grep,
            List<String> identifiers, List<String> matches) {
        this(units, priority, since, until, boot, grep, identifiers, matches, List.of());
    }

    public JournalQuery {
        units = List.copyOf(units);
        fields = List.copyOf(fields);
        for (String f : fields) {
            if (!f.matches("[A-Z_][A-Z0-9_]{0,63}")) {
                throw new IllegalArgumentException("not a field name: " + f);
            }
        }
        identifiers = List.copyOf(identifiers);
        matches = List.copyOf(matches);
        if (priority != null && (priority < 0 || priority > 7)) {
            throw new IllegalArgumentException("priority must be 0..7, got " + priority);
        }
        for (String m : matches) {
            if (!MATCH.matcher(m).matches()) {
                throw new IllegalArgumentException("not a FIELD=value match: " + m);
            }
        }
        for (String s : concat(units, identifiers, boot == null ? List.of() : List.of(boot),
                grep == null ? List.of() : List.of(grep))) {
            if (s.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("a journal filter cannot hold a NUL character");
            }
        }
    }

    /** The same query without its start, for a read that starts at a cursor. */
    public JournalQuery withoutSince() {
        return new JournalQuery(units, priority, null, until, boot, grep, identifiers, matches, fields);
    }

    /** The same query reading only the {@link #SUMMARY} fields. */
    public JournalQuery summary() {
        return new JournalQuery(units, priority, since, until, boot, grep, identifiers, matches, SUMMARY);
    }

    /** Everything in the journal. */
    public static JournalQuery all() {
        return new JournalQuery(List.of(), null, null, null, null, null, List.of(), List.of());
    }

    /** journalctl's arguments for this query: options in their {@code --name=value} form, then the matches. */
    List<String> arguments() {
        List<String> args = new ArrayList<>();
        units.forEach(u -> args.add("--unit=" + u));
        identifiers.forEach(i -> args.add("--identifier=" + i));
        if (priority != null) {
            args.add("--priority=" + priority);
        }
        if (since != null) {
            args.add("--since=" + epoch(since));
        }
        if (until != null) {
            args.add("--until=" + epoch(until));
        }
        if (boot != null) {
            args.add("--boot=" + boot);
        }
        if (grep != null) {
            args.add("--grep=" + grep);
        }
        if (!fields.isEmpty()) {
            args.add("--output-fields=" + String.join(",", fields));
        }
        // matches come last, after "--": each starts with a field name, never with "-", but say so anyway
        if (!matches.isEmpty()) {
            args.add("--");
            args.addAll(matches);
        }
        return args;
    }

    /** systemd's "@seconds.fraction" form: exact to the microsecond, no time zone involved. */
    static String epoch(Instant t) {
        long micros = t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
        return "@" + Math.floorDiv(micros, 1_000_000L) + "." + String.format("%06d", Math.floorMod(micros, 1_000_000L));
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        List<String> all = new ArrayList<>();
        for (List<String> l : lists) {
            all.addAll(l);
        }
        return all;
    }
}
