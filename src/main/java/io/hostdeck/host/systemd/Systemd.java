package io.hostdeck.host.systemd;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import io.hostdeck.host.HostUnavailableException;

/**
 * The target host's systemd, over its system bus. Every method throws
 * {@link HostUnavailableException} when systemd cannot be reached, with a message that says where
 * it was looked for; systemd's own refusals arrive as the error vocabulary of
 * {@code io.hostdeck.error} (no such unit: not found; masked or a conflicting job: conflict;
 * access denied: refused).
 */
public interface Systemd {

    /** Where the system bus is expected: the address shown to users when systemd is missing. */
    String busAddress();

    ManagerInfo manager();

    /** Every loaded unit (ListUnits). */
    List<UnitSummary> listUnits();

    /**
     * Every installed unit file (ListUnitFiles): costly on systemd's side, so cached and listed
     * again in the background after a change. Waits only when there has been no listing yet.
     */
    List<UnitFile> listUnitFiles();

    /** The same, without waiting: empty while the first listing is still running. */
    Optional<List<UnitFile>> unitFilesIfListed();

    /**
     * Main PID and last state change of the given loaded units, from a cache that systemd's
     * PropertiesChanged signals keep current. Units not known yet are missing from the answer and
     * read in the background; a unit change (with a null name) is signalled when they are in.
     */
    Map<String, UnitFacts> unitFacts(Collection<String> units);

    /**
     * What systemd resolves {@code name} to (LoadUnit): its own name, its aliases, and what acting on
     * it may set off. A name with no unit behind it resolves to itself with load state not-found.
     */
    UnitIdentity identify(String name);

    /**
     * Only the name systemd acts on for {@code name} (LoadUnit, then its {@code Id}): what deciding a
     * read needs, in one property instead of {@link #identify}'s whole unit. A name with no unit
     * behind it resolves to itself. The answer for a loaded unit is kept until systemd signals that
     * it may have changed (a reload, changed unit files, the unit unloaded, a new connection).
     */
    String resolve(String name);

    /** One unit's properties; loads it if it is installed but not loaded. */
    UnitDetails unit(String name);

    /** Queues the action as a job and waits for systemd to say how it ended. */
    JobOutcome run(UnitAction action, String unit);

    /**
     * Starts a transient service (StartTransientUnit) and waits for its start job, as {@link #run}
     * does; a unit of that name that is already loaded is a conflict.
     */
    JobOutcome startTransient(TransientService service);

    /** Sends {@code signal} to the unit's processes; {@code whom} is main, control or all. */
    void kill(String unit, String whom, int signal);

    void resetFailed(String unit);

    List<UnitFileChange> enable(String unit);

    List<UnitFileChange> disable(String unit);

    List<UnitFileChange> mask(String unit);

    List<UnitFileChange> unmask(String unit);

    /** daemon-reload: re-reads every unit file; returns once systemd has finished. */
    void daemonReload();

    /** SetUnitProperties: {@code runtime} lasts until reboot, otherwise it is written as a drop-in. */
    void setProperties(String unit, boolean runtime, List<UnitSetting> settings);

    /**
     * The hostname systemd-hostnamed reports (what {@code hostnamectl} shows), empty when it is
     * not on the bus. It activates hostnamed, so callers prefer a cheaper source first.
     */
    Optional<String> hostname();

    /**
     * The machines registered with systemd-machined (ListMachines), by their leader's PID as the
     * target sees it: what {@code machinectl} lists. Empty when machined is not running: asking
     * would start it, so Hostdeck only asks a machined that is already there.
     */
    Map<Long, String> machines();

    /**
     * Calls {@code listener} with a unit's name whenever systemd signals that the unit appeared,
     * disappeared or changed state; {@code null} when everything may have changed (reload,
     * reconnect). Runs on the bus's signal thread: keep it short.
     */
    AutoCloseable onUnitChange(Consumer<String> listener);
}
