package io.hostdeck.host;

/**
 * A part of the target host that Hostdeck needs is not there or does not answer (no systemd on
 * the bus, no procfs under the root). The message says what is missing and where it was looked
 * for; the web layer turns it into a 503 or an explanation on the page.
 */
public class HostUnavailableException extends RuntimeException {

    public HostUnavailableException(String message) {
        super(message);
    }

    public HostUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
