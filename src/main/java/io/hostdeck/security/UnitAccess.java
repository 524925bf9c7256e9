package io.hostdeck.security;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

import io.hostdeck.error.InvalidInputException;
import io.hostdeck.error.RefusedException;
import io.hostdeck.host.HostName;
import io.hostdeck.host.systemd.Systemd;
import io.hostdeck.host.systemd.UnitIdentity;

/**
 * Every decision about a unit, in one place, made on what systemd will act on: a name is first
 * resolved to the unit behind it (LoadUnit's {@code Id}), so an alias such as
 * {@code app-alias.service -> db.service} opens only what {@code db.service} itself would. On top of
 * the role (checked by the privileged services' {@code @PreAuthorize}) it decides:
 * <ul>
 * <li>the unit scope of a limited grant, on the resolved unit; a cgroup belongs to the unit that
 * owns it ({@link #ownerOf}), never to its last path part;</li>
 * <li>the kinds of unit per role: operators act on services, sockets, timers, paths and scopes;
 * targets, mounts, swaps, slices, devices and automounts are for admins;</li>
 * <li>the power and rescue states (poweroff, reboot, halt, kexec, rescue, emergency and the
 * units that set them off): admins over every unit only, who confirm by typing the host's name.</li>
 * </ul>
 */
@Component
public class UnitAccess {

    /** The unit types an operator acts on; every other type is for admins. */
    public static final Set<String> OPERATOR_TYPES = Set.of("service", "socket", "timer", "path", "scope");

    /**
     * The units that power the host off, reboot it, or take it down to a rescue shell when they
     * start: systemd's special targets and the services behind them (systemd.special(7)).
     */
    public static final Set<String> POWER_UNITS = Set.of("poweroff.target", "reboot.target", "halt.target",
            "kexec.target", "soft-reboot.target", "ctrl-alt-del.target", "exit.target", "shutdown.target",
            "final.target", "umount.target", "rescue.target", "emergency.target", "systemd-poweroff.service",
            "systemd-reboot.service", "systemd-halt.service", "systemd-kexec.service", "systemd-soft-reboot.service",
            "systemd-exit.service", "rescue.service", "emergency.service");

    private final Systemd systemd;
    private final HostName hostName;

    UnitAccess(Systemd systemd, HostName hostName) {
        this.systemd = systemd;
        this.hostName = hostName;
    }

    /** A unit as it will be acted on: the name asked for, the unit systemd resolved it to, why it is a power action (or null). */
    public record Target(String asked, String id, String power) {

        /** The audit record's arguments: what was asked, when it differs from what was acted on. */
        public java.util.Map<String, String> auditArgs(java.util.Map<String, String> args) {
            java.util.Map<String, String> all = new java.util.TreeMap<>(args);
            if (!asked.equals(id)) {
                all.put("asked", asked);
            }
            if (power != null) {
                all.put("power", power);
            }
            return all;
        }
    }

    /**
     * For reading a unit (its page, log, live state): the name to read under. A grant over every
     * unit reads any name as given (nothing to decide, no bus call); a limited grant reads only a
     * unit whose resolved name is in its scope.
     */
    public String read(Authentication auth, String name) {
        Scope scope = Scope.of(auth);
        if (scope.all()) {
            return name;
        }
        // the Id alone (not identify's whole unit: a read needs no power or kind check), kept for a
        // loaded unit until systemd signals a reload (UnitNames); JournalBench
        String id = systemd.resolve(name);
        requireInScope(scope, name, id);
        return id;
    }

    /** {@link #read} for the request's user. */
    public String read(String name) {
        return read(current(), name);
    }

