package io.hostdeck.host.systemd;

import java.util.List;
import java.util.Map;

/**
 * What systemd resolves a unit name to (LoadUnit): the unit's own name ({@code Id}), every name it
 * answers to (its aliases among them), and what acting on it may set off besides: its
 * {@code SuccessAction=}, {@code FailureAction=}, {@code JobTimeoutAction=} and
 * {@code StartLimitAction=} other than {@code none}, and the units its start or failure pulls in
 * (Requires, Requisite, Wants, BindsTo, OnFailure, OnSuccess, Triggers).
 *
 * @param asked     the name as it was given
 * @param id        the name systemd acts on
 * @param loadState loaded, not-found, masked, ...
 */
public record UnitIdentity(String asked, String id, List<String> names, String loadState,
        Map<String, String> actions, List<String> pulls) {

    /** The properties whose unit lists {@link #pulls} gathers. */
    public static final List<String> PULLING = List.of("Requires", "Requisite", "Wants", "BindsTo", "OnFailure",
            "OnSuccess", "Triggers");
    /** The properties whose values {@link #actions} gathers. */
    public static final List<String> ACTIONS = List.of("SuccessAction", "FailureAction", "JobTimeoutAction",
            "StartLimitAction");

    public UnitIdentity {
        names = List.copyOf(names);
        actions = Map.copyOf(actions);
        pulls = List.copyOf(pulls);
    }

    /** The unit's type, from its Id: service, target, mount... */
    public String type() {
        return id.substring(id.lastIndexOf('.') + 1);
    }

    /** Whether the name given is another name of the unit (an alias), not its own. */
    public boolean alias() {
        return !asked.equals(id);
    }
}
