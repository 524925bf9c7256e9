package io.hostdeck.fleet;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Prometheus's duration syntax ({@code 15s}, {@code 1m30s}, {@code 500ms}), both ways. */
final class PromDuration {

    private static final Pattern PART = Pattern.compile("(\\d+)(ms|y|w|d|h|m|s)");

    private PromDuration() {
    }

    static Duration parse(String text) {
        Matcher m = PART.matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                case "w" -> Duration.ofDays(7 * n);
                default -> Duration.ofDays(365 * n);
            });
            end = m.end();
        }
        if (end != text.length() || end == 0) {
            throw new IllegalArgumentException("'" + text + "' is not a Prometheus duration (e.g. 15s, 1m30s)");
        }
        return total;
    }

    /** A range for PromQL, in whole seconds: {@code 60s}. */
    static String format(Duration d) {
        return Math.max(1, d.toSeconds()) + "s";
    }
}
