package io.hostdeck.host.systemd;

/** systemd's object paths for units: {@code /org/freedesktop/systemd1/unit/} + the name, bus-escaped. */
final class UnitPaths {

    static final String PREFIX = "/org/freedesktop/systemd1/unit/";

    private UnitPaths() {
    }

    /** The unit name of a unit object path; {@code null} for any other path. */
    static String unitName(String path) {
        if (path == null || !path.startsWith(PREFIX)) {
            return null;
        }
        return unescape(path.substring(PREFIX.length()));
    }

    /** The object path of a unit, as sd_bus_path_encode makes it. */
    static String path(String unit) {
        StringBuilder b = new StringBuilder(PREFIX);
        for (byte c : unit.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
                b.append((char) c);
            } else {
                b.append('_').append(String.format("%02x", c & 0xff));
            }
        }
        return b.toString();
    }

    /** sd_bus_path_decode: every byte outside [A-Za-z0-9] is written as {@code _xx} in hex. */
    static String unescape(String escaped) {
        StringBuilder b = new StringBuilder(escaped.length());
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            int hex = c == '_' && i + 2 < escaped.length() ? hexByte(escaped, i + 1) : -1;
            if (hex >= 0) {
                b.append((char) hex);
                i += 2;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static int hexByte(String s, int at) {
        int hi = Character.digit(s.charAt(at), 16);
        int lo = Character.digit(s.charAt(at + 1), 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }
}
