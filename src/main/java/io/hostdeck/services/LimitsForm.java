package io.hostdeck.services;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.hostdeck.error.InvalidInputException;
import io.hostdeck.host.systemd.UnitSetting;

/**
 * The resource-limit form, in systemd's own value syntax, checked before anything reaches
 * systemd. An empty field leaves that setting as it is.
 * <ul>
 * <li>MemoryMax, MemoryHigh: bytes with an optional K, M, G, T, P or E suffix (base 1024, as
 * systemd), {@code infinity}, or a percentage of physical memory; at least 1M, so a typo cannot
 * starve a production service.</li>
 * <li>CPUQuota: a percentage of one CPU (200% is two), or {@code infinity} for no quota.</li>
 * <li>CPUWeight, IOWeight: 1..10000, or {@code default}.</li>
 * <li>TasksMax: a count of at least 1, or {@code infinity}.</li>
 * </ul>
 */
public final class LimitsForm {

    static final List<String> FIELDS = List.of("MemoryMax", "MemoryHigh", "CPUQuota", "CPUWeight", "TasksMax", "IOWeight");
    static final long MIN_MEMORY = 1L << 20;
    static final int MAX_VALUE_LENGTH = 32;

    private static final Pattern SIZE = Pattern.compile("(\\d{1,20})(?:\\.(\\d{1,6}))?([KMGTPE]?)");
    private static final Pattern PERCENT = Pattern.compile("(\\d{1,7})(?:\\.(\\d{1,2}))?%");
    private static final String SUFFIXES = "KMGTPE";
    private static final long UINT32_MAX = 0xFFFF_FFFFL;

    private LimitsForm() {
    }

    /** The settings to send, in form order; throws naming the first bad field. */
    public static List<UnitSetting> parse(Map<String, String> form) {
        List<UnitSetting> settings = new ArrayList<>();
        for (String field : FIELDS) {
            String raw = form.getOrDefault(field, "");
            String value = raw == null ? "" : raw.strip();
            if (value.isEmpty()) {
                continue;
            }
            if (value.length() > MAX_VALUE_LENGTH || value.codePoints().anyMatch(c -> c < 0x20 || c > 0x7e)) {
                throw new InvalidInputException(field, "'" + printable(value) + "' is not a value systemd accepts");
            }
            settings.add(switch (field) {
                case "MemoryMax", "MemoryHigh" -> memory(field, value);
                case "CPUQuota" -> cpuQuota(value);
                case "CPUWeight", "IOWeight" -> weight(field, value);
                default -> tasks(value);
            });
        }
        return settings;
    }

    /** The form's fields as the page shows them again after an error. */
    static Map<String, String> echo(Map<String, String> form) {
        Map<String, String> echo = new LinkedHashMap<>();
        for (String f : FIELDS) {
            echo.put(f, form.getOrDefault(f, ""));
        }
        return echo;
    }

    private static UnitSetting memory(String field, String value) {
        if (value.equals("infinity")) {
            return new UnitSetting(field, UnitSetting.INFINITY);
        }
        Matcher pct = PERCENT.matcher(value);
        if (pct.matches()) {
            BigDecimal share = percent(field, pct, new BigDecimal(100));
            long scaled = share.multiply(BigDecimal.valueOf(UINT32_MAX)).divide(BigDecimal.valueOf(100))
                    .setScale(0, java.math.RoundingMode.HALF_UP).longValue();
            return new UnitSetting(field + "Scale", Math.max(1, scaled));
        }
        Matcher m = SIZE.matcher(value);
        if (!m.matches()) {
            throw new InvalidInputException(field, "'" + value + "' is not a size: use bytes with K, M, G or T"
                    + " (1024-based), a percentage, or infinity");
        }
        BigDecimal bytes = new BigDecimal(m.group(1) + (m.group(2) == null ? "" : "." + m.group(2)))
                .multiply(BigDecimal.valueOf(2).pow(10 * (m.group(3).isEmpty() ? 0 : SUFFIXES.indexOf(m.group(3)) + 1)));
        if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new InvalidInputException(field, "'" + value + "' is larger than any machine's memory; use infinity");
        }
        long b = bytes.longValue();
        if (b < MIN_MEMORY) {
            throw new InvalidInputException(field, "'" + value + "' is below 1M, which would starve the service");
        }
        return new UnitSetting(field, b);
    }

    private static UnitSetting cpuQuota(String value) {
        if (value.equals("infinity")) {
            return new UnitSetting("CPUQuotaPerSecUSec", UnitSetting.INFINITY);
        }
        Matcher pct = PERCENT.matcher(value);
        if (!pct.matches()) {
            throw new InvalidInputException("CPUQuota", "'" + value + "' is not a percentage such as 30% (100% is one CPU)");
        }
        BigDecimal share = percent("CPUQuota", pct, new BigDecimal(100_000));
        // systemd keeps CPU time per second of wall time in µs, rounded to 10 ms steps as systemctl does
        long usec = share.multiply(BigDecimal.valueOf(10_000)).longValue();
        return new UnitSetting("CPUQuotaPerSecUSec", Math.max(10_000, usec / 10_000 * 10_000));
    }

    private static UnitSetting weight(String field, String value) {
        if (value.equals("default")) {
            return new UnitSetting(field, UnitSetting.INFINITY);
        }
        long w = number(field, value, "a weight from 1 to 10000, or default");
        if (w < 1 || w > 10_000) {
            throw new InvalidInputException(field, "'" + value + "' is outside 1..10000");
        }
        return new UnitSetting(field, w);
    }

    private static UnitSetting tasks(String value) {
        if (value.equals("infinity")) {
            return new UnitSetting("TasksMax", UnitSetting.INFINITY);
        }
        long n = number("TasksMax", value, "a number of tasks, or infinity");
        if (n < 1) {
            throw new InvalidInputException("TasksMax", "'" + value + "' would leave the service no task at all");
        }
        return new UnitSetting("TasksMax", n);
    }

    private static BigDecimal percent(String field, Matcher pct, BigDecimal max) {
        BigDecimal p = new BigDecimal(pct.group(1) + (pct.group(2) == null ? "" : "." + pct.group(2)));
        if (p.signum() <= 0 || p.compareTo(max) > 0) {
            throw new InvalidInputException(field, "'" + pct.group() + "' is outside 0%.." + max.toPlainString() + "%");
        }
        return p;
    }

    private static long number(String field, String value, String what) {
        if (!value.matches("\\d{1,12}")) {
            throw new InvalidInputException(field, "'" + value + "' is not " + what);
        }
        return Long.parseLong(value);
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(MAX_VALUE_LENGTH).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return s.length() > MAX_VALUE_LENGTH ? b + "…" : b.toString();
    }
}
