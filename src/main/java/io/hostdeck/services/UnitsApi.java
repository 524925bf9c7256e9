package io.hostdeck.services;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.hostdeck.error.InvalidInputException;
import io.hostdeck.host.systemd.JobOutcome;
import io.hostdeck.host.systemd.UnitAction;
import io.hostdeck.host.systemd.UnitFileChange;
import io.hostdeck.host.systemd.UnitSetting;
import io.hostdeck.services.unitfile.ServiceSpec;
import io.hostdeck.services.unitfile.UnitFileText;
import io.hostdeck.services.unitfile.UnitName;
import io.hostdeck.web.JsonApi;
import io.hostdeck.web.JsonBody;
import io.hostdeck.web.Paging;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * Units over the JSON API: the same reads as the services pages and the same privileged layer
 * ({@link ServiceActions}) for every change, so roles, unit scopes and the audit trail are the pages'.
 */
@RestController
@JsonApi
@RequestMapping("/api")
@Tag(name = "units", description = "systemd units: list, detail, actions, limits, unit files")
class UnitsApi {

    static final Set<String> SPEC_FIELDS = new LinkedHashSet<>(ServiceSpec.FIELDS);
    static final Set<String> CREATE_FLAGS = Set.of("enable", "start", "dryRun");

    private final ServiceQueries queries;
    private final ServiceActions actions;

    UnitsApi(ServiceQueries queries, ServiceActions actions) {
        this.queries = queries;
        this.actions = actions;
    }

    /** A job's real result as systemd reported it; {@code ok} is false for failed, dependency, timeout, canceled. */
    record JobResult(String unit, String action, String job, String result, boolean ok) {
        static JobResult of(String action, JobOutcome o) {
            return new JobResult(o.unit(), action, o.job(), o.result(), o.done() || "skipped".equals(o.result()));
        }
    }

    record Changes(String unit, String action, List<UnitFileChange> changes) {
    }

    record Done(String unit, String action, String result) {
    }

    @GetMapping("/units")
    @Operation(summary = "Every unit and installed unit file, filtered and sorted as the services list is; with page "
            + "and size (1..1000) one page of them, the count of all in the X-Total-Count header")
    ResponseEntity<List<UnitRow>> list(@RequestParam(required = false) String type,
            @RequestParam(required = false) String state, @RequestParam(required = false) String q,
            @RequestParam(required = false) String sort, @RequestParam(required = false) String page,
            @RequestParam(required = false) String size) {
        ServiceListQuery query = ServiceListQuery.of(type, state, q, sort);
        boolean paged = Paging.asked(page, size);
        Paging paging = paged ? Paging.of(page, size) : Paging.ALL;
        Paging.Page<UnitRow> rows = paging.of(query.sorted(queries.list(query)));
        return ResponseEntity.ok().header(TOTAL_COUNT, Integer.toString(rows.total())).body(rows.rows());
    }

    /** The header that carries the count of all rows of a list the API answered a page of. */
    static final String TOTAL_COUNT = "X-Total-Count";

    @GetMapping("/units/{unit}")
    @Operation(summary = "One unit: state, properties, processes, limits, unit file and drop-ins")
    ServiceQueries.UnitView detail(@PathVariable String unit) {
        return queries.detail(queries.readable(unit));
    }

    @PostMapping("/units/{unit}/{action:start|stop|restart|reload|try-restart}")
    @Operation(summary = "Runs a job (OPERATOR); 200 when it is done or skipped, 409 with its result otherwise")
    ResponseEntity<JobResult> run(@PathVariable String unit, @PathVariable String action,
            @RequestParam(required = false) String confirm) {
        String name = UnitName.of("unit", unit).name();
        UnitAction a = UnitAction.valueOf(action.toUpperCase(Locale.ROOT).replace('-', '_'));
        JobResult r = JobResult.of(action, actions.run(a, name, confirm));
        return ResponseEntity.status(r.ok() ? HttpStatus.OK : HttpStatus.CONFLICT).body(r);
    }

    @PostMapping("/units/{unit}/kill")
    @Operation(summary = "Sends a signal to the unit's processes (OPERATOR)")
    Done kill(@PathVariable String unit, @RequestParam(defaultValue = "") String signal,
            @RequestParam(required = false) String confirm) {
        String name = UnitName.of("unit", unit).name();
        return new Done(actions.kill(name, signal, confirm).id(), "kill", "sent " + signal);
    }

    @PostMapping("/units/{unit}/reset-failed")
    @Operation(summary = "Resets the unit's failed state (OPERATOR)")
    Done resetFailed(@PathVariable String unit) {
        String name = UnitName.of("unit", unit).name();
        return new Done(actions.resetFailed(name).id(), "reset-failed", "done");
    }

