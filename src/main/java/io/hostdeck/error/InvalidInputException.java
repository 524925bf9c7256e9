package io.hostdeck.error;

/** Input that Hostdeck refuses before anything reaches the host: 400, naming the field and the reason. */
public class InvalidInputException extends RuntimeException {

    private final String field;
    private final String reason;

    public InvalidInputException(String field, String reason) {
        super(field + ": " + reason);
        this.field = field;
        this.reason = reason;
    }

    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }
}
