package io.hostdeck.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

import io.hostdeck.error.RefusedException;

/**
 * The units a grant is limited to ("app-*.service"), from the user's SCOPE_ authorities; a grant
 * without any is for every unit. Checked on the server for every unit list, page, action, log view
 * and live topic; pages that are not about units (containers, namespaces, the cgroup tree, the
 * audit trail) are for unscoped grants only.
 */
public record Scope(List<String> patterns) {

    public static final String AUTHORITY_PREFIX = "SCOPE_";
    /** What a pattern may hold: a unit name's characters and the glob's * and ?. */
    public static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9:_.@*?\\\\-]{1,256}");
    private static final Scope ALL = new Scope(List.of());

    public Scope {
        patterns = List.copyOf(patterns);
    }

    /** The scope of the request's user. */
    public static Scope current() {
        return of(SecurityContextHolder.getContext().getAuthentication());
    }

    public static Scope of(Authentication auth) {
        return auth == null ? ALL : of(auth.getAuthorities());
    }

    static Scope of(Collection<? extends GrantedAuthority> authorities) {
        List<String> p = new ArrayList<>();
        for (GrantedAuthority a : authorities) {
            if (a.getAuthority().startsWith(AUTHORITY_PREFIX)) {
                p.add(a.getAuthority().substring(AUTHORITY_PREFIX.length()));
            }
        }
        return p.isEmpty() ? ALL : new Scope(p);
    }

    public boolean all() {
        return patterns.isEmpty();
    }

    public boolean allows(String unit) {
        if (all()) {
            return true;
        }
        for (String p : patterns) {
            if (glob(p, unit)) {
                return true;
            }
        }
        return false;
    }

    /** @throws RefusedException when {@code unit} is outside the scope */
    public void require(String unit) {
        if (!allows(unit)) {
            throw new RefusedException(unit + " is outside your grant, which is limited to " + String.join(", ", patterns));
        }
    }

    /** @throws RefusedException when the grant is scoped: {@code what} is for grants over every unit */
    public void requireAll(String what) {
        if (!all()) {
            throw new RefusedException(what + " is for grants over every unit; yours is limited to "
                    + String.join(", ", patterns));
        }
    }

    /**
     * A cgroup is the grant's when the unit that owns it is ({@code unit} is that owner, null for a
     * cgroup no unit owns, which only grants over every unit see).
     *
     * @throws RefusedException otherwise
     */
    public void requireCgroup(String path, String unit) {
        if (unit == null) {
            requireAll("cgroup " + path);
        } else {
            require(unit);
        }
    }

    /** fnmatch-style: * any run of characters, ? any one; nothing else is special. */
    static boolean glob(String pattern, String text) {
        int p = 0;
        int t = 0;
        int star = -1;
        int mark = 0;
        while (t < text.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
