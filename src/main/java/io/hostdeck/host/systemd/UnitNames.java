package io.hostdeck.host.systemd;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The unit each name resolves to ({@link Systemd#resolve}: LoadUnit, then its {@code Id}), kept for
 * the names of loaded units until systemd says what a name resolves to may have changed: a limited
 * grant's read of a unit's page or log decides on the resolved unit without two bus round trips each
 * time (JournalBench: about 2.5 ms of a scoped user's log page).
 *
 * <p>What a name resolves to changes when systemd re-reads its unit files (daemon-reload, re-exec:
 * {@code Reloading}), when they change ({@code UnitFilesChanged}: forgotten too, though systemd acts
 * on new links only at the next reload), when the unit behind it is unloaded ({@code UnitRemoved}:
 * the next LoadUnit reads the files afresh, whatever links they have now), and on a new connection
 * (perhaps another systemd). (A reload also unloads every unit, with a {@code UnitRemoved} each,
 * before loading them again: either signal alone forgets what resolved before it;
 * UnitAuthorizationIT fails only when both are ignored.) A loaded unit keeps its names otherwise: systemd merges a name into a
 * unit only while nothing is loaded under it. Only names of units whose load state is
 * {@code loaded} are kept: a name with no unit (or a bad or masked one) is looked up each time,
 * as systemd itself may look for its file again at the next LoadUnit.
 *
 * <p>A look-up that was under way while any of these signals came is not kept ({@link #generation}),
 * so a resolution from before a reload cannot outlive the reload's signal. At most {@link #MAX}
 * names, the least recently used dropped first.
 */
final class UnitNames {

    static final int MAX = 4096;

    private final Map<String, String> ids = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX;
        }
    };
    private long generation; // guarded by this: counts the forgettings

    /** The unit {@code name} resolves to, or null when it is not known. */
    synchronized String get(String name) {
        return ids.get(name);
    }

    /** Taken before a look-up, handed to {@link #put} with its answer. */
    synchronized long generation() {
        return generation;
    }

    /** Keeps {@code name -> id}, unless something was forgotten since {@code seen} was taken. */
    synchronized void put(long seen, String name, String id) {
        if (seen == generation) {
            ids.put(name, id);
        }
    }

    /** Everything may resolve otherwise now: a reload, changed unit files, a new connection. */
    synchronized void forget() {
        generation++;
        ids.clear();
    }

    /** {@code unit} was unloaded: its names resolve afresh at the next LoadUnit. */
    synchronized void removed(String unit) {
        generation++;
        ids.remove(unit);
        ids.values().removeIf(unit::equals);
    }

    synchronized int size() {
        return ids.size();
    }
}
