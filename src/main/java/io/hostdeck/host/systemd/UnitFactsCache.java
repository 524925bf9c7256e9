package io.hostdeck.host.systemd;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.Variant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Main PID and last state change of the units asked about ({@link Systemd#unitFacts}), read in
 * the background a few at a time and then kept current from the values systemd sends with
 * PropertiesChanged.
 */
final class UnitFactsCache {

    private static final Logger log = LoggerFactory.getLogger(UnitFactsCache.class);

    private final SystemBus bus;
    private final ExecutorService readers;
    private final UnitChanges changes;
    private final Map<String, UnitFacts> facts = new ConcurrentHashMap<>();
    private final Set<String> wanted = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean filling = new AtomicBoolean();
    private final BooleanSupplier systemdBusy;

    /**
     * @param readers runs the reads: a few calls in flight (dbus-daemon allows 128 pending replies per connection)
     * @param changes told (with null) when a batch of facts is in
     * @param systemdBusy whether systemd is busy with a long call of ours (the unit files' listing):
     *     reads queued behind it would only time out, so they wait for the next ask
     */
    UnitFactsCache(SystemBus bus, ExecutorService readers, UnitChanges changes, BooleanSupplier systemdBusy) {
        this.bus = bus;
        this.readers = readers;
        this.changes = changes;
        this.systemdBusy = systemdBusy;
    }

    /** The facts known of {@code units}; the others are read in the background. */
    Map<String, UnitFacts> of(Collection<String> units) {
        Map<String, UnitFacts> known = new HashMap<>(units.size() * 2);
        for (String u : units) {
            UnitFacts f = facts.get(u);
            if (f != null) {
                known.put(u, f);
            } else {
                wanted.add(u);
            }
        }
        if (!wanted.isEmpty() && !systemdBusy.getAsBoolean() && filling.compareAndSet(false, true)) {
            readers.execute(this::fill);
        }
        return known;
    }

    /** Reads the wanted units' facts, a few at a time, then tells the listeners they changed. */
    private void fill() {
        try {
            List<String> batch = new ArrayList<>(wanted);
            wanted.removeAll(batch);
            List<Future<?>> reads = new ArrayList<>(batch.size());
            for (String unit : batch) {
                reads.add(readers.submit(() -> facts.put(unit, read(unit))));
            }
            for (Future<?> r : reads) {
                try {
                    r.get();
                } catch (ExecutionException e) {
                    log.debug("reading a unit's facts failed: {}", e.getCause().toString());
                }
            }
            if (!batch.isEmpty()) {
                changes.changed(null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            filling.set(false);
        }
    }

    private UnitFacts read(String unit) {
        return bus.call(c -> {
            Properties p = SystemBus.properties(c, UnitPaths.path(unit));
            Object changed = p.Get(SystemBus.UNIT_INTERFACE, "StateChangeTimestamp");
            Long pid = null;
            if (unit.endsWith(".service")) {
                Object main = p.Get(SystemBus.SERVICE_INTERFACE, "MainPID");
                pid = main instanceof Number n && n.longValue() > 0 ? n.longValue() : null;
            }
            return new UnitFacts(pid, changed instanceof Number n ? micros(n.longValue()) : null);
        });
    }

    private static Instant micros(long usec) {
        return usec <= 0 || usec == -1L ? null : Instant.ofEpochSecond(usec / 1_000_000, (usec % 1_000_000) * 1000);
    }

    /** Keeps the cache current from the values systemd sends with PropertiesChanged. */
    void update(String unit, Properties.PropertiesChanged s) {
        Map<String, Variant<?>> changed = s.getPropertiesChanged();
        UnitFacts f = facts.get(unit);
        if (f == null) {
            return; // never asked for: nothing to keep current
        }
        if (SystemBus.UNIT_INTERFACE.equals(s.getInterfaceName()) && changed.get("StateChangeTimestamp") != null
                && changed.get("StateChangeTimestamp").getValue() instanceof Number n) {
            f = f.withSince(micros(n.longValue()));
        }
        if (SystemBus.SERVICE_INTERFACE.equals(s.getInterfaceName()) && changed.get("MainPID") != null
                && changed.get("MainPID").getValue() instanceof Number n) {
            f = f.withMainPid(n.longValue() > 0 ? n.longValue() : null);
        }
        facts.put(unit, f);
    }

    /** systemd unloaded the unit. */
    void remove(String unit) {
        facts.remove(unit);
    }

    /** Another connection: every fact is read again when next asked for. */
    void forget() {
        facts.clear();
    }
}
