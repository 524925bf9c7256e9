package io.hostdeck.services;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import io.hostdeck.error.InvalidInputException;
import io.hostdeck.host.systemd.JobOutcome;
import io.hostdeck.host.systemd.Systemd;
import io.hostdeck.host.systemd.UnitDetails;
import io.hostdeck.services.unitfile.ServiceSpec;
import io.hostdeck.services.unitfile.UnitFileText;
import io.hostdeck.services.unitfile.UnitName;
import io.hostdeck.web.Flash;

/**
 * New services from a form, edits as override drop-ins, and deleting what Hostdeck created.
 * Each form first shows a preview of the exact text to be written; a bad field sends the form
 * back with a 400 that names it, and nothing is written.
 */
@Controller
@RequestMapping("/services")
class UnitFileController {

    static final String NAME = "Name";

    private final ServiceActions actions;
    private final Systemd systemd;
    private final io.hostdeck.security.UnitAccess access;

    UnitFileController(ServiceActions actions, Systemd systemd, io.hostdeck.security.UnitAccess access) {
        this.access = access;
        this.actions = actions;
        this.systemd = systemd;
    }

    @GetMapping("/new")
    String newForm(Model model) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(ServiceSpec.TYPE, "simple");
        values.put(ServiceSpec.RESTART, "on-failure");
        values.put(ServiceSpec.WANTED_BY, "multi-user.target");
        return form(model, values, null, null, "new");
    }

    @PostMapping("/new")
    ModelAndView create(@RequestParam Map<String, String> form, @RequestParam(defaultValue = "preview") String step,
            RedirectAttributes redirect) {
        ModelAndView mv = new ModelAndView("services/unit-form");
        try {
            UnitName name = UnitName.service(NAME, form.get(NAME));
            ServiceSpec spec = ServiceSpec.validate(form);
            if (!"create".equals(step)) {
                return preview(mv, form, UnitFileText.unitFile(spec), "new");
            }
            JobOutcome started = actions.create(name, spec, form.containsKey("enable"), form.containsKey("start"));
            redirect.addFlashAttribute("flash", started == null || started.done()
                    ? Flash.ok("Created " + name.name() + (started == null ? "." : " and started it."))
                    : Flash.error("Created " + name.name() + ", but starting it "
                            + started.result() + ": its log below says why."));
            return new ModelAndView("redirect:/services/" + name.name());
        } catch (InvalidInputException e) {
            return invalid(mv, form, e, "new");
        }
    }

    @GetMapping("/{unit}/edit")
    String editForm(@PathVariable String unit, Model model) {
        UnitDetails u = systemd.unit(access.read(UnitName.of("unit", unit).name()));
        Map<String, String> values = new LinkedHashMap<>();
        values.put(NAME, u.name());
        values.put(ServiceSpec.DESCRIPTION, u.description());
        values.put(ServiceSpec.EXEC_START, u.execStart().isEmpty() ? "" : u.execStart().get(0));
        values.put(ServiceSpec.RESTART, u.restart());
        // what the override must not change by accident: the form starts from the unit's own
        values.put(ServiceSpec.TYPE, u.serviceType().isEmpty() ? "simple" : u.serviceType());
        values.put(ServiceSpec.USER, u.user());
        values.put(ServiceSpec.WANTED_BY, "multi-user.target");
        return form(model, values, null, null, "edit");
    }

    @PostMapping("/{unit}/edit")
    ModelAndView edit(@PathVariable String unit, @RequestParam Map<String, String> form,
            @RequestParam(defaultValue = "preview") String step, RedirectAttributes redirect) {
        UnitName name = UnitName.of("unit", unit);
        Map<String, String> values = new LinkedHashMap<>(form);
        values.put(NAME, name.name());
        ModelAndView mv = new ModelAndView("services/unit-form");
        try {
            ServiceSpec spec = ServiceSpec.validate(form);
            if (!"save".equals(step)) {
                return preview(mv, values, UnitFileText.override(spec), "edit");
            }
            String id = actions.edit(name, spec);
            redirect.addFlashAttribute("flash", Flash.ok("Saved an override for " + id
                    + "; restart it for the change to take effect."));
            return new ModelAndView("redirect:/services/" + id);
        } catch (InvalidInputException e) {
            return invalid(mv, values, e, "edit");
        }
    }

    @PostMapping("/{unit}/delete")
    String delete(@PathVariable String unit, RedirectAttributes redirect) {
        UnitName name = UnitName.of("unit", unit);
        actions.delete(name);
        redirect.addFlashAttribute("flash", Flash.ok("Stopped, disabled and deleted " + name.name() + "."));
        return "redirect:/services";
    }

    private String form(Model model, Map<String, String> values, String preview, InvalidInputException error, String mode) {
        model.addAttribute("values", values);
        model.addAttribute("preview", preview);
        model.addAttribute("problem", error);
        model.addAttribute("mode", mode);
        model.addAttribute("types", ServiceSpec.TYPES);
        model.addAttribute("restarts", ServiceSpec.RESTARTS);
        return "services/unit-form";
    }

    private static ModelAndView preview(ModelAndView mv, Map<String, String> values, String text, String mode) {
        fill(mv, values, mode);
        mv.addObject("preview", text);
        return mv;
    }

    private static ModelAndView invalid(ModelAndView mv, Map<String, String> values, InvalidInputException e, String mode) {
        fill(mv, values, mode);
        mv.addObject("problem", e);
        mv.setStatus(HttpStatus.BAD_REQUEST);
        return mv;
    }

    private static void fill(ModelAndView mv, Map<String, String> values, String mode) {
        mv.addObject("values", values);
        mv.addObject("mode", mode);
        mv.addObject("types", ServiceSpec.TYPES);
        mv.addObject("restarts", ServiceSpec.RESTARTS);
    }
}
