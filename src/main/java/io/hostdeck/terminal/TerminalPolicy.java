package io.hostdeck.terminal;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.stereotype.Component;

import io.hostdeck.security.Role;
import io.hostdeck.security.Scope;

/**
 * Who may open a terminal: a role among {@code hostdeck.terminal.roles}, with a grant over every
 * unit (a shell reaches everything, so a grant limited to some units never may). Named for
 * {@code @PreAuthorize("@terminalPolicy.allows(authentication)")}.
 */
@Component("terminalPolicy")
public class TerminalPolicy {

    private final TerminalSettings settings;

    TerminalPolicy(TerminalSettings settings) {
        this.settings = settings;
    }

    public boolean allows(Authentication auth) {
        return refusal(auth) == null;
    }

    /** Why {@code auth} may not open a terminal, in words for the page; null when it may. */
    public String refusal(Authentication auth) {
        if (auth == null || !auth.isAuthenticated()) {
            return "terminals are for logged-in users";
        }
        Role role = Role.highest(auth.getAuthorities().stream().map(GrantedAuthority::getAuthority).toList()).orElse(null);
        if (role == null || !settings.roles().contains(role)) {
            return "terminals are for the roles " + settings.roles() + " (hostdeck.terminal.roles); yours is "
                    + (role == null ? "none" : role);
        }
        Scope scope = Scope.of(auth);
        if (!scope.all()) {
            return "terminals are for grants over every unit; yours is limited to " + String.join(", ", scope.patterns());
        }
        return null;
    }
}
