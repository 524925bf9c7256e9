package io.hostdeck.security;

import java.util.List;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;

import io.hostdeck.host.accounts.PamAccounts;

/** Logs in the machine's accounts through PAM; the role comes from the account's groups. */
class PamAuthenticationProvider implements AuthenticationProvider {

    private final PamAccounts pam;
    private final GroupRoles roles;

    PamAuthenticationProvider(PamAccounts pam, GroupRoles roles) {
        this.pam = pam;
        this.roles = roles;
    }

    @Override
    public Authentication authenticate(Authentication request) {
        String name = request.getName();
        String password = request.getCredentials() == null ? "" : request.getCredentials().toString();
        if (name.isEmpty() || name.length() > 64 || !name.matches("[A-Za-z0-9_][A-Za-z0-9_.-]*\\$?")) {
            throw new BadCredentialsException("not a user name PAM would know");
        }
        PamAccounts.Account account;
        try {
            account = pam.authenticate(name, password);
        } catch (PamAccounts.Refused e) {
            if (e.wrongPassword()) {
                throw new BadCredentialsException("PAM: " + e.getMessage());
            }
            if (e.getMessage().startsWith("PAM could not start")) {
                throw new AuthenticationServiceException(e.getMessage());
            }
            throw new DisabledException("Your " + e.getMessage() + ".");
        }
        GroupRoles.Grant grant = roles.grantOf(account.groups()).orElseThrow(() -> new DisabledException("Your account "
                + account.name() + " is in none of the groups that give a role here (" + String.join(", ", roles.groups())
                + "): ask an administrator to add it to one."));
        User principal = new User(account.name(), "", Grants.authorities(grant, true));
        UsernamePasswordAuthenticationToken done = UsernamePasswordAuthenticationToken.authenticated(principal, null,
                principal.getAuthorities());
        done.setDetails(request.getDetails());
        return done;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
