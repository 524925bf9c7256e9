package io.hostdeck.logs;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.hostdeck.error.InvalidInputException;

/**
 * A point in time as journalctl's --since/--until take it (systemd.time(7)), resolved here in the
 * host's time zone so that a bad one is refused with a clear message before journalctl runs:
 * {@code now}, {@code today}, {@code yesterday}, {@code tomorrow}; {@code 2026-11-29},
 * {@code 2026-11-29 08:30}, {@code 2026-11-29 08:30:15.5} (also with a T, and "UTC" or "Z" at the
 * end for UTC); {@code 08:30} (today); relative {@code -1h}, {@code -2d 3h}, {@code +15min},
 * {@code 1h ago}; and {@code @1700000000} seconds since the epoch.
 */
final class TimeSpec {

    static final int MAX_CHARS = 64;

    private static final Pattern DATE_TIME = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})(?:[ T](\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,6}))?)?)?(\\s*(?:UTC|Z))?");
    private static final Pattern TIME = Pattern.compile("(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,6}))?)?(\\s*(?:UTC|Z))?");
    private static final Pattern EPOCH = Pattern.compile("@(\\d{1,12})(?:\\.(\\d{1,6}))?");
    private static final Pattern SPAN_PART = Pattern.compile("\\s*(\\d{1,9})(?:\\.(\\d{1,6}))?\\s*([a-zA-Zµ]+)");
    private static final long SECOND = 1_000_000L;
    private static final Map<String, Long> UNITS = Map.ofEntries(
            Map.entry("us", 1L), Map.entry("usec", 1L), Map.entry("µs", 1L),
            Map.entry("ms", 1000L), Map.entry("msec", 1000L),
            Map.entry("s", SECOND), Map.entry("sec", SECOND), Map.entry("second", SECOND), Map.entry("seconds", SECOND),
            Map.entry("m", 60 * SECOND), Map.entry("min", 60 * SECOND), Map.entry("minute", 60 * SECOND),
            Map.entry("minutes", 60 * SECOND),
            Map.entry("h", 3600 * SECOND), Map.entry("hr", 3600 * SECOND), Map.entry("hour", 3600 * SECOND),
            Map.entry("hours", 3600 * SECOND),
            Map.entry("d", 86400 * SECOND), Map.entry("day", 86400 * SECOND), Map.entry("days", 86400 * SECOND),
            Map.entry("w", 7 * 86400 * SECOND), Map.entry("week", 7 * 86400 * SECOND),
            Map.entry("weeks", 7 * 86400 * SECOND),
            // systemd's month and year: 30.44 and 365.25 days
            Map.entry("M", 2_629_800 * SECOND), Map.entry("month", 2_629_800 * SECOND),
            Map.entry("months", 2_629_800 * SECOND),
            Map.entry("y", 31_557_600 * SECOND), Map.entry("year", 31_557_600 * SECOND),
            Map.entry("years", 31_557_600 * SECOND));

    private TimeSpec() {
    }

    /** The moment {@code text} names, for the filter called {@code field}. */
    static Instant parse(String field, String text, ZoneId zone, Instant now) {
        String s = text.strip();
        if (s.isEmpty() || s.length() > MAX_CHARS) {
            throw invalid(field, text);
        }
        LocalDate today = now.atZone(zone).toLocalDate();
        switch (s.toLowerCase(Locale.ROOT)) {
            case "now":
                return now;
            case "today":
                return today.atStartOfDay(zone).toInstant();
            case "yesterday":
                return today.minusDays(1).atStartOfDay(zone).toInstant();
            case "tomorrow":
                return today.plusDays(1).atStartOfDay(zone).toInstant();
            default:
                break;
        }
        try {
            Matcher m = DATE_TIME.matcher(s);
            if (m.matches()) {
                LocalDateTime t = LocalDateTime.of(LocalDate.of(num(m.group(1)), num(m.group(2)), num(m.group(3))),
                        time(m.group(4), m.group(5), m.group(6), m.group(7)));
                return t.atZone(m.group(8) != null ? ZoneOffset.UTC : zone).toInstant();
            }
            m = TIME.matcher(s);
            if (m.matches()) {
                LocalTime t = time(m.group(1), m.group(2), m.group(3), m.group(4));
                return LocalDateTime.of(m.group(5) != null ? now.atZone(ZoneOffset.UTC).toLocalDate() : today, t)
                        .atZone(m.group(5) != null ? ZoneOffset.UTC : zone).toInstant();
            }
        } catch (DateTimeException e) {
            throw new InvalidInputException(field, "'" + text + "' is not a valid date or time: " + e.getMessage());
        }
        Matcher m = EPOCH.matcher(s);
        if (m.matches()) {
            return Instant.ofEpochSecond(Long.parseLong(m.group(1)), fraction(m.group(2)) * 1000);
        }
        return relative(field, text, s, now);
    }

    // -1h, +2d 3h, 1h ago, 5min left
    private static Instant relative(String field, String text, String s, Instant now) {
        int sign;
        String span;
        if (s.startsWith("-") || s.startsWith("+")) {
            sign = s.startsWith("-") ? -1 : 1;
            span = s.substring(1);
        } else if (s.endsWith(" ago")) {
            sign = -1;
            span = s.substring(0, s.length() - " ago".length());
        } else if (s.endsWith(" left")) {
            sign = 1;
            span = s.substring(0, s.length() - " left".length());
        } else {
            throw invalid(field, text);
        }
        Matcher part = SPAN_PART.matcher(span);
        long micros = 0;
        int end = 0;
        while (end < span.length() && part.find(end) && part.start() == end) {
            Long unit = UNITS.get(part.group(3));
            if (unit == null) {
                unit = UNITS.get(part.group(3).toLowerCase(Locale.ROOT));
            }
            if (unit == null) {
                throw new InvalidInputException(field, "'" + text + "': unknown time unit '" + part.group(3)
                        + "' (us, ms, s, min, h, d, w, M, y)");
            }
            micros = Math.addExact(micros, Math.multiplyExact(Long.parseLong(part.group(1)), unit)
                    + Math.round(fraction(part.group(2)) / 1e6 * unit));
            end = part.end();
        }
        if (end == 0 || end != span.length()) {
            throw invalid(field, text);
        }
        return now.plusNanos(Math.multiplyExact(sign * micros, 1000L));
    }

    private static LocalTime time(String h, String m, String s, String frac) {
        if (h == null) {
            return LocalTime.MIDNIGHT;
        }
        return LocalTime.of(num(h), num(m), s == null ? 0 : num(s), (int) (fraction(frac) * 1000));
    }

    private static int num(String digits) {
        return Integer.parseInt(digits);
    }

    /** ".5" as microseconds: 500000. */
    private static long fraction(String digits) {
        if (digits == null) {
            return 0;
        }
        return Long.parseLong((digits + "000000").substring(0, 6));
    }

    private static InvalidInputException invalid(String field, String text) {
        return new InvalidInputException(field, "'" + text + "' is not a time: use e.g. 2026-11-29 08:30, today, "
                + "yesterday, -1h, -2d, 1h ago or @1700000000");
    }
}
