package io.hostdeck.services;

import java.util.regex.Pattern;

import io.hostdeck.error.InvalidInputException;

/** A unit name from a URL or form, checked before it goes anywhere near systemd. */
final class UnitNames {

    private static final Pattern NAME = Pattern.compile(
            "[A-Za-z0-9:_.\\\\-]+(@[A-Za-z0-9:_.\\\\-]*)?\\.(service|socket|target|device|mount|automount|swap|timer|path|slice|scope)");

    private UnitNames() {
    }

    static String require(String field, String text) {
        if (text == null || text.isEmpty() || text.length() > 255 || !NAME.matcher(text).matches()) {
            throw new InvalidInputException(field, "'" + printable(text) + "' is not a unit name (name.type, such as"
                    + " nginx.service)");
        }
        return text;
    }

    private static String printable(String s) {
        if (s == null) {
            return "";
        }
        String cut = s.length() > 60 ? s.substring(0, 60) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
