package io.hostdeck.services;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.stereotype.Service;

import io.hostdeck.host.cgroupfs.CgroupFs;
import io.hostdeck.host.cgroupfs.UnitUsage;
import io.hostdeck.host.systemd.Systemd;
import io.hostdeck.host.systemd.UnitFacts;
import io.hostdeck.host.systemd.UnitFile;
import io.hostdeck.host.systemd.UnitSummary;

/** The services list: loaded units (ListUnits) and installed files systemd has not loaded (ListUnitFiles), in one pass. */
@Service
class ServiceCatalog {

    private final Systemd systemd;
    private final CgroupFs cgroups;

    ServiceCatalog(Systemd systemd, CgroupFs cgroups) {
        this.systemd = systemd;
        this.cgroups = cgroups;
    }

    List<UnitRow> list(ServiceListQuery query) {
        List<UnitSummary> units = systemd.listUnits();
        List<UnitFile> files = systemd.listUnitFiles();
        Map<String, UnitUsage> usage = cgroups.unitUsage();
        Map<String, UnitFacts> facts = systemd.unitFacts(units.stream().map(UnitSummary::name).toList());
        Map<String, String> enablement = new HashMap<>(files.size() * 2);
        for (UnitFile f : files) {
            enablement.putIfAbsent(f.name(), f.state());
        }
        List<UnitRow> rows = new ArrayList<>(units.size() + files.size());
        Set<String> seen = new HashSet<>(units.size() * 2);
        for (UnitSummary u : units) {
            seen.add(u.name());
            UnitUsage use = usage.get(u.name());
            UnitFacts f = facts.get(u.name());
            rows.add(new UnitRow(u.name(), u.description(), u.loadState(), u.activeState(), u.subState(),
                    enablement.getOrDefault(u.name(), ""), f == null ? null : f.mainPid(), f == null ? null : f.since(),
                    use == null ? null : use.memoryBytes(), use == null ? null : use.tasks(), true));
        }
        for (UnitFile f : files) {
            if (seen.add(f.name())) {
                rows.add(new UnitRow(f.name(), "", "", "", "", f.state(), null, null, null, null, false));
            }
        }
        rows.removeIf(r -> !query.matches(r));
        rows.sort(Comparator.comparing(UnitRow::name));
        return rows;
    }
}
