package io.hostdeck.services;

import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import io.hostdeck.host.cgroupfs.CgroupFs;
import io.hostdeck.host.procfs.ProcFs;
import io.hostdeck.host.systemd.Systemd;
import io.hostdeck.host.systemd.UnitDetails;
import io.hostdeck.host.unitfiles.UnitFileStore;
import io.hostdeck.security.Scope;
import io.hostdeck.security.UnitAccess;
import io.hostdeck.services.unitfile.UnitName;

/**
 * What the services pages and the API read, once for both: the list (through
 * {@link ServiceCatalog}), one unit in full, its limits. A limited grant reads only its own units,
 * as systemd resolves the name: {@link #readable} decides that, before anything is read.
 */
@Component
class ServiceQueries {

    private final ServiceCatalog catalog;
    private final Systemd systemd;
    private final CgroupFs cgroups;
    private final ProcFs procFs;
    private final UnitFileStore unitFiles;
    private final UnitAccess access;

    ServiceQueries(ServiceCatalog catalog, Systemd systemd, CgroupFs cgroups, ProcFs procFs, UnitFileStore unitFiles,
            UnitAccess access) {
        this.catalog = catalog;
        this.systemd = systemd;
        this.cgroups = cgroups;
        this.procFs = procFs;
        this.unitFiles = unitFiles;
        this.access = access;
    }

    /** A process of a unit: its PID and command line. */
    record ProcessRow(long pid, String command) {
    }

    /** A drop-in of a unit: its path and text. */
    record DropIn(String path, String text) {
    }

    /** One unit in full: systemd's properties, its processes, limits in systemd's syntax, its files. */
    record UnitView(UnitDetails unit, Map<String, String> limits, List<ProcessRow> processes,
            String fragmentText, List<DropIn> dropIns) {
    }

    /** The units the request's grant sees, filtered as {@code query} says. */
    List<UnitRow> list(ServiceListQuery query) {
        return catalog.list(query, Scope.current());
    }

    /**
     * The name to read {@code unit} under, for the request's grant: any name for a grant over every
     * unit, else the resolved name of a unit in its scope (see {@link UnitAccess#read}).
     */
    String readable(String unit) {
        return access.read(UnitName.of("unit", unit).name());
    }

    /** One unit in full, by a name {@link #readable} gave. */
    UnitView detail(String name) {
        UnitDetails d = systemd.unit(name);
        List<ProcessRow> processes = cgroups.processes(d.controlGroup()).stream()
                .map(pid -> new ProcessRow(pid, procFs.commandLine(pid).orElse(""))).toList();
        return new UnitView(d, LimitsView.of(d.limits()), processes,
                unitFiles.readUnitText(d.fragmentPath()).orElse(null),
                d.dropInPaths().stream().map(p -> new DropIn(p, unitFiles.readUnitText(p).orElse(""))).toList());
    }

    /** A unit's limits in systemd's syntax, by a name {@link #readable} gave or an action answered. */
    Map<String, String> limits(String name) {
        return LimitsView.of(systemd.unit(name).limits());
    }
}
