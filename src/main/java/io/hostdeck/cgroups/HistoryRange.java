package io.hostdeck.cgroups;

import io.hostdeck.error.InvalidInputException;

/** How far back a cgroup's charts reach: {@code 15m} (every tick) or {@code 24h} (minute points). */
enum HistoryRange {
    MINUTES_15("15m"), HOURS_24("24h");

    /** What a page or the API shows when no range is asked for. */
    static final HistoryRange DEFAULT = MINUTES_15;

    private final String label;

    HistoryRange(String label) {
        this.label = label;
    }

    /** The range named {@code range}; anything else is bad input, named in the answer. */
    static HistoryRange of(String range) {
        for (HistoryRange r : values()) {
            if (r.label.equals(range)) {
                return r;
            }
        }
        throw new InvalidInputException("range", "'" + range + "' is neither 15m nor 24h");
    }

    /** {@code range} as asked, or the default's name when none (null or blank) is: checked later, by {@link #of}. */
    static String defaulted(String range) {
        return range == null || range.isBlank() ? DEFAULT.label : range;
    }

    boolean day() {
        return this == HOURS_24;
    }

    /** Its name in URLs and answers: 15m or 24h. */
    String label() {
        return label;
    }
}
