package io.hostdeck.error;

/** The thing asked for does not exist on the host (no such unit, cgroup, process): 404. */
public class NotFoundException extends RuntimeException {

    public NotFoundException(String message) {
        super(message);
    }
}
