package io.hostdeck.services;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import io.hostdeck.host.HostUnavailableException;
import io.hostdeck.host.systemd.Systemd;
import io.hostdeck.host.systemd.UnitFacts;
import io.hostdeck.host.systemd.UnitSummary;
import io.hostdeck.web.Units;
import io.hostdeck.live.LiveHub;

/**
 * Pushes unit states to the pages that follow them, driven by systemd's signals rather than a
 * timer. A burst of signals (a restart sends several) is folded into one ListUnits a short while
 * after the first, and only the units whose state differs from what was last sent go out.
 */
@Component
class UnitStateFeed implements SmartLifecycle {

    static final String ALL = "units";
    static final long SETTLE_MS = 150;

    private static final Logger log = LoggerFactory.getLogger(UnitStateFeed.class);

    private final Systemd systemd;
    private final LiveHub hub;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private ScheduledExecutorService executor;
    private AutoCloseable subscription;
    private volatile Map<String, UnitState> last = Map.of();

    UnitStateFeed(Systemd systemd, LiveHub hub) {
        this.systemd = systemd;
        this.hub = hub;
    }

    /** One unit's state as pages show it; {@code since} already in the host's words. */
    record UnitState(String name, String load, String active, String sub, Long mainPid, String since) {
        static UnitState unloaded(String name) {
            return new UnitState(name, "not-loaded", "inactive", "dead", null, null);
        }

        static UnitState of(UnitSummary u, UnitFacts f) {
            return new UnitState(u.name(), u.loadState(), u.activeState(), u.subState(), f == null ? null : f.mainPid(),
                    f == null || f.since() == null ? null : Units.time(f.since()));
        }
    }

    /**
     * What a page receives: whole states of the units that changed, and the names of those systemd
     * unloaded (which are also among the states, as inactive).
     */
    record UnitsMessage(String type, List<UnitState> units, List<String> removed) {
        UnitsMessage(List<UnitState> units, List<String> removed) {
            this("units", units, removed);
        }
    }

    UnitsMessage snapshot() {
        return new UnitsMessage(new ArrayList<>(current().values()), List.of());
    }

    UnitsMessage snapshot(String unit) {
        UnitState s = current().get(unit);
        return s == null ? new UnitsMessage(List.of(UnitState.unloaded(unit)), List.of(unit))
                : new UnitsMessage(List.of(s), List.of());
    }

    private Map<String, UnitState> current() {
        Map<String, UnitState> now = new HashMap<>();
        List<UnitSummary> units = systemd.listUnits();
        Map<String, UnitFacts> facts = systemd.unitFacts(units.stream().map(UnitSummary::name).toList());
        for (UnitSummary u : units) {
            now.put(u.name(), UnitState.of(u, facts.get(u.name())));
        }
        last = now;
        return now;
    }

    private void changed(String unit) {
        if (scheduled.compareAndSet(false, true)) {
            executor.schedule(this::refresh, SETTLE_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void refresh() {
        scheduled.set(false);
        Map<String, UnitState> before = last;
        Map<String, UnitState> now;
        try {
            now = current();
        } catch (HostUnavailableException e) {
            log.debug("cannot refresh unit states: {}", e.getMessage());
            return;
        }
        List<UnitState> changed = new ArrayList<>();
        for (UnitState s : now.values()) {
            if (!s.equals(before.get(s.name()))) {
                changed.add(s);
            }
        }
        // systemd unloads an inactive unit nobody needs: to a page that is still a unit, stopped
        List<String> removed = before.keySet().stream().filter(n -> !now.containsKey(n)).toList();
        removed.forEach(n -> changed.add(UnitState.unloaded(n)));
        if (changed.isEmpty() && removed.isEmpty()) {
            return;
        }
        hub.publish(ALL, new UnitsMessage(changed, removed));
        for (UnitState s : changed) {
            hub.publish(UnitTopic.keyOf(s.name()), new UnitsMessage(List.of(s), List.of()));
        }
    }

    @Override
    public void start() {
        // a refresh still pending at stop() was cancelled with its executor: without this, a
        // restarted feed (Spring pauses and resumes a cached test context) would wait for it forever
        scheduled.set(false);
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "unit-state-feed");
            t.setDaemon(true);
            return t;
        });
        subscription = systemd.onUnitChange(this::changed);
    }

    @Override
    public void stop() {
        try {
            subscription.close();
        } catch (Exception e) {
            log.debug("unsubscribing from unit changes failed", e);
        }
        executor.shutdownNow();
        executor = null;
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }
}
