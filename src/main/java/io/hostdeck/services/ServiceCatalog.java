package io.hostdeck.services;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.stereotype.Service;

import io.hostdeck.cgroups.CgroupRates;
import io.hostdeck.cgroups.CgroupSampler;
import io.hostdeck.host.systemd.Systemd;
import io.hostdeck.host.systemd.UnitFacts;
import io.hostdeck.host.systemd.UnitFile;
import io.hostdeck.host.systemd.UnitSummary;

/**
 * The services list: loaded units (ListUnits) and installed files systemd has not loaded
 * (ListUnitFiles), in one pass, with CPU, memory and tasks from the cgroup sampler's last tick
 * (no extra reads of the host).
 */
@Service
class ServiceCatalog {

    private final Systemd systemd;
    private final CgroupSampler sampler;

    ServiceCatalog(Systemd systemd, CgroupSampler sampler) {
        this.systemd = systemd;
        this.sampler = sampler;
    }

    /** The sampler's latest numbers by unit name: a unit's cgroup is named after it, wherever its slice is. */
    private Map<String, CgroupRates> byUnit() {
        Map<String, CgroupRates> units = new HashMap<>();
        for (CgroupRates r : sampler.latest().values()) {
            String last = r.path().substring(r.path().lastIndexOf('/') + 1);
            if (last.indexOf('.') > 0) {
                units.putIfAbsent(last, r);
            }
        }
        return units;
    }

    List<UnitRow> list(ServiceListQuery query) {
        List<UnitSummary> units = systemd.listUnits();
        // on a big host the first listing of unit files takes systemd seconds: show the loaded units now
        List<UnitFile> files = systemd.unitFilesIfListed().orElse(List.of());
        Map<String, CgroupRates> usage = byUnit();
        Map<String, UnitFacts> facts = systemd.unitFacts(units.stream().map(UnitSummary::name).toList());
        Map<String, String> enablement = new HashMap<>(files.size() * 2);
        for (UnitFile f : files) {
            enablement.putIfAbsent(f.name(), f.state());
        }
        List<UnitRow> rows = new ArrayList<>(units.size() + files.size());
        Set<String> seen = new HashSet<>(units.size() * 2);
        for (UnitSummary u : units) {
            seen.add(u.name());
            CgroupRates use = usage.get(u.name());
            UnitFacts f = facts.get(u.name());
            rows.add(new UnitRow(u.name(), u.description(), u.loadState(), u.activeState(), u.subState(),
                    enablement.getOrDefault(u.name(), ""), f == null ? null : f.mainPid(), f == null ? null : f.since(),
                    use == null ? null : use.cpuPercent(), use == null ? null : use.memoryBytes(),
                    use == null ? null : use.tasks(), true));
        }
        for (UnitFile f : files) {
            if (seen.add(f.name())) {
                rows.add(new UnitRow(f.name(), "", "", "", "", f.state(), null, null, null, null, null, false));
            }
        }
        rows.removeIf(r -> !query.matches(r));
        rows.sort(Comparator.comparing(UnitRow::name));
        return rows;
    }

    /**
     * The list as {@code scope} may see it: its units only, and no alias file (its name may match
     * the scope's pattern while the unit it names does not).
     */
    List<UnitRow> list(ServiceListQuery query, io.hostdeck.security.Scope scope) {
        return list(query).stream()
                .filter(r -> scope.all() || (scope.allows(r.name()) && !"alias".equals(r.enablement())))
                .toList();
    }
}
