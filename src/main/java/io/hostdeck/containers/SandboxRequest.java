package io.hostdeck.containers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.hostdeck.error.InvalidInputException;
import io.hostdeck.host.sandbox.SandboxRuntime;
import io.hostdeck.host.systemd.UnitSetting;
import io.hostdeck.services.LimitsForm;

/**
 * A sandbox launch as the form asks for it, checked before anything reaches the host.
 * <ul>
 * <li>name: 1-32 of a-z, 0-9 and inner "-": the unit becomes {@code hostdeck-sandbox-NAME.service}.</li>
 * <li>command: split at spaces (no shell), as for exec.</li>
 * <li>namespaces: any of pid, net, mnt, uts, ipc, cgroup, user; at least one.</li>
 * <li>hostname: with uts only; a host name of 1-63 letters, digits and inner "-" (default: name).</li>
 * <li>uidMap: with user only, "INSIDE OUTSIDE COUNT" (default "0 100000 65536"): uid and gid
 * INSIDE.. inside are OUTSIDE.. on the host; OUTSIDE is not 0, so root inside is nobody outside.</li>
 * <li>MemoryMax, CPUQuota, CPUWeight, TasksMax: as on a service's limits form.</li>
 * </ul>
 */
public record SandboxRequest(String name, List<String> command, List<String> namespaces, String hostname,
        long[] uidMap, List<UnitSetting> limits) {

    public static final List<String> TYPES = SandboxRuntime.TYPES;
    public static final String UNIT_PREFIX = "hostdeck-sandbox-";
    static final String DEFAULT_UID_MAP = "0 100000 65536";
    private static final Pattern NAME = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final List<String> LIMITS = List.of("MemoryMax", "CPUQuota", "CPUWeight", "TasksMax");
    private static final long ID_LIMIT = 0xFFFF_FFFFL; // (uid_t) -1 is no id

    public String unit() {
        return UNIT_PREFIX + name + ".service";
    }

    /** What the target's launcher is asked for. */
    SandboxRuntime.Request launch() {
        return new SandboxRuntime.Request(namespaces, hostname, uidMap, command);
    }

    /** What the audit record shows. */
    Map<String, String> auditArgs() {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("command", String.join(" ", command));
        a.put("namespaces", String.join(",", namespaces));
        if (hostname != null) {
            a.put("hostname", hostname);
        }
        if (uidMap != null) {
            a.put("uidMap", uidMap[0] + " " + uidMap[1] + " " + uidMap[2]);
        }
        limits.forEach(l -> a.put(l.property(), Long.toUnsignedString(l.value())));
        return a;
    }

    /** The form's fields; throws naming the first bad one. */
    public static SandboxRequest parse(Map<String, String> form) {
        for (String key : form.keySet()) {
            if (!key.equals("_csrf") && !key.equals("name") && !key.equals("command") && !key.equals("hostname")
                    && !key.equals("uidMap") && !key.equals("namespaces") && !LIMITS.contains(key)) {
                throw new InvalidInputException(key, "is not a field of the sandbox form");
            }
        }
        String name = form.getOrDefault("name", "").strip();
        if (!NAME.matcher(name).matches()) {
            throw new InvalidInputException("name", "'" + printable(name) + "' is not 1-32 of a-z, 0-9 and inner '-'");
        }
        List<String> command = ContainerActions.argv(form.get("command"));
        String nsField = form.getOrDefault("namespaces", "").strip();
        if (nsField.isEmpty()) {
            throw new InvalidInputException("namespaces", "none chosen: a sandbox has at least one namespace of its own");
        }
        List<String> namespaces = new ArrayList<>();
        for (String n : nsField.split("[ ,]+")) {
            if (!TYPES.contains(n)) {
                throw new InvalidInputException("namespaces", "'" + printable(n) + "' is not one of " + TYPES);
            }
            if (!namespaces.contains(n)) {
                namespaces.add(n);
            }
        }
        namespaces.sort((a, b) -> TYPES.indexOf(a) - TYPES.indexOf(b));
        String hostname = form.getOrDefault("hostname", "").strip();
        if (!namespaces.contains("uts")) {
            if (!hostname.isEmpty()) {
                throw new InvalidInputException("hostname", "needs a UTS namespace of its own");
            }
            hostname = null;
        } else {
            hostname = hostname.isEmpty() ? name : hostname;
            if (!HOST.matcher(hostname).matches()) {
                throw new InvalidInputException("hostname", "'" + printable(hostname)
                        + "' is not 1-63 letters, digits and inner '-'");
            }
        }
        String mapField = form.getOrDefault("uidMap", "").strip();
        long[] map = null;
        if (!namespaces.contains("user")) {
            if (!mapField.isEmpty()) {
                throw new InvalidInputException("uidMap", "needs a user namespace of its own");
            }
        } else {
            map = uidMap(mapField.isEmpty() ? DEFAULT_UID_MAP : mapField);
        }
        Map<String, String> limitFields = new LinkedHashMap<>();
        LIMITS.forEach(l -> limitFields.put(l, form.getOrDefault(l, "")));
        List<UnitSetting> limits = LimitsForm.parse(limitFields);
        return new SandboxRequest(name, command, List.copyOf(namespaces), hostname, map, limits);
    }

    private static long[] uidMap(String field) {
        String[] p = field.split("\\s+");
        if (p.length != 3 || !field.matches("[0-9 \\t]{1,40}")) {
            throw new InvalidInputException("uidMap", "'" + printable(field) + "' is not INSIDE OUTSIDE COUNT");
        }
        long inside = Long.parseLong(p[0]);
        long outside = Long.parseLong(p[1]);
        long count = Long.parseLong(p[2]);
        if (count < 1 || inside + count > ID_LIMIT || outside + count > ID_LIMIT) {
            throw new InvalidInputException("uidMap", "'" + field + "' leaves the ids 0.." + (ID_LIMIT - 1)
                    + " or maps none");
        }
        if (outside <= 0) {
            throw new InvalidInputException("uidMap", "maps to root outside: a user namespace is for running as"
                    + " someone else, so OUTSIDE is at least 1");
        }
        return new long[] {inside, outside, count};
    }

    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "…" : s;
        return cut.replaceAll("[\\p{Cntrl}]", "?");
    }
}
