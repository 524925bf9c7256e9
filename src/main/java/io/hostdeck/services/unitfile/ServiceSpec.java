package io.hostdeck.services.unitfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.hostdeck.error.InvalidInputException;

/**
 * The new-service form, checked field by field so that what reaches the unit file can only mean
 * what the form showed: a value can never end its line, start a directive, or be rewritten by
 * systemd's own expansions. A ServiceSpec that exists is valid; the constructor checks again
 * whatever {@link #validate} already did. Form keys are the directive names ({@code ExecStart}),
 * and every error names the key.
 *
 * <p>Every field: no control or invisible character at all, checked before trimming (so a
 * trailing newline is refused, not silently dropped): Unicode categories Cc (with \t, \n, \r, NUL,
 * U+0085), Cf (such as U+202E, which reverses what the preview shows), Zl (U+2028), Zp (U+2029),
 * Cs, Co and Cn. Then surrounding spaces are trimmed and the length bounded.
 * <ul>
 * <li>Description: required, at most 200 characters, no backslash (at the end of a line systemd
 * reads it as a continuation). A '%' is written as '%%' so systemd shows it as typed.</li>
 * <li>After, WantedBy: unit names separated by spaces, each valid by {@link UnitName#of} and not
 * a template, at most 64 of them. WantedBy defaults to {@code multi-user.target}.</li>
 * <li>Type: simple, exec, forking, oneshot, notify or idle; default simple.</li>
 * <li>User: empty (root) or a Linux user name {@code [a-z_][a-z0-9_-]*[$]?}, at most 32.</li>
 * <li>ExecStart: required, at most 4096 characters, words separated by plain spaces. The first
 * word is an absolute path to the program with no '.' or '..' segment (so systemd's prefixes
 * '-', '@', '+', '!', ':' are not offered). Refused anywhere, because systemd would change their
 * meaning: '%' (specifiers), '$' (environment expansion), '\' (escapes), quotes (unquoting), ';' as
 * a word of its own (a command separator), and spaces other than U+0020 (systemd does not split
 * on them, so the preview would mislead). A literal '%' or '$' therefore cannot be passed; a
 * wrapper script can.</li>
 * <li>Restart: no, on-success, on-failure, on-abnormal, on-watchdog, on-abort or always; default no.</li>
 * <li>RestartSec: empty, or whole-number terms separated by spaces, each with a unit ms, s, sec,
 * m, min, h or d ({@code 500ms}, {@code 1min 30s}); a lone number is seconds. At most one day.</li>
 * <li>MemoryMax: empty, {@code infinity}, whole bytes with an optional K, M, G or T suffix (base
 * 1024, as systemd; at least 1M so a typo cannot starve the service, at most 1024T), or 1% to 100%.</li>
 * <li>CPUQuota: empty or a whole percentage of one CPU, 1% to 100000%.</li>
 * </ul>
 * Whole numbers only: systemd accepts more (decimals, P and E, 1min30s without a space), but the
 * subset is what the form promises and what the preview can show plainly.
 */
