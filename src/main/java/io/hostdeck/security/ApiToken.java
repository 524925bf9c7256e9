package io.hostdeck.security;

import java.time.Instant;
import java.util.List;

/**
 * A personal API token as the tokens file keeps it: never the secret, only its SHA-256.
 *
 * @param id      public, names the token in the UI, the trail and the token itself ({@code hd_ID_SECRET})
 * @param name    what its owner called it ("backup script")
 * @param owner   the user who made it; requests with it act as this user
 * @param source  where the owner's grant comes from, {@code file} (users file) or {@code pam} (Linux groups),
 *                so each use can re-check it there
 * @param role    the owner's role when it was made: the most it can ever do
 * @param scope   the owner's unit patterns when it was made (empty: every unit)
 * @param created when it was made
 * @param expires when it stops working, or null for never
 * @param hash    SHA-256 of the secret part, hex
 */
public record ApiToken(String id, String name, String owner, String source, Role role, List<String> scope,
        Instant created, Instant expires, String hash) {

    public ApiToken {
        scope = List.copyOf(scope);
    }

    public boolean expired(Instant now) {
        return expires != null && !now.isBefore(expires);
    }

    /** How the trail and the page name it: its id and name, never its secret. */
    public String label() {
        return id + " (" + name + ")";
    }
}
