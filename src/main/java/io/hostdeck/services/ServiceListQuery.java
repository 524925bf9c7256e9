package io.hostdeck.services;

import java.util.List;
import java.util.Locale;

import io.hostdeck.error.InvalidInputException;

/**
 * The filters of the services list, all from the query string so a filtered view is a bookmark:
 * {@code type} (service, socket, ...), {@code state} (active, failed, ..., or an enablement such
 * as enabled or masked) and free text {@code q} over name and description.
 */
record ServiceListQuery(String type, String state, String q) {

    static final List<String> TYPES = List.of("service", "socket", "timer", "target", "mount", "path", "slice",
            "scope", "device", "automount", "swap");
    static final List<String> STATES = List.of("active", "inactive", "failed", "activating", "deactivating",
            "reloading", "maintenance", "enabled", "disabled", "static", "masked", "not-loaded");
    static final int MAX_TEXT = 200;

    static ServiceListQuery of(String type, String state, String q) {
        String t = blankToEmpty(type).toLowerCase(Locale.ROOT);
        String s = blankToEmpty(state).toLowerCase(Locale.ROOT);
        String text = blankToEmpty(q);
        if (!t.isEmpty() && !TYPES.contains(t)) {
            throw new InvalidInputException("type", "'" + abbreviate(t) + "' is not a unit type; one of " + TYPES);
        }
        if (!s.isEmpty() && !STATES.contains(s)) {
            throw new InvalidInputException("state", "'" + abbreviate(s) + "' is not a state; one of " + STATES);
        }
        if (text.length() > MAX_TEXT) {
            throw new InvalidInputException("q", "longer than " + MAX_TEXT + " characters");
        }
        if (text.codePoints().anyMatch(Character::isISOControl)) {
            throw new InvalidInputException("q", "contains a control character");
        }
        return new ServiceListQuery(t, s, text);
    }

    boolean matches(UnitRow row) {
        if (!type.isEmpty() && !row.type().equals(type)) {
            return false;
        }
        if (!state.isEmpty() && !state.equals(row.activeState()) && !state.equals(row.enablement())
                && !(state.equals("not-loaded") && !row.loaded())) {
            return false;
        }
        if (!q.isEmpty()) {
            String needle = q.toLowerCase(Locale.ROOT);
            return row.name().toLowerCase(Locale.ROOT).contains(needle)
                    || row.description().toLowerCase(Locale.ROOT).contains(needle);
        }
        return true;
    }

    private static String blankToEmpty(String s) {
        return s == null ? "" : s.strip();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