public record ServiceSpec(String description, List<UnitName> after, String type, String user, List<String> execStart,
        String restart, String restartSec, String memoryMax, String cpuQuota, List<UnitName> wantedBy) {

    public static final String DESCRIPTION = "Description";
    public static final String AFTER = "After";
    public static final String TYPE = "Type";
    public static final String USER = "User";
    public static final String EXEC_START = "ExecStart";
    public static final String RESTART = "Restart";
    public static final String RESTART_SEC = "RestartSec";
    public static final String MEMORY_MAX = "MemoryMax";
    public static final String CPU_QUOTA = "CPUQuota";
    public static final String WANTED_BY = "WantedBy";

    /** The form's fields, in the order they are checked and shown. */
    public static final List<String> FIELDS = List.of(DESCRIPTION, AFTER, TYPE, USER, EXEC_START, RESTART, RESTART_SEC,
            MEMORY_MAX, CPU_QUOTA, WANTED_BY);

    public static final List<String> TYPES = List.of("simple", "exec", "forking", "oneshot", "notify", "idle");
    public static final List<String> RESTARTS = List.of("no", "on-success", "on-failure", "on-abnormal",
            "on-watchdog", "on-abort", "always");
    public static final UnitName DEFAULT_WANTED_BY = new UnitName("multi-user.target");

    static final int MAX_DESCRIPTION = 200;
    static final int MAX_LIST = 2048;
    static final int MAX_UNITS = 64;
    static final int MAX_USER = 32;
    static final int MAX_COMMAND = 4096;
    static final int MAX_SHORT = 64;
    static final long MAX_RESTART_MS = 86_400_000L;
    static final long MIN_MEMORY = 1L << 20;
    static final long MAX_MEMORY = 1L << 50;
    static final int MAX_CPU_QUOTA = 100_000;

    private static final Pattern USER_NAME = Pattern.compile("[a-z_][a-z0-9_-]*\\$?");
    private static final Pattern SECONDS = Pattern.compile("\\d{1,9}");
    private static final Pattern SPAN_TERM = Pattern.compile("(\\d{1,9})(ms|s|sec|m|min|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,16})([KMGT]?)");
    private static final Pattern MEMORY_PERCENT = Pattern.compile("(\\d{1,3})%");
    private static final Pattern CPU_PERCENT = Pattern.compile("(\\d{1,6})%");
    private static final Set<Integer> INVISIBLE = Set.of((int) Character.CONTROL, (int) Character.FORMAT,
            (int) Character.SURROGATE, (int) Character.PRIVATE_USE, (int) Character.UNASSIGNED,
            (int) Character.LINE_SEPARATOR, (int) Character.PARAGRAPH_SEPARATOR);

    public ServiceSpec {
        description = description(description);
        after = units(AFTER, after);
        type = oneOf(TYPE, type, TYPES);
        user = user(user);
        execStart = command(execStart == null ? null : String.join(" ", execStart));
        restart = oneOf(RESTART, restart, RESTARTS);
        restartSec = restartSec(restartSec);
        memoryMax = memoryMax(memoryMax);
        cpuQuota = cpuQuota(cpuQuota);
        wantedBy = units(WANTED_BY, wantedBy);
        if (wantedBy.isEmpty()) {
            wantedBy = List.of(DEFAULT_WANTED_BY);
        }
    }

    /**
     * The spec from the form's values, or an {@link InvalidInputException} naming the first bad
     * field in {@link #FIELDS} order. A missing or blank optional field takes its default.
     */
    public static ServiceSpec validate(Map<String, String> form) {
        String description = description(form.get(DESCRIPTION));
        List<UnitName> after = unitList(AFTER, form.get(AFTER));
        String type = oneOf(TYPE, form.get(TYPE), TYPES);
        String user = user(form.get(USER));
        List<String> execStart = command(form.get(EXEC_START));
        String restart = oneOf(RESTART, form.get(RESTART), RESTARTS);
        String restartSec = restartSec(form.get(RESTART_SEC));
        String memoryMax = memoryMax(form.get(MEMORY_MAX));
        String cpuQuota = cpuQuota(form.get(CPU_QUOTA));
        List<UnitName> wantedBy = unitList(WANTED_BY, form.get(WANTED_BY));
        return new ServiceSpec(description, after, type, user, execStart, restart, restartSec, memoryMax, cpuQuota,
                wantedBy);
    }

    /**
     * The value with surrounding spaces trimmed, "" for null; refused if it holds any control or
     * invisible character (checked before trimming) or is longer than {@code max} after it.
     */
    static String clean(String field, String raw, int max) {
        if (raw == null) {
            return "";
        }
        for (int i = 0; i < raw.length(); ) {
            int c = raw.codePointAt(i);
            if (invisible(c)) {
                throw new InvalidInputException(field, "must not contain control or invisible characters (found "
                        + String.format("U+%04X", c) + ")");
            }
            i += Character.charCount(c);
        }
        String value = raw.strip();
        if (value.length() > max) {
            throw new InvalidInputException(field, "must be at most " + max + " characters");
        }
        return value;
    }

    static boolean invisible(int c) {
        return INVISIBLE.contains(Character.getType(c));
    }

    private static String description(String raw) {
        String value = clean(DESCRIPTION, raw, MAX_DESCRIPTION);
        if (value.isEmpty()) {
            throw new InvalidInputException(DESCRIPTION, "is required");
        }
        if (value.indexOf('\\') >= 0) {
            throw new InvalidInputException(DESCRIPTION, "must not contain a backslash");
        }
        return value;
    }

    private static List<UnitName> unitList(String field, String raw) {
        String value = clean(field, raw, MAX_LIST);
        List<UnitName> units = new ArrayList<>();
        if (!value.isEmpty()) {
            for (String word : value.split(" +")) {
                units.add(UnitName.of(field, word));
            }
        }
        return units(field, units);
    }

    private static List<UnitName> units(String field, List<UnitName> units) {
        if (units == null) {
            return List.of();
        }
        if (units.size() > MAX_UNITS) {
            throw new InvalidInputException(field, "may list at most " + MAX_UNITS + " units");
        }
        for (UnitName unit : units) {
            if (unit == null) {
                throw new InvalidInputException(field, "must not hold an empty unit name");
            }
            if (unit.kind() == UnitName.Kind.TEMPLATE) {
                throw new InvalidInputException(field, "'" + unit + "' is a template; name an instance of it");
            }
        }
        return List.copyOf(units);
    }

    private static String oneOf(String field, String raw, List<String> allowed) {
        String value = clean(field, raw, MAX_SHORT);
        if (value.isEmpty()) {
            return allowed.get(0);
        }
        if (!allowed.contains(value)) {
            throw new InvalidInputException(field, "must be one of " + String.join(", ", allowed));
        }
        return value;
    }

    private static String user(String raw) {
        String value = clean(USER, raw, MAX_USER);
        if (!value.isEmpty() && !USER_NAME.matcher(value).matches()) {
            throw new InvalidInputException(USER, "must be empty (root) or a user name: lower-case letters, digits,"
                    + " '_' and '-', starting with a letter or '_'");
        }
        return value;
    }

    private static List<String> command(String raw) {
        String value = clean(EXEC_START, raw, MAX_COMMAND);
        if (value.isEmpty()) {
            throw new InvalidInputException(EXEC_START, "is required");
        }
        for (int i = 0; i < value.length(); ) {
            int c = value.codePointAt(i);
            String why = switch (c) {
                case '%' -> "must not contain '%': systemd would read it as a specifier such as %n";
                case '$' -> "must not contain '$': systemd would expand it as an environment variable";
                case '\\' -> "must not contain a backslash: systemd would read it as an escape";
                case '"', '\'' -> "must not contain quotes: systemd would remove them; write each argument as a"
                        + " plain word";
                default -> c != ' ' && (Character.isWhitespace(c) || Character.isSpaceChar(c))
                        ? "must separate words with plain spaces only (found " + String.format("U+%04X", c) + ")"
                        : null;
            };
            if (why != null) {
                throw new InvalidInputException(EXEC_START, why);
            }
            i += Character.charCount(c);
        }
        List<String> words = List.of(value.split(" +"));
        if (words.contains(";")) {
            throw new InvalidInputException(EXEC_START, "must not contain ';' as a word of its own: systemd would"
                    + " read it as a separator between commands");
        }
        String program = words.get(0);
        if (!program.startsWith("/")) {
            throw new InvalidInputException(EXEC_START, "must start with the absolute path of the program, such as"
                    + " /usr/bin/app");
        }
        if (program.endsWith("/")) {
            throw new InvalidInputException(EXEC_START, "must start with the path of a program, not a directory");
        }
        for (String segment : program.substring(1).split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                throw new InvalidInputException(EXEC_START, "the program's path must not contain '.' or '..'");
            }
        }
        return words;
    }

    private static String restartSec(String raw) {
        String value = clean(RESTART_SEC, raw, MAX_SHORT);
        if (value.isEmpty()) {
            return value;
        }
        if (SECONDS.matcher(value).matches()) {
            if (Long.parseLong(value) * 1000 > MAX_RESTART_MS) {
                throw new InvalidInputException(RESTART_SEC, "must be at most one day");
            }
            return value;
        }
        String[] terms = value.split(" +");
        long ms = 0;
        for (String term : terms) {
            Matcher m = SPAN_TERM.matcher(term);
            if (!m.matches()) {
                throw new InvalidInputException(RESTART_SEC, "must be a time span such as 5, 5s, 500ms or 1min 30s"
                        + " (units ms, s, sec, m, min, h, d)");
            }
            ms += Long.parseLong(m.group(1)) * switch (m.group(2)) {
                case "ms" -> 1L;
                case "s", "sec" -> 1_000L;
                case "m", "min" -> 60_000L;
                case "h" -> 3_600_000L;
                default -> 86_400_000L;
            };
        }
        if (ms > MAX_RESTART_MS) {
            throw new InvalidInputException(RESTART_SEC, "must be at most one day");
        }
        return String.join(" ", terms);
    }

    private static String memoryMax(String raw) {
        String value = clean(MEMORY_MAX, raw, MAX_SHORT);
        if (value.isEmpty() || value.equals("infinity")) {
            return value;
        }
        Matcher pct = MEMORY_PERCENT.matcher(value);
        if (pct.matches()) {
            int n = Integer.parseInt(pct.group(1));
            if (n < 1 || n > 100) {
                throw new InvalidInputException(MEMORY_MAX, "a percentage must be from 1% to 100%");
            }
            return value;
        }
        Matcher size = SIZE.matcher(value);
        if (!size.matches()) {
            throw new InvalidInputException(MEMORY_MAX, "must be bytes with an optional K, M, G or T suffix (such as"
                    + " 512M), a percentage such as 50%, or infinity");
        }
        int power = size.group(2).isEmpty() ? 0 : "KMGT".indexOf(size.group(2)) + 1;
        long bytes;
        try {
            bytes = Math.multiplyExact(Long.parseLong(size.group(1)), 1L << (10 * power));
        } catch (ArithmeticException e) {
            bytes = Long.MAX_VALUE;
        }
        if (bytes < MIN_MEMORY) {
            throw new InvalidInputException(MEMORY_MAX, "must be at least 1M");
        }
        if (bytes > MAX_MEMORY) {
            throw new InvalidInputException(MEMORY_MAX, "must be at most 1024T");
        }
        return value;
    }

    private static String cpuQuota(String raw) {
        String value = clean(CPU_QUOTA, raw, MAX_SHORT);
        if (value.isEmpty()) {
            return value;
        }
        Matcher pct = CPU_PERCENT.matcher(value);
        if (!pct.matches()) {
            throw new InvalidInputException(CPU_QUOTA, "must be a percentage of one CPU, such as 50% or 200%");
        }
        int n = Integer.parseInt(pct.group(1));
        if (n < 1 || n > MAX_CPU_QUOTA) {
            throw new InvalidInputException(CPU_QUOTA, "must be from 1% to " + MAX_CPU_QUOTA + "%");
        }
        return value;
    }
}
