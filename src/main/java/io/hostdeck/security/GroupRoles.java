package io.hostdeck.security;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** Which Linux group gives which role; an account in several gets the highest. */
@Component
class GroupRoles {

    private final String admin;
    private final String operator;
    private final String viewer;

    GroupRoles(@Value("${hostdeck.roles.admin-group:hostdeck-admin}") String admin,
            @Value("${hostdeck.roles.operator-group:hostdeck-operator}") String operator,
            @Value("${hostdeck.roles.viewer-group:hostdeck-viewer}") String viewer) {
        this.admin = admin;
        this.operator = operator;
        this.viewer = viewer;
    }

    Optional<Role> roleOf(Set<String> groups) {
        if (groups.contains(admin)) {
            return Optional.of(Role.ADMIN);
        }
        if (groups.contains(operator)) {
            return Optional.of(Role.OPERATOR);
        }
        return groups.contains(viewer) ? Optional.of(Role.VIEWER) : Optional.empty();
    }

    List<String> groups() {
        return List.of(admin, operator, viewer);
    }
}
