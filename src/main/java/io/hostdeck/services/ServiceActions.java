package io.hostdeck.services;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;

import io.hostdeck.audit.AuditLog;
import io.hostdeck.host.cgroupfs.CgroupReader;
import io.hostdeck.host.systemd.JobOutcome;
import io.hostdeck.host.systemd.Systemd;
import io.hostdeck.host.systemd.UnitAction;
import io.hostdeck.host.systemd.UnitFileChange;
import io.hostdeck.host.systemd.UnitSetting;
import io.hostdeck.host.unitfiles.UnitFileStore;
import io.hostdeck.security.Scope;
import io.hostdeck.security.UnitAccess;
import io.hostdeck.services.unitfile.ServiceSpec;
import io.hostdeck.services.unitfile.UnitFileText;
import io.hostdeck.services.unitfile.UnitName;

/**
 * The privileged layer of the services feature: every change to a unit passes here, and each
 * method (1) checks the role, (2) takes only validated input, (3) calls systemd, (4) writes the
 * audit record with the outcome, failures included. Reading never comes through here.
 */
@Service
public class ServiceActions {

    /** The signals an operator may send, by name, as kill(1) names them. */
    static final Map<String, Integer> SIGNALS = Map.of("SIGTERM", 15, "SIGKILL", 9, "SIGHUP", 1, "SIGINT", 2,
            "SIGQUIT", 3, "SIGUSR1", 10, "SIGUSR2", 12, "SIGCONT", 18, "SIGSTOP", 19);

    private final Systemd systemd;
    private final UnitFileStore unitFiles;
    private final AuditLog audit;
    private final CgroupReader cgroups;
    private final UnitAccess access;

    ServiceActions(Systemd systemd, UnitFileStore unitFiles, AuditLog audit, CgroupReader cgroups, UnitAccess access) {
        this.access = access;
        this.systemd = systemd;
        this.unitFiles = unitFiles;
        this.audit = audit;
        this.cgroups = cgroups;
    }

    /** A job: start, stop, restart, reload, try-restart; {@code confirm} is the host's name typed for a power action. */
    @PreAuthorize("hasRole('OPERATOR')")
    public JobOutcome run(UnitAction action, String unit, String confirm) {
        UnitAccess.Target t = access.operate(action.label(), unit, confirm);
        return audited(action.label(), t.id(), t.auditArgs(Map.of()), () -> systemd.run(action, t.id()), JobOutcome::result);
    }

    @PreAuthorize("hasRole('OPERATOR')")
    public UnitAccess.Target kill(String unit, String signalName, String confirm) {
        Integer signal = SIGNALS.get(signalName);
        if (signal == null) {
            throw new io.hostdeck.error.InvalidInputException("signal", "'" + signalName + "' is not one of " + SIGNALS.keySet());
        }
        UnitAccess.Target t = access.operate("kill", unit, confirm);
        audited("kill", t.id(), t.auditArgs(Map.of("signal", signalName)), () -> {
            systemd.kill(t.id(), "all", signal);
            return "sent";
        }, r -> r);
        return t;
    }

    @PreAuthorize("hasRole('OPERATOR')")
    public UnitAccess.Target resetFailed(String unit) {
        UnitAccess.Target t = access.operate("reset-failed", unit, null);
        audited("reset-failed", t.id(), t.auditArgs(Map.of()), () -> {
            systemd.resetFailed(t.id());
            return "done";
        }, r -> r);
        return t;
    }

    @PreAuthorize("hasRole('ADMIN')")
    public List<UnitFileChange> changeEnablement(String verb, String unit) {
        UnitAccess.Target t = access.configure(unit);
        Supplier<List<UnitFileChange>> call = switch (verb) {
            case "enable" -> () -> systemd.enable(t.id());
            case "disable" -> () -> systemd.disable(t.id());
            case "mask" -> () -> systemd.mask(t.id());
            case "unmask" -> () -> systemd.unmask(t.id());
            default -> throw new io.hostdeck.error.InvalidInputException("action", "'" + verb + "' is not enable,"
                    + " disable, mask or unmask");
        };
        return audited(verb, t.id(), t.auditArgs(Map.of()), call, changes -> changes.size() + " change(s)");
    }

    @PreAuthorize("hasRole('ADMIN')")
    public void daemonReload() {
        Scope.current().requireAll("reloading every unit file");
        audited("daemon-reload", "systemd", Map.of(), () -> {
            systemd.daemonReload();
            return "done";
        }, r -> r);
    }

