package io.hostdeck.services;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

import io.hostdeck.services.unitfile.UnitName;
import io.hostdeck.cgroups.CgroupSampler;
import io.hostdeck.host.Reading;
import io.hostdeck.host.cgroupfs.CgroupFs;
import io.hostdeck.host.journal.Journal;
import io.hostdeck.security.Scope;
import io.hostdeck.security.UnitAccess;
import io.hostdeck.host.procfs.ProcFs;
import io.hostdeck.host.systemd.Systemd;
import io.hostdeck.host.systemd.UnitDetails;
import io.hostdeck.host.unitfiles.UnitFileStore;

/** Reading only: the list and one unit. Changes go through {@link ServiceActionsController}. */
@Controller
@RequestMapping("/services")
class ServicesController {

    static final int JOURNAL_LINES = 15;

    private final ServiceCatalog catalog;
    private final Systemd systemd;
    private final CgroupFs cgroups;
    private final ProcFs procFs;
    private final Journal journal;
    private final UnitFileStore unitFiles;
    private final CgroupSampler sampler;
    private final UnitAccess access;

    ServicesController(ServiceCatalog catalog, Systemd systemd, CgroupFs cgroups, ProcFs procFs, Journal journal,
            UnitFileStore unitFiles, CgroupSampler sampler, UnitAccess access) {
        this.access = access;
        this.unitFiles = unitFiles;
        this.sampler = sampler;
        this.catalog = catalog;
        this.systemd = systemd;
        this.cgroups = cgroups;
        this.procFs = procFs;
        this.journal = journal;
    }

    @GetMapping
    String list(@RequestParam(required = false) String type, @RequestParam(required = false) String state,
            @RequestParam(required = false) String q, Model model) {
        ServiceListQuery query = ServiceListQuery.of(type, state, q);
        model.addAttribute("query", query);
        model.addAttribute("types", ServiceListQuery.TYPES);
        model.addAttribute("states", ServiceListQuery.STATES);
        Scope scope = Scope.current();
        model.addAttribute("rows", Reading.of(() -> catalog.list(query, scope)));
        model.addAttribute("unitFilesPending", Reading.of(() -> systemd.unitFilesIfListed().isEmpty()).value() == Boolean.TRUE);
        return "services/list";
    }

    @GetMapping("/{unit}")
    String detail(@PathVariable String unit, Model model) {
        String name = access.read(UnitName.of("unit", unit).name());
        UnitDetails details = systemd.unit(name);
        model.addAttribute("unit", details);
        model.addAttribute("processes", cgroups.processes(details.controlGroup()).stream()
                .map(pid -> new ProcessRow(pid, procFs.commandLine(pid).orElse("")))
                .toList());
        model.addAttribute("journal", Reading.of(() -> journal.tail(name, JOURNAL_LINES)));
        model.addAttribute("limits", LimitsView.of(details.limits()));
        model.addAttribute("usage", details.controlGroup().isEmpty() ? null : sampler.latest().get(details.controlGroup()));
        model.addAttribute("fragmentText", unitFiles.readUnitText(details.fragmentPath()).orElse(null));
        model.addAttribute("dropIns", details.dropInPaths().stream()
                .map(p -> new DropIn(p, unitFiles.readUnitText(p).orElse(""))).toList());
        model.addAttribute("signals", ServiceActions.SIGNALS.keySet().stream().sorted().toList());
        model.addAttribute("operable", UnitAccess.OPERATOR_TYPES.contains(details.type()));
        model.addAttribute("power", Reading.of(() -> UnitAccess.power(systemd.identify(name))).value());
        return "services/detail";
    }

    record ProcessRow(long pid, String command) {
    }

    record DropIn(String path, String text) {
    }
}
