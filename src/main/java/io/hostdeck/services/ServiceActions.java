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

    ServiceActions(Systemd systemd, UnitFileStore unitFiles, AuditLog audit, CgroupReader cgroups) {
        this.systemd = systemd;
        this.unitFiles = unitFiles;
        this.audit = audit;
        this.cgroups = cgroups;
    }

    @PreAuthorize("hasRole('OPERATOR')")
    public JobOutcome run(UnitAction action, String unit) {
        Scope.current().require(unit);
        return audited(action.label(), unit, Map.of(), () -> systemd.run(action, unit), JobOutcome::result);
    }

    @PreAuthorize("hasRole('OPERATOR')")
    public void kill(String unit, String signalName) {
        Scope.current().require(unit);
        Integer signal = SIGNALS.get(signalName);
        if (signal == null) {
            throw new io.hostdeck.error.InvalidInputException("signal", "'" + signalName + "' is not one of " + SIGNALS.keySet());
        }
        audited("kill", unit, Map.of("signal", signalName), () -> {
            systemd.kill(unit, "all", signal);
            return "sent";
        }, r -> r);
    }

    @PreAuthorize("hasRole('OPERATOR')")
    public void resetFailed(String unit) {
        Scope.current().require(unit);
        audited("reset-failed", unit, Map.of(), () -> {
            systemd.resetFailed(unit);
            return "done";
        }, r -> r);
    }

    @PreAuthorize("hasRole('ADMIN')")
    public List<UnitFileChange> changeEnablement(String verb, String unit) {
        Scope.current().require(unit);
        Supplier<List<UnitFileChange>> call = switch (verb) {
            case "enable" -> () -> systemd.enable(unit);
            case "disable" -> () -> systemd.disable(unit);
            case "mask" -> () -> systemd.mask(unit);
            case "unmask" -> () -> systemd.unmask(unit);
            default -> throw new io.hostdeck.error.InvalidInputException("action", "'" + verb + "' is not enable,"
                    + " disable, mask or unmask");
        };
        return audited(verb, unit, Map.of(), call, changes -> changes.size() + " change(s)");
    }

    @PreAuthorize("hasRole('ADMIN')")
    public void daemonReload() {
        Scope.current().requireAll("reloading every unit file");
        audited("daemon-reload", "systemd", Map.of(), () -> {
            systemd.daemonReload();
            return "done";
        }, r -> r);
    }

    @PreAuthorize("hasRole('ADMIN')")
    public void setLimits(String unit, boolean runtime, List<UnitSetting> settings) {
        Scope.current().require(unit);
        Map<String, String> args = settings.stream().collect(Collectors.toMap(UnitSetting::property,
                s -> s.value() == UnitSetting.INFINITY ? "infinity" : Long.toString(s.value()), (a, b) -> b,
                java.util.TreeMap::new));
        args.put("mode", runtime ? "runtime" : "persistent");
        audited("set-limits", unit, args, () -> {
            systemd.setProperties(unit, runtime, settings);
            cgroups.limitsChangedOf(unit); // the cgroup pages show the new limits at the next tick
            return "done";
        }, r -> r);
    }

    /**
     * Writes a new unit file, reloads systemd, then enables and starts it if asked. The file is
     * written only after every field was checked; if systemd then refuses to start it, the file
     * stays (the user sees why and can fix or delete it).
     */
    @PreAuthorize("hasRole('ADMIN')")
    public JobOutcome create(UnitName name, ServiceSpec spec, boolean enable, boolean start) {
        Scope.current().require(name.name());
        String unit = name.name();
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

    /** Writes the override drop-in ({@code systemctl edit}) and reloads systemd. */
    @PreAuthorize("hasRole('ADMIN')")
    public void edit(UnitName name, ServiceSpec spec) {
        Scope.current().require(name.name());
        String unit = name.name();
        audited("edit", unit, Map.of("ExecStart", String.join(" ", spec.execStart())), () -> {
            unitFiles.writeOverride(unit, UnitFileText.override(spec));
            systemd.daemonReload();
            return "written";
        }, r -> r);
    }

    /** Stops, disables and removes a unit Hostdeck created, then reloads systemd. */
    @PreAuthorize("hasRole('ADMIN')")
    public void delete(UnitName name) {
        Scope.current().require(name.name());
        String unit = name.name();
        audited("delete", unit, Map.of(), () -> {
            if (unitFiles.read(unit).filter(t -> t.startsWith(UnitFileText.CREATED_MARK)).isEmpty()) {
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