    /** Sets limits on the unit systemd resolves the name to; returns that unit's name. */
    @PreAuthorize("hasRole('ADMIN')")
    public String setLimits(String unit, boolean runtime, List<UnitSetting> settings) {
        UnitAccess.Target t = access.configure(unit);
        Map<String, String> args = settings.stream().collect(Collectors.toMap(UnitSetting::property,
                s -> s.value() == UnitSetting.INFINITY ? "infinity" : Long.toString(s.value()), (a, b) -> b,
                java.util.TreeMap::new));
        args.put("mode", runtime ? "runtime" : "persistent");
        audited("set-limits", t.id(), t.auditArgs(args), () -> {
            systemd.setProperties(t.id(), runtime, settings);
            cgroups.limitsChangedOf(t.id()); // the cgroup pages show the new limits at the next tick
            return "done";
        }, r -> r);
        return t.id();
    }

    /**
     * Writes a new unit file, reloads systemd, then enables and starts it if asked. The file is
     * written only after every field was checked; if systemd then refuses to start it, the file
     * stays (the user sees why and can fix or delete it). For admins over every unit only: a unit
     * runs whatever it says as whoever it says, so a grant limited to units would be no limit.
     */
    @PreAuthorize("hasRole('ADMIN')")
    public JobOutcome create(UnitName name, ServiceSpec spec, boolean enable, boolean start) {
        Scope.current().requireAll("creating a unit");
        String unit = name.name();
        if (!"not-found".equals(systemd.identify(unit).loadState())) {
            throw new io.hostdeck.error.ConflictException(unit + " exists already (a unit, or another name of one):"
                    + " edit it instead");
        }
        return audited("create", unit, Map.of("enable", Boolean.toString(enable), "start", Boolean.toString(start),
                "ExecStart", String.join(" ", spec.execStart())), () -> {
                    unitFiles.create(unit, UnitFileText.unitFile(spec));
                    systemd.daemonReload();
                    if (enable) {
                        systemd.enable(unit);
                    }
                    return start ? systemd.run(UnitAction.START, unit) : null;
                }, outcome -> outcome == null ? "written" : "written, start " + outcome.result());
    }

    /**
     * Writes the override drop-in ({@code systemctl edit}) of the unit systemd resolves the name to,
     * and reloads systemd; returns that unit's name. A grant limited to units may not change what
     * the unit runs or as whom (ExecStart, User): that would run any command as root.
     */
    @PreAuthorize("hasRole('ADMIN')")
    public String edit(UnitName name, ServiceSpec spec) {
        UnitAccess.Target t = access.configure(name.name());
        if (!Scope.current().all()) {
            var now = systemd.unit(t.id());
            String command = now.execStart().isEmpty() ? "" : now.execStart().get(0);
            if (!String.join(" ", spec.execStart()).equals(command) || !spec.user().equals(now.user())) {
                audit.record("edit", t.id(), t.auditArgs(Map.of("ExecStart", String.join(" ", spec.execStart()))),
                        "refused: a limited grant changed ExecStart or User");
                throw new io.hostdeck.error.RefusedException("A grant limited to units may change " + t.id()
                        + "'s limits, restart policy and description, not what it runs or as whom (ExecStart, User):"
                        + " ask an admin over every unit.");
            }
        }
        audited("edit", t.id(), t.auditArgs(Map.of("ExecStart", String.join(" ", spec.execStart()))), () -> {
            unitFiles.writeOverride(t.id(), UnitFileText.override(spec));
            systemd.daemonReload();
            return "written";
        }, r -> r);
        return t.id();
    }

    /** Stops, disables and removes a unit Hostdeck created, then reloads systemd (admins over every unit). */
    @PreAuthorize("hasRole('ADMIN')")
    public void delete(UnitName name) {
        Scope.current().requireAll("deleting a unit");
        UnitAccess.Target t = access.configure(name.name());
        if (t.id().equals(name.name()) == false) {
            throw new io.hostdeck.error.ConflictException(name.name() + " is another name of " + t.id()
                    + ": delete " + t.id() + " itself, if Hostdeck created it");
        }
        String unit = t.id();
        audited("delete", unit, Map.of(), () -> {
            if (unitFiles.read(unit).filter(text -> text.startsWith(UnitFileStore.CREATED_MARK)).isEmpty()) {
                throw new io.hostdeck.error.ConflictException(unit + " was not created by Hostdeck: it is not"
                        + " Hostdeck's to delete");
            }
            systemd.run(UnitAction.STOP, unit);
            systemd.disable(unit);
            unitFiles.delete(unit);
            systemd.daemonReload();
            return "deleted";
        }, r -> r);
    }

    private <T> T audited(String action, String target, Map<String, String> args, Supplier<T> call,
            java.util.function.Function<T, String> outcome) {
        T result;
        try {
            result = call.get();
        } catch (RuntimeException e) {
            audit.record(action, target, args, "error: " + e.getMessage());
            throw e;
        }
        audit.record(action, target, args, outcome.apply(result));
        return result;
    }
}
