package io.hostdeck.security;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Which Linux group gives which grant. The three role groups give a role over every unit; an
 * account in several gets the highest. Scoped groups ({@code hostdeck.roles.scoped.GROUP=ROLE:PATTERNS},
 * e.g. {@code hostdeck.roles.scoped.app-ops=OPERATOR:app-*.service}) give a role limited to units,
 * and count only for an account in none of the role groups; in several, the highest role over the
 * units of the groups that give it.
 */
@Component
class GroupRoles {

    /** A role, limited to unit patterns or not (empty: every unit). */
    record Grant(Role role, List<String> scope) {
    }

    private final String admin;
    private final String operator;
    private final String viewer;
    private final Map<String, Grant> scoped = new LinkedHashMap<>();

    GroupRoles(Environment env) {
        this.admin = env.getProperty("hostdeck.roles.admin-group", "hostdeck-admin");
        this.operator = env.getProperty("hostdeck.roles.operator-group", "hostdeck-operator");
        this.viewer = env.getProperty("hostdeck.roles.viewer-group", "hostdeck-viewer");
        Map<String, String> raw = Binder.get(env).bind("hostdeck.roles.scoped", Bindable.mapOf(String.class, String.class))
                .orElse(Map.of());
        raw.forEach((group, value) -> scoped.put(group, parse(group, value)));
    }

    private static Grant parse(String group, String value) {
        int colon = value.indexOf(':');
        Optional<Role> role = colon < 0 ? Optional.empty() : Role.parse(value.substring(0, colon).strip());
        List<String> patterns = new ArrayList<>();
        if (colon >= 0) {
            for (String p : value.substring(colon + 1).split(",")) {
                if (Scope.PATTERN.matcher(p.strip()).matches()) {
                    patterns.add(p.strip());
                }
            }
        }
        if (role.isEmpty() || patterns.isEmpty()) {
            throw new IllegalArgumentException("hostdeck.roles.scoped." + group + " is '" + value
                    + "', not ROLE:PATTERN[,PATTERN...] such as OPERATOR:app-*.service");
        }
        return new Grant(role.get(), List.copyOf(patterns));
    }

    Optional<Grant> grantOf(Set<String> groups) {
        if (groups.contains(admin)) {
            return Optional.of(new Grant(Role.ADMIN, List.of()));
        }
        if (groups.contains(operator)) {
            return Optional.of(new Grant(Role.OPERATOR, List.of()));
        }
        if (groups.contains(viewer)) {
            return Optional.of(new Grant(Role.VIEWER, List.of()));
        }
        // the highest scoped role, over the units of the groups that give that role (never a lower
        // role's units at the higher role)
        Role best = null;
        for (Map.Entry<String, Grant> e : scoped.entrySet()) {
            if (groups.contains(e.getKey()) && (best == null || e.getValue().role().includes(best))) {
                best = e.getValue().role();
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        List<String> patterns = new ArrayList<>();
        for (Map.Entry<String, Grant> e : scoped.entrySet()) {
            if (groups.contains(e.getKey()) && e.getValue().role() == best) {
                patterns.addAll(e.getValue().scope());
            }
        }
        return Optional.of(new Grant(best, List.copyOf(patterns)));
    }

    List<String> groups() {
        List<String> all = new ArrayList<>(List.of(admin, operator, viewer));
        all.addAll(scoped.keySet());
        return all;
    }
}
