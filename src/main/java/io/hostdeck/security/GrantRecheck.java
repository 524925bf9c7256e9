package io.hostdeck.security;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.session.SessionInformation;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

import io.hostdeck.audit.AuditLog;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/**
 * Re-checks a session's grant on every request, before the URL rules decide: a lowered grant
 * applies to this very request (and is kept in the session), a user with no grant any more is
 * logged out here. Every {@link #SWEEP_SECONDS} s it also ends the sessions of users who lost
 * their grant, so even a page that makes no request (only its live socket) ends.
 */
class GrantRecheck extends OncePerRequestFilter implements AutoCloseable {

    static final long SWEEP_SECONDS = 10;

    private final Grants grants;
    private final AuditLog audit;
    private final SessionRegistry sessions;
    private final HttpSessionSecurityContextRepository repository = new HttpSessionSecurityContextRepository();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "grant-sweep");
        t.setDaemon(true);
        return t;
    });

    GrantRecheck(Grants grants, AuditLog audit, SessionRegistry sessions) {
        this.grants = grants;
        this.audit = audit;
        this.sessions = sessions;
        sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null) {
            chain.doFilter(request, response);
            return;
        }
        Optional<Authentication> now = grants.refresh(auth);
        if (now.isEmpty()) {
            audit.recordAs(auth.getName(), "grant-revoked", request.getMethod() + " " + request.getRequestURI(), Map.of(),
                    "logged out: no grant any more");
            HttpSession session = request.getSession(false);
            if (session != null) {
                session.invalidate();
            }
            SecurityContextHolder.clearContext();
            if (request.getHeader("HX-Request") != null || request.getRequestURI().endsWith("/live")) {
                response.setHeader("HX-Redirect", request.getContextPath() + "/login?revoked");
                response.sendError(HttpServletResponse.SC_UNAUTHORIZED, "Your grant here was revoked.");
            } else {
                response.sendRedirect(request.getContextPath() + "/login?revoked");
            }
            return;
        }
        if (now.get() != auth) {
            audit.recordAs(auth.getName(), "grant-changed", request.getMethod() + " " + request.getRequestURI(),
                    Map.of("from", Grants.describe(auth), "to", Grants.describe(now.get())), "applied to the session");
            SecurityContext context = SecurityContextHolder.createEmptyContext();
            context.setAuthentication(now.get());
            SecurityContextHolder.setContext(context);
            repository.saveContext(context, request, response);
        }
        chain.doFilter(request, response);
    }

    /** Ends every session of a user who has no grant any more. */
    void sweep() {
        try {
            for (Object principal : sessions.getAllPrincipals()) {
                if (!(principal instanceof UserDetails user)) {
                    continue;
                }
                boolean pam = user.getAuthorities().stream().anyMatch(a -> Grants.PAM_LOGIN.equals(a.getAuthority()));
                if (grants.current(user.getUsername(), pam).isEmpty()) {
                    for (SessionInformation s : sessions.getAllSessions(principal, false)) {
                        s.expireNow();
                        audit.recordAs(user.getUsername(), "grant-revoked", "session", Map.of(),
                                "session ended: no grant any more");
                    }
                }
            }
        } catch (RuntimeException e) {
            logger.warn("grant sweep failed: " + e);
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
