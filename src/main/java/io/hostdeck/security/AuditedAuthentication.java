package io.hostdeck.security;

import java.time.Duration;

import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

import io.hostdeck.audit.AuditLog;

/**
 * Every login attempt passes here: refused at once while its user or address is locked out by the
 * {@link LoginThrottle}, otherwise tried by the providers (users file, then PAM); each outcome goes
 * to the audit trail with the address it came from.
 */
class AuditedAuthentication implements AuthenticationManager {

    private final AuthenticationManager providers;
    private final LoginThrottle throttle;
    private final AuditLog audit;

    AuditedAuthentication(AuthenticationManager providers, LoginThrottle throttle, AuditLog audit) {
        this.providers = providers;
        this.throttle = throttle;
        this.audit = audit;
    }

    @Override
    public Authentication authenticate(Authentication request) {
        String user = request.getName();
        String address = request.getDetails() instanceof WebAuthenticationDetails d ? d.getRemoteAddress() : "-";
        Duration wait = throttle.wait(user, address);
        if (!wait.isZero()) {
            audit.recordLogin(user, address, "refused: locked out for " + seconds(wait) + " more after repeated failures");
            throw new LockedException("Too many failed logins for this user or from this address: try again in "
                    + seconds(wait) + ".");
        }
        try {
            Authentication done = providers.authenticate(request);
            throttle.succeeded(user, address);
            String role = done.getAuthorities().stream().map(a -> a.getAuthority()).filter(a -> a.startsWith("ROLE_"))
                    .findFirst().orElse("ROLE_NONE").substring("ROLE_".length()).toLowerCase();
            Scope scope = Scope.of(done);
            audit.recordLogin(user, address, "success: " + role + (scope.all() ? "" : " of " + String.join(", ", scope.patterns())));
            return done;
        } catch (AuthenticationException e) {
            Duration lock = throttle.failed(user, address);
            audit.recordLogin(user, address, "failed: " + e.getClass().getSimpleName().replace("Exception", "")
                    + (lock.isZero() ? "" : "; locked out for " + seconds(lock)));
            throw e;
        }
    }

    private static String seconds(Duration d) {
        long s = Math.max(1, (d.toMillis() + 999) / 1000);
        return s >= 120 ? (s + 59) / 60 + " min" : s + " s";
    }
}
