package io.hostdeck.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The users file: one user a line, {@code NAME:BCRYPT-HASH:ROLE[:UNITS]}; {@code #} starts a
 * comment. UNITS, when present, limits the grant to units matching any of its comma-separated
 * patterns ({@code app-*.service,web.service}).
 * A bcrypt hash ({@code $2a$}, {@code $2b$} or {@code $2y$}, as {@code htpasswd -nB} makes them)
 * never contains a colon, so the three fields split unambiguously.
 */
final class UsersFile {

    static final String HEADER = """
            # Hostdeck users: NAME:BCRYPT-HASH:ROLE[:UNITS], one a line. ROLE is VIEWER, OPERATOR or ADMIN;
            # UNITS (optional) limits the grant to units matching these patterns: app-*.service,web.service
            # Make a hash with: htpasswd -nBC 12 NAME | cut -d: -f2
            """;

    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_.-]{0,31}");
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]?\\$\\d\\d\\$[./A-Za-z0-9]{53}");

    record Entry(String name, String hash, Role role, List<String> scope) {
        Entry(String name, String hash, Role role) {
            this(name, hash, role, List.of());
        }

        String line() {
            return name + ":" + hash + ":" + role.name() + (scope.isEmpty() ? "" : ":" + String.join(",", scope));
        }
    }

    private UsersFile() {
    }

    /** Parses every valid line; each bad one is reported by line number and skipped, never half-used. */
    static List<Entry> parse(List<String> lines, Consumer<String> problems) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int lineNo = i + 1;
            parseLine(line).ifPresentOrElse(entries::add, () -> problems.accept("line " + lineNo
                    + " is not NAME:BCRYPT-HASH:ROLE[:UNITS] with a valid name, bcrypt hash, role (VIEWER, OPERATOR,"
                    + " ADMIN) and unit patterns"));
        }
        return entries;
    }

    static Optional<Entry> parseLine(String line) {
        String[] f = line.split(":", -1);
        if (f.length < 3 || f.length > 4 || !NAME.matcher(f[0]).matches() || !BCRYPT.matcher(f[1]).matches()) {
            return Optional.empty();
        }
        List<String> scope = new ArrayList<>();
        if (f.length == 4) {
            for (String pattern : f[3].split(",", -1)) {
                if (!Scope.PATTERN.matcher(pattern.strip()).matches()) {
                    return Optional.empty();
                }
                scope.add(pattern.strip());
            }
        }
        return Role.parse(f[2]).map(role -> new Entry(f[0], f[1], role, List.copyOf(scope)));
    }
}
