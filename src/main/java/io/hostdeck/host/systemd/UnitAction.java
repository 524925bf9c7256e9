package io.hostdeck.host.systemd;

/** The unit actions that are systemd jobs, with the Manager method behind each. */
public enum UnitAction {
    START, STOP, RESTART, RELOAD, TRY_RESTART;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
