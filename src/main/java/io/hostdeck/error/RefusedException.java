package io.hostdeck.error;

/** The host itself refused the action (systemd's access check, polkit, a read-only file system): 403. */
public class RefusedException extends RuntimeException {

    public RefusedException(String message) {
        super(message);
    }
}
