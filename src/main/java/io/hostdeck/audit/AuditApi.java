package io.hostdeck.audit;

import java.util.List;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.hostdeck.error.InvalidInputException;
import io.hostdeck.security.Scope;
import io.hostdeck.web.JsonApi;
import io.hostdeck.web.Units;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/** The audit trail over the JSON API (ADMIN over every unit), newest first, the page's filters. */
@RestController
@JsonApi
@Tag(name = "audit", description = "who did what, newest first (admins)")
class AuditApi {

    private final AuditLog audit;
    private final Units units;

    /** @param units knows the target host's time zone, in which {@code since} is read, as on the page */
    AuditApi(AuditLog audit, Units units) {
        this.audit = audit;
        this.units = units;
    }

    @GetMapping("/api/audit")
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "The trail, newest first: user, action, target (contains), result ok|failed, since, limit (1..500)")
    List<AuditLog.Entry> trail(@RequestParam(defaultValue = "") String user, @RequestParam(defaultValue = "") String action,
            @RequestParam(defaultValue = "") String target, @RequestParam(defaultValue = "") String result,
            @RequestParam(defaultValue = "") String since, @RequestParam(defaultValue = "500") String limit) {
        Scope.current().requireAll("the audit trail");
        if (!limit.matches("\\d{1,3}") || Integer.parseInt(limit) < 1 || Integer.parseInt(limit) > AuditController.LIMIT) {
            throw new InvalidInputException("limit", "'" + (limit.length() > 20 ? limit.substring(0, 20) : limit)
                    + "' is not a number from 1 to " + AuditController.LIMIT);
        }
        return audit.recent(Integer.parseInt(limit), AuditController.filter(user, action, target, result, since,
                units.zoneId()));
    }
}
