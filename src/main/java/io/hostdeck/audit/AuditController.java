package io.hostdeck.audit;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.Predicate;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

import io.hostdeck.error.InvalidInputException;
import io.hostdeck.web.Units;

/** The audit trail (ADMIN), newest first, every filter in the URL. */
@Controller
class AuditController {

    static final int LIMIT = 500;

    private final AuditLog audit;
    private final Units units;

    /** @param units knows the target host's time zone: the trail's times are shown and read in it */
    AuditController(AuditLog audit, Units units) {
        this.audit = audit;
        this.units = units;
    }

    @GetMapping("/audit")
    String audit(@RequestParam(defaultValue = "") String user, @RequestParam(defaultValue = "") String action,
            @RequestParam(defaultValue = "") String target, @RequestParam(defaultValue = "") String result,
            @RequestParam(defaultValue = "") String since, Model model) {
        io.hostdeck.security.Scope.current().requireAll("the audit trail");
        ZoneId zone = units.zoneId();
        List<AuditLog.Entry> entries = audit.recent(LIMIT, filter(user, action, target, result, since, zone));
        model.addAttribute("entries", entries);
        model.addAttribute("limit", LIMIT);
        model.addAttribute("f", new Filters(user, action, target, result, since));
        model.addAttribute("zone", zone);
        return "audit/list";
    }

    record Filters(String user, String action, String target, String result, String since) {
    }

    /** The trail's filters, each checked: a bad one is a 400 naming it. */
    static Predicate<AuditLog.Entry> filter(String user, String action, String target, String result, String since,
            ZoneId zone) {
        check("user", user);
        check("action", action);
        check("target", target);
        if (!result.isEmpty() && !result.equals("ok") && !result.equals("failed")) {
            throw new InvalidInputException("result", "is 'ok' or 'failed', not '" + result + "'");
        }
        Instant from = since.isEmpty() ? Instant.EPOCH : instant(since, zone);
        return e -> (user.isEmpty() || e.user().equals(user))
                && (action.isEmpty() || e.action().equals(action))
                && (target.isEmpty() || e.target().contains(target))
                && (result.isEmpty() || e.failed() == result.equals("failed"))
                && !e.at().isBefore(from);
    }

    private static void check(String field, String value) {
        if (value.length() > 256) {
            throw new InvalidInputException(field, "is " + value.length() + " characters long, at most 256");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new InvalidInputException(field, "holds a control character (code " + (int) value.charAt(i) + ")");
            }
        }
    }

    /** "2026-11-29" or "2026-11-29T08:30", in the host's time zone, as the trail shows its times. */
    private static Instant instant(String since, ZoneId zone) {
        try {
            if (since.length() == 10) {
                return LocalDate.parse(since).atStartOfDay(zone).toInstant();
            }
            return LocalDateTime.parse(since).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidInputException("since", "'" + since + "' is not a date (2026-11-29) or a time (2026-11-29T08:30)");
        }
    }
}
