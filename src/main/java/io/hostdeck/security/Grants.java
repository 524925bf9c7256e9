package io.hostdeck.security;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Component;

import io.hostdeck.host.accounts.PamAccounts;

/**
 * A user's grant now: the users file's current line, or for a Linux account its groups, read at
 * most {@link #PAM_MAX_AGE} ago. Sessions, live sockets and API tokens are re-checked against it
 * on every request and message, so a lowered grant applies at once and a removed user's sessions
 * end, instead of lasting until they log out.
 */
@Component
public class Grants {

    /** How old a Linux account's groups may be when a grant is decided on them. */
    public static final Duration PAM_MAX_AGE = Duration.ofSeconds(60);
    /** The authority that marks a session logged in through PAM (its grant comes from groups). */
    static final String PAM_LOGIN = "LOGIN_PAM";

    private final FileUserDetailsService users;
    private final PamAccounts pam;
    private final GroupRoles groups;
    private final boolean pamEnabled;
    private final Map<String, Cached> pamGrants = new ConcurrentHashMap<>();

    private record Cached(Instant at, Optional<GroupRoles.Grant> grant) {
    }

    Grants(FileUserDetailsService users, PamAccounts pam, GroupRoles groups,
            @Value("${hostdeck.pam.enabled:true}") boolean pamEnabled) {
        this.users = users;
        this.pam = pam;
        this.groups = groups;
        this.pamEnabled = pamEnabled;
    }

    /** The grant of a users-file account ({@code pamAccount} false) or a Linux account now; empty when it has none. */
    Optional<GroupRoles.Grant> current(String user, boolean pamAccount) {
        if (!pamAccount) {
            try {
                var u = users.loadUserByUsername(user);
                List<String> names = u.getAuthorities().stream().map(GrantedAuthority::getAuthority).toList();
                return Role.highest(names).map(r -> new GroupRoles.Grant(r, Scope.of(u.getAuthorities()).patterns()));
            } catch (UsernameNotFoundException e) {
                return Optional.empty();
            }
        }
        if (!pamEnabled) {
            return Optional.empty();
        }
        Instant now = Instant.now();
        Cached c = pamGrants.get(user);
        if (c == null || c.at().plus(PAM_MAX_AGE).isBefore(now)) {
            c = new Cached(now, pam.lookup(user).flatMap(a -> groups.grantOf(a.groups())));
            pamGrants.put(user, c);
        }
        return c.grant();
    }

    /** The authorities a grant gives, with the PAM marker for a Linux account. */
    static List<GrantedAuthority> authorities(GroupRoles.Grant grant, boolean pamAccount) {
        List<GrantedAuthority> a = new ArrayList<>();
        a.add(new SimpleGrantedAuthority(grant.role().authority()));
        grant.scope().forEach(p -> a.add(new SimpleGrantedAuthority(Scope.AUTHORITY_PREFIX + p)));
        if (pamAccount) {
            a.add(new SimpleGrantedAuthority(PAM_LOGIN));
        }
        return a;
    }

    static boolean pamAccount(Authentication auth) {
        return auth.getAuthorities().stream().anyMatch(a -> PAM_LOGIN.equals(a.getAuthority()));
    }

    /**
     * A logged-in session's authentication with its user's grant now: the same object when nothing
     * changed, a new one with the new role and units when it did, empty when the user has no grant
     * any more (removed from the users file, or from every role group). Anything that is not a
     * session's login (anonymous, an API token, which is re-checked on its own) comes back as it is.
     */
    public Optional<Authentication> refresh(Authentication auth) {
        if (!(auth instanceof UsernamePasswordAuthenticationToken) || !auth.isAuthenticated()
                || auth.getDetails() instanceof ApiTokens.TokenUse) {
            return Optional.ofNullable(auth);
        }
        boolean pamAccount = pamAccount(auth);
        Optional<GroupRoles.Grant> grant = current(auth.getName(), pamAccount);
        if (grant.isEmpty()) {
            return Optional.empty();
        }
        List<GrantedAuthority> now = authorities(grant.get(), pamAccount);
        if (names(now).equals(names(auth.getAuthorities()))) {
            return Optional.of(auth);
        }
        // what the login proved (such as the password factor) stays; only the grant changes
        auth.getAuthorities().stream().filter(a -> !grantPart(a.getAuthority())).forEach(now::add);
        UsernamePasswordAuthenticationToken changed = UsernamePasswordAuthenticationToken.authenticated(
                auth.getPrincipal(), null, now);
        changed.setDetails(auth.getDetails());
        return Optional.of(changed);
    }

    /** "operator" or "operator of app-*.service", for messages and the audit trail. */
    static String describe(Authentication auth) {
        String role = Role.highest(names(auth.getAuthorities())).map(r -> r.name().toLowerCase()).orElse("none");
        Scope scope = Scope.of(auth);
        return role + (scope.all() ? "" : " of " + String.join(", ", scope.patterns()));
    }

    /** The authorities that make up a grant, as opposed to what the login itself proved. */
    private static Set<String> names(java.util.Collection<? extends GrantedAuthority> authorities) {
        return authorities.stream().map(GrantedAuthority::getAuthority).filter(Grants::grantPart).collect(Collectors.toSet());
    }

    private static boolean grantPart(String authority) {
        return authority.startsWith("ROLE_") || authority.startsWith(Scope.AUTHORITY_PREFIX) || authority.equals(PAM_LOGIN);
    }
}