    @PostMapping("/units/{unit}/{verb:enable|disable|mask|unmask}")
    @Operation(summary = "Changes the unit's enablement (ADMIN)")
    Changes enablement(@PathVariable String unit, @PathVariable String verb) {
        String name = UnitName.of("unit", unit).name();
        return new Changes(name, verb, actions.changeEnablement(verb, name));
    }

    @PostMapping("/systemd/daemon-reload")
    @Operation(summary = "Makes systemd re-read every unit file (ADMIN)")
    Done daemonReload() {
        actions.daemonReload();
        return new Done("systemd", "daemon-reload", "done");
    }

    @GetMapping("/units/{unit}/limits")
    @Operation(summary = "The unit's resource limits in systemd's syntax")
    Map<String, String> limits(@PathVariable String unit) {
        return queries.limits(queries.readable(unit));
    }

    /**
     * Sets limits in systemd's syntax, as the limits form: {"MemoryMax": "512M", "CPUQuota": "30%",
     * "mode": "runtime"|"persistent"}; absent fields stay as they are.
     */
    @PostMapping("/units/{unit}/limits")
    @Operation(summary = "Sets MemoryMax, MemoryHigh, CPUQuota, CPUWeight, TasksMax, IOWeight (ADMIN); mode runtime (default) or persistent")
    Map<String, String> setLimits(@PathVariable String unit, @RequestBody Map<String, Object> body) {
        String name = UnitName.of("unit", unit).name();
        Set<String> fields = new LinkedHashSet<>(LimitsForm.FIELDS);
        fields.add("mode");
        Map<String, String> form = JsonBody.strings(body, fields, Set.of());
        String mode = form.getOrDefault("mode", "runtime");
        if (!mode.equals("runtime") && !mode.equals("persistent")) {
            throw new InvalidInputException("mode", "'" + mode + "' is neither runtime nor persistent");
        }
        List<UnitSetting> settings = LimitsForm.parse(form);
        if (settings.isEmpty()) {
            throw new InvalidInputException("limits", "no limit given: at least one of " + LimitsForm.FIELDS);
        }
        return queries.limits(actions.setLimits(name, mode.equals("runtime"), settings));
    }

    /**
     * A new service from the fields of the new-service form ({"Name", "ExecStart", ...}), with
     * "enable" and "start" flags; "dryRun": true answers the unit file's text and writes nothing.
     */
    @PostMapping("/units")
    @Operation(summary = "Creates a service unit file (ADMIN); dryRun previews it")
    ResponseEntity<Map<String, Object>> create(@RequestBody Map<String, Object> body) {
        Set<String> fields = new LinkedHashSet<>(SPEC_FIELDS);
        fields.add(UnitFileController.NAME);
        Map<String, String> form = JsonBody.strings(body, fields, CREATE_FLAGS);
        UnitName name = UnitName.service(UnitFileController.NAME, form.get(UnitFileController.NAME));
        ServiceSpec spec = ServiceSpec.validate(form);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("unit", name.name());
        if (JsonBody.flag(body, "dryRun")) {
            out.put("unitFile", UnitFileText.unitFile(spec));
            return ResponseEntity.ok(out);
        }
        JobOutcome started = actions.create(name, spec, JsonBody.flag(body, "enable"), JsonBody.flag(body, "start"));
        out.put("created", true);
        out.put("start", started == null ? null : started.result());
        return ResponseEntity.status(HttpStatus.CREATED).body(out);
    }

    /** An override drop-in from the same fields, as {@code systemctl edit}; "dryRun" previews it. */
    @PostMapping("/units/{unit}/override")
    @Operation(summary = "Writes the unit's override drop-in (ADMIN); dryRun previews it")
    Map<String, Object> override(@PathVariable String unit, @RequestBody Map<String, Object> body) {
        UnitName name = UnitName.of("unit", unit);
        Map<String, String> form = JsonBody.strings(body, SPEC_FIELDS, Set.of("dryRun"));
        ServiceSpec spec = ServiceSpec.validate(form);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("unit", name.name());
        if (JsonBody.flag(body, "dryRun")) {
            out.put("override", UnitFileText.override(spec));
            return out;
        }
        actions.edit(name, spec);
        out.put("written", true);
        return out;
    }

    @DeleteMapping("/units/{unit}")
    @Operation(summary = "Stops, disables and removes a unit Hostdeck created (ADMIN); 409 for any other")
    Done delete(@PathVariable String unit) {
        UnitName name = UnitName.of("unit", unit);
        actions.delete(name);
        return new Done(name.name(), "delete", "deleted");
    }
}
