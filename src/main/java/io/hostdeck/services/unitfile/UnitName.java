package io.hostdeck.services.unitfile;

import java.util.List;

import io.hostdeck.error.InvalidInputException;

/**
 * A unit name that systemd itself would accept, by the rules of {@code unit_name_is_valid()} in
 * systemd's src/basic/unit-name.c (unchanged from v220 to today, so also v252 on Debian 12):
 * <ul>
 * <li>at most 255 characters ({@code UNIT_NAME_MAX} is 256 with the NUL);</li>
 * <li>the text after the last '.' is a unit type, and that '.' is not the first character;</li>
 * <li>everything before it is ASCII letters, digits and {@code : - _ . \} plus '@'; the first '@'
 * is not the first character. Before it is the prefix; {@code foo@.service} is a template,
 * {@code foo@bar.service} an instance (whose instance part may hold more '@').</li>
 * </ul>
 * The backslash is allowed because systemd writes escapes that way ({@code dev-disk-by\x2dlabel.device}).
 * Only ASCII counts as a letter: a Cyrillic 'е' that looks like a Latin 'e' is refused.
 */
public record UnitName(String name) {

    public static final int MAX_LENGTH = 255;

    /** systemd v252's unit types, in its own order (unit-def.c). */
    public static final List<String> TYPES = List.of("service", "mount", "swap", "socket", "target", "device",
            "automount", "timer", "path", "slice", "scope");

    public enum Kind { PLAIN, INSTANCE, TEMPLATE }

    public UnitName {
        check("unit", name);
    }

    /** Any valid unit name (plain, instance or template), surrounding spaces removed. */
    public static UnitName of(String field, String text) {
        String name = ServiceSpec.clean(field, text, MAX_LENGTH);
        check(field, name);
        return new UnitName(name);
    }

    /**
     * The name of a service to create: {@code foo} or {@code foo.service} both give
     * {@code foo.service}. Stricter than systemd for a new file: plain names only (a template or
     * instance is not something the form can describe), no leading '.' (systemd skips hidden files
     * in its unit directories) and no backslash (escapes belong to names derived from paths).
     */
    public static UnitName service(String field, String text) {
        String name = ServiceSpec.clean(field, text, MAX_LENGTH);
        if (name.isEmpty()) {
            throw new InvalidInputException(field, "is required");
        }
        int dot = name.lastIndexOf('.');
        if (dot >= 0 && !name.endsWith(".service") && TYPES.contains(name.substring(dot + 1))) {
            throw new InvalidInputException(field, "names a ." + name.substring(dot + 1) + " unit; only services can be created");
        }
        if (!name.endsWith(".service")) {
            name = name + ".service";
        }
        check(field, name);
        if (name.indexOf('@') >= 0) {
            throw new InvalidInputException(field, "must not contain '@': templates and instances cannot be created here");
        }
        if (name.startsWith(".")) {
            throw new InvalidInputException(field, "must not start with '.'");
        }
        if (name.indexOf('\\') >= 0) {
            throw new InvalidInputException(field, "must not contain a backslash");
        }
        return new UnitName(name);
    }

    public Kind kind() {
        int at = name.indexOf('@');
        if (at < 0) {
            return Kind.PLAIN;
        }
        return at == name.lastIndexOf('.') - 1 ? Kind.TEMPLATE : Kind.INSTANCE;
    }

    /** The unit type: {@code service} for {@code foo.service}. */
    public String type() {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    @Override
    public String toString() {
        return name;
    }

    private static void check(String field, String n) {
        if (n == null || n.isEmpty()) {
            throw new InvalidInputException(field, "is required");
        }
        if (n.length() > MAX_LENGTH) {
            throw new InvalidInputException(field, "must be at most " + MAX_LENGTH + " characters");
        }
        int dot = n.lastIndexOf('.');
        if (dot < 0 || !TYPES.contains(n.substring(dot + 1))) {
            throw new InvalidInputException(field, "'" + shown(n) + "' must end in a unit type: ." + String.join(", .", TYPES));
        }
        if (dot == 0) {
            throw new InvalidInputException(field, "'" + shown(n) + "' has no name before the type");
        }
        for (int i = 0; i < dot; ) {
            int c = n.codePointAt(i);
            if (!allowed(c)) {
                throw new InvalidInputException(field, "'" + shown(n) + "' contains " + describe(c)
                        + "; a unit name may contain only ASCII letters, digits and : - _ . \\ @");
            }
            i += Character.charCount(c);
        }
        if (n.charAt(0) == '@') {
            throw new InvalidInputException(field, "'" + shown(n) + "' must not start with '@'");
        }
    }

    private static boolean allowed(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == ':' || c == '-' || c == '_' || c == '.' || c == '\\' || c == '@';
    }

    /** A character named so the reader can tell a look-alike: 'е' (U+0435). */
    static String describe(int c) {
        String code = String.format("U+%04X", c);
        if (Character.isISOControl(c) || !Character.isDefined(c) || Character.isWhitespace(c)
                || Character.getType(c) == Character.FORMAT) {
            return code;
        }
        return "'" + new String(Character.toChars(c)) + "' (" + code + ")";
    }

    /** The input for a message: cut short, anything invisible shown as '?'. */
    static String shown(String s) {
        String cut = s.length() > 60 ? s.substring(0, 60) + "…" : s;
        StringBuilder b = new StringBuilder();
        cut.codePoints().forEach(c -> {
            if (ServiceSpec.invisible(c)) {
                b.append('?');
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }
}
