package io.hostdeck.services.unitfile;

import java.util.List;
import java.util.stream.Collectors;

import io.hostdeck.host.unitfiles.UnitFileStore;

/**
 * A {@link ServiceSpec} as the text systemd reads: the same spec always gives the same bytes, so
 * the preview is exactly what gets written. Values need no quoting because ServiceSpec lets
 * through nothing systemd would reinterpret, except '%' in Description, written as '%%'.
 */
public final class UnitFileText {

    /** The first line of every drop-in Hostdeck writes. */
    public static final String EDITED_MARK = "# Edited by Hostdeck";

    private UnitFileText() {
    }

    /** A whole unit file for {@code /etc/systemd/system/NAME.service}; empty optional fields are left out. */
    public static String unitFile(ServiceSpec spec) {
        StringBuilder t = new StringBuilder();
        t.append(UnitFileStore.CREATED_MARK).append('\n');
        t.append("[Unit]\n");
        line(t, "Description", escapeSpecifiers(spec.description()));
        if (!spec.after().isEmpty()) {
            line(t, "After", names(spec.after()));
        }
        t.append("\n[Service]\n");
        line(t, "Type", spec.type());
        if (!spec.user().isEmpty()) {
            line(t, "User", spec.user());
        }
        line(t, "ExecStart", String.join(" ", spec.execStart()));
        line(t, "Restart", spec.restart());
        optional(t, "RestartSec", spec.restartSec());
        optional(t, "MemoryMax", spec.memoryMax());
        optional(t, "CPUQuota", spec.cpuQuota());
        t.append("\n[Install]\n");
        line(t, "WantedBy", names(spec.wantedBy()));
        return t.toString();
    }

    /**
     * A drop-in ({@code NAME.service.d/override.conf}, as {@code systemctl edit} writes) that makes
     * an existing service run as the spec says, whatever its unit file set before:
     * <ul>
     * <li>ExecStart= and WantedBy= are lists that an empty assignment resets, so each gets one
     * before its new value; otherwise the new command would be added to the old one (refused for
     * any Type but oneshot) and enabling would keep the old targets. (systemctl enable reads
     * [Install] from drop-ins since systemd PR #7158, 2017.)</li>
     * <li>After= gets no reset line: systemd.unit(5) says dependencies cannot be reset to an empty
     * list, an empty After= does nothing. The listed units are added to the unit's own.</li>
     * <li>An empty User, RestartSec, MemoryMax or CPUQuota is left out, so the unit's own value
     * stays: an empty assignment would reset it to systemd's default, and a field left blank in the
     * form must never turn a service that runs as www-data into one that runs as root.</li>
     * </ul>
     */
    public static String override(ServiceSpec spec) {
        StringBuilder t = new StringBuilder();
        t.append(EDITED_MARK).append('\n');
        t.append("[Unit]\n");
        line(t, "Description", escapeSpecifiers(spec.description()));
        if (!spec.after().isEmpty()) {
            line(t, "After", names(spec.after()));
        }
        t.append("\n[Service]\n");
        line(t, "Type", spec.type());
        optional(t, "User", spec.user());
        line(t, "ExecStart", "");
        line(t, "ExecStart", String.join(" ", spec.execStart()));
        line(t, "Restart", spec.restart());
        optional(t, "RestartSec", spec.restartSec());
        optional(t, "MemoryMax", spec.memoryMax());
        optional(t, "CPUQuota", spec.cpuQuota());
        t.append("\n[Install]\n");
        line(t, "WantedBy", "");
        line(t, "WantedBy", names(spec.wantedBy()));
        return t.toString();
    }

    private static void line(StringBuilder t, String key, String value) {
        t.append(key).append('=').append(value).append('\n');
    }

    private static void optional(StringBuilder t, String key, String value) {
        if (!value.isEmpty()) {
            line(t, key, value);
        }
    }

    private static String names(List<UnitName> units) {
        return units.stream().map(UnitName::name).collect(Collectors.joining(" "));
    }

    /** Description is subject to systemd's specifiers; '%%' is a literal '%'. */
    private static String escapeSpecifiers(String text) {
        return text.replace("%", "%%");
    }
}
