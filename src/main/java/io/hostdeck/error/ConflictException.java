package io.hostdeck.error;

/** The request is valid but the host's state refuses it (unit masked, file exists, job running): 409. */
public class ConflictException extends RuntimeException {

    public ConflictException(String message) {
        super(message);
    }
}
