package io.hostdeck.logs;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Function;
import java.util.regex.Pattern;

import io.hostdeck.error.InvalidInputException;
import io.hostdeck.host.journal.JournalQuery;

/**
 * The filters of a log view, as they stand in its URL: each checked here, so a bad one is a 400
 * naming it before journalctl runs. {@link #queryString()} writes them back as given (a relative
 * {@code since=-1h} stays relative), so the URL of a view reproduces it.
 */
record LogFilter(List<String> units, String priority, String since, String until, String boot, String grep,
        List<String> identifiers, List<String> matches) {

    static final List<String> PRIORITIES = List.of("emerg", "alert", "crit", "err", "warning", "notice", "info", "debug");
    static final int MAX_VALUES = 32;

    private static final Pattern UNIT = Pattern.compile("[A-Za-z0-9:_.@\\\\*?\\[\\]-]{1,256}");
    private static final Pattern IDENTIFIER = Pattern.compile("[^\\s\\x00-\\x1f]{1,128}");
    private static final Pattern FIELD = Pattern.compile("[A-Z_][A-Z0-9_]{0,63}");
    private static final Pattern BOOT = Pattern.compile("[+-]?\\d{1,5}|[0-9a-f]{32}([+-]\\d{1,5})?");
    private static final Pattern CURSOR = Pattern.compile("[a-z]=[0-9a-f]{1,64}(;[a-z]=[0-9a-f]{1,64}){0,15}");
    private static final int MAX_GREP = 512;
    private static final int MAX_MATCH = 1024;

    static LogFilter none() {
        return new LogFilter(List.of(), null, null, null, null, null, List.of(), List.of());
    }

    /**
     * The filters in {@code params} (a request's parameters; several values of unit, identifier and
     * match each count, and one value may list several units or identifiers separated by spaces or
     * commas). Blank values count as absent.
     */
    /** The journal fields that name a unit: a match on one of them must name a unit of a limited grant. */
    static final java.util.Set<String> UNIT_FIELDS = java.util.Set.of("_SYSTEMD_UNIT", "UNIT", "USER_UNIT",
            "_SYSTEMD_USER_UNIT", "OBJECT_SYSTEMD_UNIT", "OBJECT_SYSTEMD_USER_UNIT", "COREDUMP_UNIT", "COREDUMP_USER_UNIT",
            "_SYSTEMD_SLICE", "_SYSTEMD_USER_SLICE");

    /**
     * This view limited to a scoped grant's units: no unit filter becomes the grant's patterns; a
     * unit named must resolve to one of its units (an alias counts as the unit it names), a unit
     * glob must be one of its patterns, and a match on a field that names a unit ({@link #UNIT_FIELDS})
     * must name one of its units; a cgroup match must be one of its units' cgroups.
     *
     * @throws io.hostdeck.error.RefusedException for a unit outside the grant
     */
    LogFilter scopedTo(org.springframework.security.core.Authentication auth, io.hostdeck.security.UnitAccess access) {
        io.hostdeck.security.Scope scope = io.hostdeck.security.Scope.of(auth);
        if (scope.all()) {
            return this;
        }
        for (String m : matches) {
            int eq = m.indexOf('=');
            String field = m.substring(0, eq);
            String value = m.substring(eq + 1);
            if (UNIT_FIELDS.contains(field)) {
                if (value.isEmpty() || !UNIT.matcher(value).matches()) {
                    throw new io.hostdeck.error.RefusedException(field + "=" + value + " names no unit of your grant, which"
                            + " is limited to " + String.join(", ", scope.patterns()));
                }
                access.read(auth, value);
            } else if (field.equals("_SYSTEMD_CGROUP")) {
                io.hostdeck.security.UnitAccess.requireCgroup(auth, value.isEmpty() ? "/" : value);
            }
        }
        if (units.isEmpty()) {
            return new LogFilter(scope.patterns(), priority, since, until, boot, grep, identifiers, matches);
        }
        List<String> resolved = new ArrayList<>();
        for (String u : units) {
            boolean glob = u.indexOf('*') >= 0 || u.indexOf('?') >= 0 || u.indexOf('[') >= 0;
            if (glob && !scope.patterns().contains(u)) {
                throw new io.hostdeck.error.RefusedException("the unit pattern " + u + " reaches beyond your grant, which"
                        + " is limited to " + String.join(", ", scope.patterns()));
            }
            resolved.add(glob ? u : access.read(auth, u));
        }
        return new LogFilter(resolved, priority, since, until, boot, grep, identifiers, matches);
    }

    static LogFilter parse(Map<String, List<String>> params, ZoneId zone, Instant now) {
        Function<String, List<String>> all = name -> params.getOrDefault(name, List.of());
        List<String> units = split("unit", all.apply("unit"));
        for (String u : units) {
            if (!UNIT.matcher(u).matches() || u.startsWith("-")) {
                throw new InvalidInputException("unit", "'" + u + "' is not a unit name (letters, digits and :_.@- "
                        + "and the globs *?[], e.g. nginx.service or user@*.service)");
            }
        }
        List<String> identifiers = split("identifier", all.apply("identifier"));
        for (String i : identifiers) {
            if (!IDENTIFIER.matcher(i).matches()) {
                throw new InvalidInputException("identifier", "'" + i + "' is not a syslog identifier "
                        + "(1-128 characters, no spaces or control characters)");
            }
        }
        List<String> matches = new ArrayList<>();
        for (String m : nonBlank(all.apply("match"))) {
            int eq = m.indexOf('=');
            String field = eq < 0 ? m : m.substring(0, eq);
            if (eq < 0) {
                throw new InvalidInputException("match", "'" + m + "' is not FIELD=value, e.g. _PID=1234");
            }
            if (!FIELD.matcher(field).matches()) {
                throw new InvalidInputException("match", "'" + field + "' is not a journal field name (upper-case "
                        + "letters, digits and _, not starting with a digit, at most 64, e.g. _SYSTEMD_UNIT)");
            }
            if (m.length() > MAX_MATCH || m.indexOf('\0') >= 0) {
                throw new InvalidInputException("match", "the value of " + field + " is longer than " + MAX_MATCH
                        + " characters or holds a NUL");
            }
            matches.add(m);
        }
        if (matches.size() > MAX_VALUES) {
            throw new InvalidInputException("match", "at most " + MAX_VALUES + " matches");
        }
        String priority = one(params, "priority");
        if (priority != null) {
            priority = priority.toLowerCase(Locale.ROOT);
            if (priority.length() == 1 && priority.charAt(0) >= '0' && priority.charAt(0) <= '7') {
                priority = PRIORITIES.get(priority.charAt(0) - '0');
            }
            if (!PRIORITIES.contains(priority)) {
                throw new InvalidInputException("priority", "'" + one(params, "priority") + "' is not a priority: "
                        + String.join(", ", PRIORITIES) + " or 0-7");
            }
        }
        String since = one(params, "since");
        String until = one(params, "until");
        Instant sinceAt = since == null ? null : TimeSpec.parse("since", since, zone, now);
        Instant untilAt = until == null ? null : TimeSpec.parse("until", until, zone, now);
        if (sinceAt != null && untilAt != null && untilAt.isBefore(sinceAt)) {
            throw new InvalidInputException("until", "'" + until + "' is before since '" + since + "'");
        }
        String boot = one(params, "boot");
        if (boot != null && !BOOT.matcher(boot).matches()) {
            throw new InvalidInputException("boot", "'" + boot + "' is not a boot: 0 is the current one, -1 the one "
                    + "before, or a 32-digit boot ID");
        }
        String grep = one(params, "grep");
        if (grep != null && (grep.length() > MAX_GREP || grep.indexOf('\0') >= 0)) {
            throw new InvalidInputException("grep", "a pattern of at most " + MAX_GREP + " characters, no NUL");
        }
        String costly = grep == null ? null : GrepCost.problem(grep);
        if (costly != null) {
            throw new InvalidInputException("grep", costly + ": write it without (a plain word, or .* between words)");
        }
        return new LogFilter(units, priority, since, until, boot, grep, identifiers, matches);
    }

    /** A cursor from the URL (before, after, at, from), or null when absent. */
    static String cursor(Map<String, List<String>> params, String name) {
        String c = one(params, name);
        if (c != null && (c.length() > 512 || !CURSOR.matcher(c).matches())) {
            throw new InvalidInputException(name, "'" + abbreviate(c) + "' is not a journal cursor");
        }
        return c;
    }

    /** A query string's parameters, decoded, in order. */
    static Map<String, List<String>> params(String query) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        return params;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("arg", "not a query string: " + e.getMessage());
        }
    }

    /** The query for the host layer, with relative times resolved against {@code now}. */
    JournalQuery query(ZoneId zone, Instant now) {
        return new JournalQuery(units, priority == null ? null : PRIORITIES.indexOf(priority),
                since == null ? null : TimeSpec.parse("since", since, zone, now),
                until == null ? null : TimeSpec.parse("until", until, zone, now),
                boot, grep, identifiers, matches);
    }

    /** The filters as a query string, in a fixed order; empty when there is none. */
    String queryString() {
        StringJoiner q = new StringJoiner("&");
        units.forEach(u -> q.add("unit=" + enc(u)));
        if (priority != null) {
            q.add("priority=" + priority);
        }
        add(q, "since", since);
        add(q, "until", until);
        add(q, "boot", boot);
        add(q, "grep", grep);
        identifiers.forEach(i -> q.add("identifier=" + enc(i)));
        matches.forEach(m -> q.add("match=" + enc(m)));
        return q.toString();
    }

    /** Whether new entries can still arrive (no fixed end in the past). */
    boolean open() {
        return until == null;
    }

    private static void add(StringJoiner q, String name, String value) {
        if (value != null) {
            q.add(name + "=" + enc(value));
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String one(Map<String, List<String>> params, String name) {
        List<String> values = nonBlank(params.getOrDefault(name, List.of()));
        if (values.size() > 1) {
            throw new InvalidInputException(name, "given " + values.size() + " times; it takes one value");
        }
        return values.isEmpty() ? null : values.get(0).strip();
    }

    private static List<String> split(String name, List<String> values) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String v : values) {
            for (String part : v.split("[\\s,]+")) {
                if (!part.isEmpty()) {
                    out.add(part);
                }
            }
        }
        if (out.size() > MAX_VALUES) {
            throw new InvalidInputException(name, "at most " + MAX_VALUES + " values");
        }
        return List.copyOf(out);
    }

    private static List<String> nonBlank(List<String> values) {
        return values.stream().filter(v -> v != null && !v.isBlank()).toList();
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "…";
    }
}
