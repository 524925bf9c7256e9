package io.hostdeck.security;

import java.util.Locale;
import java.util.Optional;

/** What a user may do, each role including the ones below it. */
public enum Role {
    /** Sees everything, changes nothing. */
    VIEWER,
    /** Also starts, stops and restarts units, freezes and stops containers. */
    OPERATOR,
    /** Also enables, masks, limits, writes unit files, launches sandboxes and runs commands. */
    ADMIN;

    public String authority() {
        return "ROLE_" + name();
    }

    public boolean includes(Role other) {
        return compareTo(other) >= 0;
    }

    public static Optional<Role> parse(String text) {
        try {
            return Optional.of(valueOf(text.strip().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The highest role among Spring Security authority names such as {@code ROLE_OPERATOR}. */
    public static Optional<Role> highest(Iterable<String> authorities) {
        Role best = null;
        for (String a : authorities) {
            if (a.startsWith("ROLE_")) {
                Role r = parse(a.substring(5)).orElse(null);
                if (r != null && (best == null || r.includes(best))) {
                    best = r;
                }
            }
        }
        return Optional.ofNullable(best);
    }
}
