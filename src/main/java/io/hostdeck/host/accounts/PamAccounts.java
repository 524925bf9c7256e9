package io.hostdeck.host.accounts;

import java.util.Set;

import org.jvnet.libpam.PAM;
import org.jvnet.libpam.PAMException;
import org.jvnet.libpam.UnixUser;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Checks a password against the accounts of the machine Hostdeck runs on through PAM (libpam4j,
 * over JNA): pam_authenticate, then pam_acct_mgmt, so an expired or locked account fails even with
 * the right password. PAM's configuration for the service {@code hostdeck.pam.service} decides how
 * (packaging/pam.d/hostdeck is an example; without it PAM uses its "other" service).
 */
@Component
public class PamAccounts {

    private final String service;

    public PamAccounts(@Value("${hostdeck.pam.service:hostdeck}") String service) {
        this.service = service;
    }

    /** A user PAM let in, with the names of its groups. */
    public record Account(String name, Set<String> groups) {
    }

    /** Why PAM said no, in words fit for the login page; {@code wrongPassword} is the one not to tell apart. */
    public static final class Refused extends Exception {
        private final boolean wrongPassword;

        Refused(String message, boolean wrongPassword) {
            super(message);
            this.wrongPassword = wrongPassword;
        }

        public boolean wrongPassword() {
            return wrongPassword;
        }
    }

    /**
     * The account's groups now, without a password (getpwnam and getgrouplist, as libpam4j reads
     * them): for re-checking an API token's owner at each use. Empty when there is no such account.
     */
    public java.util.Optional<Account> lookup(String user) {
        try {
            if (!UnixUser.exists(user)) {
                return java.util.Optional.empty();
            }
            UnixUser u = new UnixUser(user);
            return java.util.Optional.of(new Account(u.getUserName(), Set.copyOf(u.getGroups())));
        } catch (PAMException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    public Account authenticate(String user, String password) throws Refused {
        PAM pam;
        try {
            pam = new PAM(service);
        } catch (PAMException e) {
            throw new Refused("PAM could not start for service " + service + ": " + e.getMessage(), false);
        }
        try {
            UnixUser u = pam.authenticate(user, password);
            return new Account(u.getUserName(), Set.copyOf(u.getGroups()));
        } catch (PAMException e) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            if (m.startsWith("pam_acct_mgmt")) {
                // the password was right: the account itself is not usable (expired, locked by date)
                // (Debian's common-account turns pam_unix's "expired" into pam_deny's plain failure)
                throw new Refused("account may not log in now: the password is right, but PAM's account check refused"
                        + " it (an expired account, or one not allowed on this machine); PAM said: "
                        + m.substring(m.indexOf(':') + 1).strip(), false);
            }
            throw new Refused(m, true);
        } finally {
            pam.dispose();
        }
    }
}
