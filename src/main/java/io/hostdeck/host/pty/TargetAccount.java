package io.hostdeck.host.pty;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An account of the target host as its own {@code /etc/passwd} says (the file under its PID 1's
 * root, the mount namespace the shell will run in), not as the machine Hostdeck runs on sees it.
 *
 * @param name  the login name
 * @param uid   its uid
 * @param gid   its primary gid
 * @param home  its home directory, a path on the target
 * @param shell its login shell, a path on the target (/bin/sh when the entry names none)
 */
public record TargetAccount(String name, long uid, long gid, String home, String shell) {

    /** A name useradd would take, so it can be an argument of setpriv without surprises. */
    public static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_.-]{0,31}\\$?");

    /** The entry named {@code name} in {@code passwd}, if there is one and it parses. */
    public static Optional<TargetAccount> find(Path passwd, String name) {
        if (!NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        try {
            for (String line : Files.readAllLines(passwd, StandardCharsets.UTF_8)) {
                String[] f = line.split(":", -1);
                if (f.length >= 7 && f[0].equals(name)) {
                    return Optional.of(new TargetAccount(f[0], Long.parseLong(f[2]), Long.parseLong(f[3]),
                            f[5].isEmpty() ? "/" : f[5], f[6].isEmpty() ? "/bin/sh" : f[6]));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** Whether its login shell is one that refuses logins (nologin, false). */
    public boolean mayNotLogIn() {
        return shell.endsWith("/nologin") || shell.endsWith("/false");
    }
}
