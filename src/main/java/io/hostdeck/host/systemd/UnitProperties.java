package io.hostdeck.host.systemd;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.types.Variant;

/**
 * Turns the GetAll maps of a unit's interfaces into {@link UnitDetails}. systemd marks "not set"
 * and "infinity" with UINT64_MAX and "never" with timestamp 0; both become {@code null} here.
 */
final class UnitProperties {

    static final List<String> DEPENDENCIES = List.of("Requires", "Requisite", "Wants", "BindsTo", "PartOf",
            "Conflicts", "Before", "After", "RequiredBy", "WantedBy", "TriggeredBy", "Triggers");

    private final Map<String, Variant<?>> unit;
    private final Map<String, Variant<?>> type;

    UnitProperties(Map<String, Variant<?>> unit, Map<String, Variant<?>> type) {
        this.unit = unit;
        this.type = type == null ? Map.of() : type;
    }

    UnitDetails details(String name) {
        Map<String, List<String>> deps = new LinkedHashMap<>();
        for (String d : DEPENDENCIES) {
            List<String> units = strings(unit, d);
            if (!units.isEmpty()) {
                deps.put(d, units);
            }
        }
        return new UnitDetails(name,
                string(unit, "Description"), string(unit, "LoadState"), string(unit, "ActiveState"),
                string(unit, "SubState"), string(unit, "UnitFileState"), string(unit, "FragmentPath"),
                strings(unit, "DropInPaths"), timestamp(unit, "StateChangeTimestamp"),
                string(type, "ControlGroup"), positive(type, "MainPID"), execStart(), string(type, "Restart"),
                string(type, "Result"),
                new Limits(unsigned(type, "MemoryMax"), unsigned(type, "MemoryHigh"),
                        unsigned(type, "CPUQuotaPerSecUSec"), unsigned(type, "CPUWeight"), unsigned(type, "TasksMax"),
                        unsigned(type, "IOWeight")),
                unsigned(type, "MemoryCurrent"), unsigned(type, "TasksCurrent"), unsigned(type, "CPUUsageNSec"),
                deps, failedConditions(), timestamp(type, "NextElapseUSecRealtime"),
                timestamp(type, "LastTriggerUSec"), listen(), string(type, "Type"), string(type, "User"),
                exitStatus(type));
    }

    private List<String> execStart() {
        List<String> commands = new ArrayList<>();
        for (Object[] entry : structs(type, "ExecStart")) {
            // (path, argv, ignore_failure, ...): argv already starts with argv[0]
            if (entry.length > 1 && entry[1] instanceof List<?> argv) {
                commands.add(String.join(" ", argv.stream().map(a -> quote(String.valueOf(a))).toList()));
            }
        }
        return commands;
    }

    /** Characters for which systemd quotes a word (SHELL_NEED_QUOTES; also any control, space or non-ASCII). */
    private static final String NEED_QUOTES = "\"\\`$*?['()<>|&;!";
    /** Characters systemd escapes with a backslash inside the quotes (SHELL_NEED_ESCAPE). */
    private static final String NEED_ESCAPE = "\"\\`$";

    /** One word of a command line as systemd writes it (shell_maybe_quote): as is, or in double quotes. */
    static String quote(String word) {
        if (word.isEmpty()) {
            return "\"\"";
        }
        if (word.chars().noneMatch(c -> c <= ' ' || c >= 127 || NEED_QUOTES.indexOf(c) >= 0)) {
            return word;
        }
        StringBuilder out = new StringBuilder("\"");
        for (char c : word.toCharArray()) {
            if (NEED_ESCAPE.indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.append('"').toString();
    }

    private static final List<String> EXIT_NAMES = List.of("SUCCESS", "FAILURE", "INVALIDARGUMENT", "NOTIMPLEMENTED",
            "NOPERMISSION", "NOTINSTALLED", "NOTCONFIGURED", "NOTRUNNING");
    private static final List<String> SIGNALS = List.of("", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE",
            "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM");

    /** The main process's last exit (ExecMainCode, ExecMainStatus) as systemctl status writes it. */
    private String exitStatus(Map<String, Variant<?>> props) {
        Variant<?> c = props.get("ExecMainCode");
        Variant<?> s = props.get("ExecMainStatus");
        if (c == null || s == null || !(c.getValue() instanceof Number code) || !(s.getValue() instanceof Number status)) {
            return "";
        }
        int n = status.intValue();
        return switch (code.intValue()) {
            case 1 -> "code=exited, status=" + n + (n < EXIT_NAMES.size() ? "/" + EXIT_NAMES.get(n) : "");
            case 2, 3 -> "code=" + (code.intValue() == 2 ? "killed" : "dumped") + ", signal="
                    + (n > 0 && n < SIGNALS.size() ? SIGNALS.get(n) : String.valueOf(n));
            default -> "";
        };
    }

    private List<String> failedConditions() {
        List<String> failed = new ArrayList<>();
        for (String prop : List.of("Conditions", "Asserts")) {
            for (Object[] c : structs(unit, prop)) {
                // (type, trigger, negate, parameter, state): state < 0 is a failed check
                if (c.length == 5 && c[4] instanceof Number state && state.intValue() < 0) {
                    failed.add(c[0] + "=" + (Boolean.TRUE.equals(c[2]) ? "!" : "") + c[3]);
                }
            }
        }
        return failed;
    }

    private List<String> listen() {
        List<String> addresses = new ArrayList<>();
        for (Object[] l : structs(type, "Listen")) {
            if (l.length == 2) {
                addresses.add(l[1] + " (" + l[0] + ")");
            }
        }
        return addresses;
    }

    static String string(Map<String, Variant<?>> props, String name) {
        Variant<?> v = props.get(name);
        return v == null ? "" : String.valueOf(v.getValue());
    }

    static List<String> strings(Map<String, Variant<?>> props, String name) {
        Variant<?> v = props.get(name);
        if (v != null && v.getValue() instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return List.of();
    }

    /** An unsigned value; UINT64_MAX ("infinity", "not set") and absence are null. */
    static Long unsigned(Map<String, Variant<?>> props, String name) {
        Variant<?> v = props.get(name);
        if (v != null && v.getValue() instanceof Number n) {
            long value = n.longValue();
            return value == -1L ? null : value;
        }
        return null;
    }

    private static Long positive(Map<String, Variant<?>> props, String name) {
        Long value = unsigned(props, name);
        return value == null || value <= 0 ? null : value;
    }

    static Instant timestamp(Map<String, Variant<?>> props, String name) {
        Long usec = unsigned(props, name);
        return usec == null || usec == 0 ? null : Instant.ofEpochSecond(usec / 1_000_000, (usec % 1_000_000) * 1000);
    }

    /** An array of structs, each as its fields: dbus-java hands them over as Object[] or Struct. */
    private static List<Object[]> structs(Map<String, Variant<?>> props, String name) {
        Variant<?> v = props.get(name);
        List<Object[]> out = new ArrayList<>();
        if (v != null && v.getValue() instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Object[] fields) {
                    out.add(fields);
                } else if (o instanceof Struct s) {
                    out.add(s.getParameters());
                }
            }
        }
        return out;
    }
}
