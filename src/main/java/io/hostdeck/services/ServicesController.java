package io.hostdeck.services;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

import io.hostdeck.cgroups.CgroupSampler;
import io.hostdeck.host.Reading;
import io.hostdeck.host.journal.Journal;
import io.hostdeck.host.systemd.Systemd;
import io.hostdeck.host.systemd.UnitDetails;
import io.hostdeck.security.UnitAccess;
import io.hostdeck.web.Paging;

/** Reading only: the list and one unit. Changes go through {@link ServiceActionsController}. */
@Controller
@RequestMapping("/services")
class ServicesController {

    static final int JOURNAL_LINES = 15;

    private final ServiceQueries queries;
    private final Systemd systemd;
    private final Journal journal;
    private final CgroupSampler sampler;

    ServicesController(ServiceQueries queries, Systemd systemd, Journal journal, CgroupSampler sampler) {
        this.queries = queries;
        this.systemd = systemd;
        this.journal = journal;
        this.sampler = sampler;
    }

    @GetMapping
    String list(@RequestParam(required = false) String type, @RequestParam(required = false) String state,
            @RequestParam(required = false) String q, @RequestParam(required = false) String sort,
            @RequestParam(required = false) String page, @RequestParam(required = false) String size, Model model) {
        ServiceListQuery query = ServiceListQuery.of(type, state, q, sort);
        Paging paging = Paging.of(page, size);
        model.addAttribute("query", query);
        model.addAttribute("paging", paging);
        model.addAttribute("types", ServiceListQuery.TYPES);
        model.addAttribute("states", ServiceListQuery.STATES);
        model.addAttribute("columns", ServiceListQuery.COLUMNS);
        model.addAttribute("rows", Reading.of(() -> paging.of(query.sorted(queries.list(query)))
                .links(n -> query.pageLink(paging, n))));
        model.addAttribute("unitFilesPending", Reading.of(() -> systemd.unitFilesIfListed().isEmpty()).value() == Boolean.TRUE);
        return "services/list";
    }

    @GetMapping("/{unit}")
    String detail(@PathVariable String unit, Model model) {
        String name = queries.readable(unit);
        ServiceQueries.UnitView view = queries.detail(name);
        UnitDetails details = view.unit();
        model.addAttribute("unit", details);
        model.addAttribute("processes", view.processes());
        model.addAttribute("journal", Reading.of(() -> journal.tail(name, JOURNAL_LINES)));
        model.addAttribute("limits", view.limits());
        model.addAttribute("usage", details.controlGroup().isEmpty() ? null : sampler.latest().get(details.controlGroup()));
        model.addAttribute("fragmentText", view.fragmentText());
        model.addAttribute("dropIns", view.dropIns());
        model.addAttribute("signals", ServiceActions.SIGNALS.keySet().stream().sorted().toList());
        model.addAttribute("operable", UnitAccess.OPERATOR_TYPES.contains(details.type()));
        model.addAttribute("power", Reading.of(() -> UnitAccess.power(systemd.identify(name))).value());
        return "services/detail";
    }
}
