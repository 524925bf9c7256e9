package io.hostdeck.security;

import org.springframework.security.core.Authentication;

/**
 * Marks a login through PAM: the user is an account of the machine, so what runs in its name (a
 * terminal) runs as that account; a users-file user has no account of its own.
 */
public final class LinuxAccount {

    /** The authority PAM logins carry besides their role. */
    public static final String AUTHORITY = Grants.PAM_LOGIN;

    private LinuxAccount() {
    }

    public static boolean of(Authentication auth) {
        return auth != null && auth.getAuthorities().stream().anyMatch(a -> AUTHORITY.equals(a.getAuthority()));
    }
}
