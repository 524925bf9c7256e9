package io.hostdeck.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Service;

import io.hostdeck.audit.AuditLog;
import io.hostdeck.error.InvalidInputException;
import io.hostdeck.error.NotFoundException;
import io.hostdeck.error.RefusedException;

/**
 * Personal API tokens: made and revoked by their owner on the tokens page (admins also revoke
 * anyone's), shown once, kept as SHA-256 of a 256-bit random secret. A request with one acts as its
 * owner with the lesser of the grant captured when it was made and the owner's grant now, re-read
 * at each use from the users file or, for a Linux account, from its groups: a removed user, or one
 * no longer in any role group, opens nothing with old tokens, and a lowered role lowers them too.
 */
@Service
public class ApiTokens {

    static final String PREFIX = "hd_";
    static final int MAX_NAME = 64;
    static final int MAX_PER_USER = 50;
    static final int MAX_DAYS = 3650;
    private static final Pattern FORMAT = Pattern.compile("hd_([0-9a-f]{16})_([A-Za-z0-9_-]{43})");

    private final TokenStore store;
    private final FileUserDetailsService users;
    private final AuditLog audit;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> lastUsed = new ConcurrentHashMap<>();
    private final Grants grants;

    ApiTokens(TokenStore store, FileUserDetailsService users, AuditLog audit, Grants grants) {
        this.grants = grants;
        this.store = store;
        this.users = users;
        this.audit = audit;
    }

    /** A token just made: the only time its secret is known. */
    public record Created(ApiToken token, String secret) {
    }

    /** A token as the page lists it. */
    public record Listed(ApiToken token, Instant lastUsed, boolean expired) {
    }

    /** Why a token was refused, said to the client as a 401. */
    public static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    /** The details of a request authenticated by a token: the trail names the token. */
    record TokenUse(String id, String name) implements AuditLog.Via {
        @Override
        public String via() {
            return "token " + id + " (" + name + ")";
        }
    }

