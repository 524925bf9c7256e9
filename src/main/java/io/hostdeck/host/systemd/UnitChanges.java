package io.hostdeck.host.systemd;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans a unit change out to everyone following them ({@link Systemd#onUnitChange}): a unit's name,
 * or null when everything may have changed. One listener's failure does not keep it from the rest.
 */
final class UnitChanges {

    private static final Logger log = LoggerFactory.getLogger(UnitChanges.class);

    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    /** Adds a listener; closing the answer removes it. */
    AutoCloseable add(Consumer<String> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Tells every listener that {@code unit} (null: anything) changed. */
    void changed(String unit) {
        for (Consumer<String> l : listeners) {
            try {
                l.accept(unit);
            } catch (RuntimeException e) {
                log.warn("a unit change listener failed on {}", unit, e);
            }
        }
    }
}
