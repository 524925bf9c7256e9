package io.hostdeck.host.systemd;

/**
 * How a job ended, as JobRemoved says: {@code done}, {@code canceled}, {@code timeout},
 * {@code failed}, {@code dependency} or {@code skipped}.
 */
public record JobOutcome(String unit, String job, String result) {

    public boolean done() {
        return "done".equals(result);
    }
}
