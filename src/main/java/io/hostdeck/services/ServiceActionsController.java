package io.hostdeck.services;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import io.hostdeck.services.unitfile.UnitName;
import io.hostdeck.error.InvalidInputException;
import io.hostdeck.host.systemd.JobOutcome;
import io.hostdeck.host.systemd.UnitAction;
import io.hostdeck.host.systemd.UnitFileChange;
import io.hostdeck.host.systemd.UnitSetting;
import io.hostdeck.web.Flash;

/**
 * The service actions: each a POST with the CSRF token, answered with a redirect back to the
 * unit and a message that reports systemd's real result.
 */
@Controller
@RequestMapping("/services")
class ServiceActionsController {

    private final ServiceActions actions;
    private final io.hostdeck.host.systemd.Systemd systemd;

    ServiceActionsController(ServiceActions actions, io.hostdeck.host.systemd.Systemd systemd) {
        this.actions = actions;
        this.systemd = systemd;
    }

    @PostMapping("/{unit}/{action:start|stop|restart|reload|try-restart}")
    String run(@PathVariable String unit, @PathVariable String action, @RequestParam(required = false) String confirm,
            RedirectAttributes redirect) {
        String name = UnitName.of("unit", unit).name();
        UnitAction a = UnitAction.valueOf(action.toUpperCase(Locale.ROOT).replace('-', '_'));
        JobOutcome outcome = actions.run(a, name, confirm);
        Flash flash = flashOf(a, outcome);
        if (outcome.done() && (a == UnitAction.START || a == UnitAction.RESTART)) {
            flash = stateAfter(a, outcome.unit(), flash);
        }
        redirect.addFlashAttribute("flash", flash);
        return back(outcome.unit());
    }

    @PostMapping("/{unit}/kill")
    String kill(@PathVariable String unit, @RequestParam(defaultValue = "") String signal,
            @RequestParam(required = false) String confirm, RedirectAttributes redirect) {
        String name = UnitName.of("unit", unit).name();
        String id = actions.kill(name, signal, confirm).id();
        redirect.addFlashAttribute("flash", Flash.ok("Sent " + signal + " to the processes of " + id + "."));
        return back(id);
    }

    @PostMapping("/{unit}/reset-failed")
    String resetFailed(@PathVariable String unit, RedirectAttributes redirect) {
        String name = UnitName.of("unit", unit).name();
        String id = actions.resetFailed(name).id();
        redirect.addFlashAttribute("flash", Flash.ok("Reset the failed state of " + id + "."));
        return back(id);
    }

    @PostMapping("/{unit}/{verb:enable|disable|mask|unmask}")
    String enablement(@PathVariable String unit, @PathVariable String verb, RedirectAttributes redirect) {
        String name = UnitName.of("unit", unit).name();
        List<UnitFileChange> changes = actions.changeEnablement(verb, name);
        redirect.addFlashAttribute("flash", Flash.ok(pastTense(verb) + " " + name + ": "
                + (changes.isEmpty() ? "nothing to change." : changes.size() + " link(s) changed.")));
        return back(name);
    }

    @PostMapping("/daemon-reload")
    String daemonReload(RedirectAttributes redirect) {
        actions.daemonReload();
        redirect.addFlashAttribute("flash", Flash.ok("systemd re-read every unit file."));
        return "redirect:/services";
    }

    @PostMapping("/{unit}/limits")
    String limits(@PathVariable String unit, @RequestParam Map<String, String> form, RedirectAttributes redirect) {
        String name = UnitName.of("unit", unit).name();
        String mode = form.getOrDefault("mode", "runtime");
        if (!mode.equals("runtime") && !mode.equals("persistent")) {
            throw new InvalidInputException("mode", "'" + mode + "' is neither runtime nor persistent");
        }
        List<UnitSetting> settings = LimitsForm.parse(form);
        if (settings.isEmpty()) {
            throw new InvalidInputException("limits", "no limit given: fill at least one field");
        }
        String id = actions.setLimits(name, mode.equals("runtime"), settings);
        redirect.addFlashAttribute("flash", Flash.ok("Set " + settings.size() + " limit(s) on " + id
                + (mode.equals("runtime") ? " until the next reboot." : ", kept across reboots.")));
        return back(id);
    }

    private static String back(String unit) {
        return "redirect:/services/" + unit;
    }

    /**
     * An honest start: systemd's job is done once the process is forked, and a command that dies at
     * once fails a moment later. The unit's state a little after the job says which it was.
     */
    private Flash stateAfter(UnitAction a, String name, Flash done) {
        io.hostdeck.host.systemd.UnitDetails after = null;
        for (int i = 0; i < 3; i++) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            after = io.hostdeck.host.Reading.of(() -> systemd.unit(name)).value();
            if (after == null || !List.of("active", "activating", "reloading").contains(after.activeState())) {
                break;
            }
        }
        if (after == null) {
            return done;
        }
        String state = after.activeState() + " (" + after.subState() + ")";
        if (List.of("active", "activating", "reloading").contains(after.activeState())) {
            return Flash.ok(pastTense(a.label()) + " " + name + ": " + state + ".");
        }
        String why = after.result().isEmpty() || after.result().equals("success") ? ""
                : ", result " + after.result() + (after.exitStatus().isEmpty() ? "" : " (" + after.exitStatus() + ")");
        return Flash.error(pastTense(a.label()) + " " + name + ", but it stopped at once: " + state + why
                + ". Its log below says why.");
    }

    /** The message the next page shows after a job: systemd's real result, in words. */
    static Flash flashOf(UnitAction action, JobOutcome outcome) {
        String verb = pastTense(action.label());
        return switch (outcome.result()) {
            case "done" -> Flash.ok(verb + " " + outcome.unit() + ".");
            case "failed" -> Flash.error(action.label() + " " + outcome.unit()
                    + " failed: systemd reported the job as failed; its log below says why.");
            case "dependency" -> Flash.error(action.label() + " " + outcome.unit()
                    + " failed: a unit it depends on failed.");
            case "timeout" -> Flash.error(action.label() + " " + outcome.unit() + " timed out.");
            case "canceled" -> Flash.error(action.label() + " " + outcome.unit()
                    + " was canceled by a later job.");
            case "skipped" -> Flash.ok(action.label() + " " + outcome.unit() + " skipped: nothing to do in its state.");
            default -> Flash.error(action.label() + " " + outcome.unit() + ": " + outcome.result());
        };
    }

    static String pastTense(String verb) {
        return switch (verb) {
            case "start" -> "Started";
            case "stop" -> "Stopped";
            case "restart" -> "Restarted";
            case "reload" -> "Reloaded";
            case "try-restart" -> "Restarted (if running)";
            case "enable" -> "Enabled";
            case "disable" -> "Disabled";
            case "mask" -> "Masked";
            case "unmask" -> "Unmasked";
            default -> verb;
        };
    }
}
