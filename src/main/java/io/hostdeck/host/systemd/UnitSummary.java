package io.hostdeck.host.systemd;

/** A unit as ListUnits reports it. */
public record UnitSummary(String name, String description, String loadState, String activeState,
        String subState) {

    public boolean failed() {
        return "failed".equals(activeState);
    }
}