    /**
     * A new token of the logged-in user, with its role and scope now; {@code days} is empty or
     * {@code never} for no expiry, else 1..3650.
     */
    public Created create(String name, String days) {
        Authentication me = SecurityContextHolder.getContext().getAuthentication();
        if (me == null || !me.isAuthenticated() || me.getDetails() instanceof TokenUse) {
            throw new RefusedException("tokens are made by a logged-in user on the tokens page, not with a token");
        }
        String n = name == null ? "" : name.strip();
        if (n.isEmpty() || n.length() > MAX_NAME || n.codePoints().anyMatch(Character::isISOControl)) {
            throw new InvalidInputException("name", "a name of 1 to " + MAX_NAME + " characters, no control characters");
        }
        Instant now = Instant.now();
        Instant expires = expiry(days, now);
        Role role = Role.highest(me.getAuthorities().stream().map(GrantedAuthority::getAuthority).toList())
                .orElseThrow(() -> new RefusedException("your login has no role"));
        Scope scope = Scope.of(me);
        String owner = me.getName();
        long own = store.all().stream().filter(t -> t.owner().equals(owner)).count();
        if (own >= MAX_PER_USER) {
            throw new InvalidInputException("name", "you have " + own + " tokens, at most " + MAX_PER_USER
                    + ": revoke some first");
        }
        byte[] idBytes = new byte[8];
        byte[] secretBytes = new byte[32];
        random.nextBytes(idBytes);
        random.nextBytes(secretBytes);
        String id = HexFormat.of().formatHex(idBytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        ApiToken t = new ApiToken(id, n, owner, sourceOf(owner), role, scope.patterns(), now, expires, sha256(secret));
        store.change(all -> {
            all.put(id, t);
            return all;
        });
        audit.record("token-create", "token " + t.label() + " of " + owner, Map.of("role", role.name().toLowerCase(),
                "expires", expires == null ? "never" : expires.toString()), "created");
        return new Created(t, PREFIX + id + "_" + secret);
    }

    /** The tokens the logged-in user may see: their own, or everyone's for an admin over every unit. */
    public List<Listed> visible() {
        Authentication me = SecurityContextHolder.getContext().getAuthentication();
        boolean all = isAdminOverAll(me);
        Instant now = Instant.now();
        List<Listed> out = new ArrayList<>();
        for (ApiToken t : store.inOrder()) {
            if (all || t.owner().equals(me.getName())) {
                out.add(new Listed(t, lastUsed.get(t.id()), t.expired(now)));
            }
        }
        return out;
    }

    public boolean seesEveryone() {
        return isAdminOverAll(SecurityContextHolder.getContext().getAuthentication());
    }

    /** Revokes a token: the owner's own, or anyone's for an admin over every unit. */
    public ApiToken revoke(String id) {
        if (id == null || !id.matches("[0-9a-f]{16}")) {
            throw new InvalidInputException("token", "'" + (id == null ? "" : id.length() > 20 ? id.substring(0, 20) + "…" : id)
                    + "' is not a token id (16 hex digits)");
        }
        Authentication me = SecurityContextHolder.getContext().getAuthentication();
        ApiToken t = store.byId(id).orElseThrow(() -> new NotFoundException("no token " + id + " (it may have been revoked)"));
        if (!t.owner().equals(me.getName()) && !isAdminOverAll(me)) {
            throw new RefusedException("token " + id + " is " + t.owner() + "'s: only its owner or an admin revokes it");
        }
        store.change(all -> {
            all.remove(id);
            return all;
        });
        lastUsed.remove(id);
        audit.record("token-revoke", "token " + t.label() + " of " + t.owner(), Map.of(), "revoked");
        return t;
    }

    /**
     * The authentication a presented token stands for, or {@link Refused} saying why (each refusal
     * audited, naming the owner when the token is known).
     */
    Authentication authenticate(String presented, String request) {
        Matcher m = FORMAT.matcher(presented);
        if (!m.matches()) {
            throw refused("-", null, request, "not a Hostdeck API token");
        }
        Optional<ApiToken> found = store.byId(m.group(1));
        // compared in constant time, and the same work whether the id exists or not
        byte[] given = hex(sha256(m.group(2)));
        byte[] stored = found.map(t -> hex(t.hash())).orElse(new byte[32]);
        if (!MessageDigest.isEqual(given, stored) || found.isEmpty()) {
            throw refused("-", null, request, "unknown or revoked token");
        }
        ApiToken t = found.get();
        if (t.expired(Instant.now())) {
            throw refused(t.owner(), t, request, "the token expired at " + t.expires());
        }
        GroupRoles.Grant now = currentGrant(t).orElseThrow(() -> refused(t.owner(), t, request,
                "its owner " + t.owner() + " no longer has a grant here"));
        Role role = now.role().includes(t.role()) ? t.role() : now.role();
        List<String> scope;
        if (t.scope().isEmpty()) {
            scope = now.scope();
        } else if (now.scope().isEmpty() || now.scope().equals(t.scope())) {
            scope = t.scope();
        } else {
            throw refused(t.owner(), t, request, "its owner's unit grant changed since it was made; make a new token");
        }
        List<GrantedAuthority> authorities = new ArrayList<>();
        authorities.add(new SimpleGrantedAuthority(role.authority()));
        scope.forEach(p -> authorities.add(new SimpleGrantedAuthority(Scope.AUTHORITY_PREFIX + p)));
        UsernamePasswordAuthenticationToken auth = UsernamePasswordAuthenticationToken.authenticated(t.owner(), null,
                authorities);
        auth.setDetails(new TokenUse(t.id(), t.name()));
        lastUsed.put(t.id(), Instant.now());
        return auth;
    }

    private Refused refused(String user, ApiToken t, String request, String why) {
        audit.recordAs(user, "token-refused", request, t == null ? Map.of() : Map.of("token", t.label()), "refused: " + why);
        return new Refused(why);
    }

    /** The owner's grant now, from where it came when the token was made. */
    private Optional<GroupRoles.Grant> currentGrant(ApiToken t) {
        return grants.current(t.owner(), !"file".equals(t.source()));
    }

    private String sourceOf(String owner) {
        try {
            users.loadUserByUsername(owner);
            return "file";
        } catch (UsernameNotFoundException e) {
            return "pam";
        }
    }

    private static boolean isAdminOverAll(Authentication me) {
        return me != null && Role.highest(me.getAuthorities().stream().map(GrantedAuthority::getAuthority).toList())
                .map(r -> r == Role.ADMIN).orElse(false) && Scope.of(me).all();
    }

    static Instant expiry(String days, Instant now) {
        String d = days == null ? "" : days.strip();
        if (d.isEmpty() || d.equals("never")) {
            return null;
        }
        if (!d.matches("\\d{1,4}")) {
            throw new InvalidInputException("days", "'" + (d.length() > 20 ? d.substring(0, 20) + "…" : d)
                    + "' is not a number of days (1 to " + MAX_DAYS + ") or never");
        }
        int n = Integer.parseInt(d);
        if (n < 1 || n > MAX_DAYS) {
            throw new InvalidInputException("days", n + " is outside 1.." + MAX_DAYS);
        }
        return now.plus(Duration.ofDays(n));
    }

    static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hex(String hex) {
        try {
            return HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            return new byte[32];
        }
    }
}
