package io.hostdeck.error;

/** A costly read that would go over a per-user or global cap (downloads, searches, live feeds): 429, naming the cap. */
public class BusyException extends RuntimeException {

    public BusyException(String message) {
        super(message);
    }
}