    /**
     * For a job or a signal (start, stop, restart, reload, kill, reset-failed): resolves the unit and
     * checks scope, kind and power. {@code confirm} is what the user typed to confirm a power action.
     */
    public Target operate(String verb, String name, String confirm) {
        Authentication auth = current();
        UnitIdentity unit = systemd.identify(name);
        Scope scope = Scope.of(auth);
        requireInScope(scope, unit);
        Role role = roleOf(auth);
        if (!OPERATOR_TYPES.contains(unit.type()) && !role.includes(Role.ADMIN)) {
            throw new RefusedException("Acting on a " + unit.type() + " (" + unit.id() + ") is for admins: operators act on"
                    + " services, sockets, timers, paths and scopes.");
        }
        String power = power(unit);
        if (power != null) {
            if (!role.includes(Role.ADMIN) || !scope.all()) {
                throw new RefusedException("To " + verb + " " + unit.id() + " is a power action (" + power
                        + "): only an admin over every unit may do it.");
            }
            String host = hostName.get();
            if (confirm == null || !confirm.strip().equals(host)) {
                throw new InvalidInputException("confirm", "to " + verb + " " + unit.id() + " is a power action (" + power
                        + "): type the host's name, " + host + ", to confirm");
            }
        }
        return new Target(name, unit.id(), power);
    }

    /**
     * For changing a unit's configuration (enable, disable, mask, unmask, limits, drop-ins): resolves
     * it and checks the scope. The change is made to the resolved unit.
     */
    public Target configure(String name) {
        UnitIdentity unit = systemd.identify(name);
        requireInScope(Scope.of(current()), unit);
        return new Target(name, unit.id(), null);
    }

    /**
     * Why acting on the unit may power the host off, reboot it or take it to a rescue state, or
     * null: it is one of {@link #POWER_UNITS}, one of its *Action= settings is set, or its start,
     * failure or trigger pulls one of them in.
     */
    public static String power(UnitIdentity unit) {
        if (POWER_UNITS.contains(unit.id())) {
            return unit.id() + " is a power or rescue state";
        }
        for (String name : unit.names()) {
            if (POWER_UNITS.contains(name)) {
                return unit.id() + " is also " + name;
            }
        }
        if (!unit.actions().isEmpty()) {
            var first = unit.actions().entrySet().iterator().next();
            return "its " + first.getKey() + "=" + first.getValue();
        }
        for (String pulled : unit.pulls()) {
            if (POWER_UNITS.contains(pulled)) {
                return "it pulls in " + pulled;
            }
        }
        return null;
    }

    /**
     * The unit that owns a cgroup: the highest unit on its path that is not a slice (everything
     * below a service's or scope's cgroup is that unit's, whatever the sub-cgroups are called: a
     * delegated unit may create {@code app-evil.service} inside its own), else the deepest slice;
     * null for the root and for cgroups outside systemd's units.
     */
    public static String ownerOf(String cgroupPath) {
        String slice = null;
        for (String part : cgroupPath.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            String type = typeOf(part);
            if (type == null) {
                return slice; // a cgroup systemd did not make: its nearest slice's, if any
            }
            if (!type.equals("slice")) {
                return part;
            }
            slice = part;
        }
        return slice;
    }

    /** {@link Scope#requireCgroup} on the cgroup's owner. */
    public static void requireCgroup(Authentication auth, String cgroupPath) {
        Scope.of(auth).requireCgroup(cgroupPath, ownerOf(cgroupPath));
    }

    private static final List<String> CGROUP_UNIT_TYPES = List.of("service", "scope", "slice", "socket", "mount", "swap");

    private static String typeOf(String part) {
        int dot = part.lastIndexOf('.');
        if (dot <= 0) {
            return null;
        }
        String type = part.substring(dot + 1).toLowerCase(Locale.ROOT);
        return CGROUP_UNIT_TYPES.contains(type) ? type : null;
    }

    private static void requireInScope(Scope scope, UnitIdentity unit) {
        requireInScope(scope, unit.asked(), unit.id());
    }

    /** The scope decides on {@code id}, the unit systemd resolved {@code asked} to. */
    private static void requireInScope(Scope scope, String asked, String id) {
        if (scope.allows(id)) {
            return;
        }
        if (!asked.equals(id)) {
            throw new RefusedException(asked + " is another name of " + id + ", which is outside your grant"
                    + " (limited to " + String.join(", ", scope.patterns()) + ")");
        }
        scope.require(id);
    }

    private static Authentication current() {
        return SecurityContextHolder.getContext().getAuthentication();
    }

    private static Role roleOf(Authentication auth) {
        if (auth == null) {
            return Role.VIEWER;
        }
        return Role.highest(auth.getAuthorities().stream().map(GrantedAuthority::getAuthority).toList()).orElse(Role.VIEWER);
    }
}
