package io.hostdeck.fleet;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import io.hostdeck.error.InvalidInputException;
import io.hostdeck.live.LiveHub;
import io.hostdeck.live.LiveTopic;

/**
 * The {@code fleet} live topic: a tick at Prometheus's scrape interval, while a page follows it.
 * A tick carries no rows: the page asks for its tables again over HTTP, through the user's own
 * grant and filters, so one message serves every user and the rows a scoped grant may not see
 * never pass through the socket.
 */
@Component
class FleetFeed implements LiveTopic, SmartLifecycle {

    static final String TOPIC = "fleet";

    private final FleetService fleet;
    private final LiveHub hub;
    private ScheduledExecutorService timer;

    record Tick(String type, double interval) {
        Tick(Duration interval) {
            this(TOPIC, interval.toMillis() / 1000.0);
        }
    }

    private java.util.concurrent.ScheduledFuture<?> next; // guarded by this

    FleetFeed(FleetService fleet, LiveHub hub) {
        this.fleet = fleet;
        this.hub = hub;
    }

    @Override
    public String name() {
        return TOPIC;
    }

    /** Every grant: a tick carries no rows; each page asks for its tables through its own grant. */
    @Override
    public void authorize(org.springframework.security.core.Authentication grant, String argument) {
    }

    @Override
    public String key(String argument) {
        if (!argument.isEmpty()) {
            throw new InvalidInputException("arg", "the fleet topic takes no argument (the page's filters stay in its URL)");
        }
        if (!fleet.enabled()) {
            throw new InvalidInputException("topic", "the fleet is off: hostdeck.fleet.prometheus-url is not set");
        }
        return TOPIC;
    }

    @Override
    public Object snapshot(String key) {
        java.time.Duration interval = fleet.interval();
        // the interval learnt now may be shorter than the one the next tick was set with (Prometheus had
        // no target yet when it was): the page gets its ticks at the new one from now on
        synchronized (this) {
            if (next != null && next.getDelay(TimeUnit.MILLISECONDS) > interval.toMillis() && next.cancel(false)) {
                schedule(interval.toMillis());
            }
        }
        return new Tick(interval);
    }

    // under this lock
    private void schedule(long millis) {
        if (timer != null && !timer.isShutdown()) {
            next = timer.schedule(this::tick, millis, TimeUnit.MILLISECONDS);
        }
    }

    private void tick() {
        try {
            if (hub.hasSubscribers(TOPIC)) {
                hub.publish(TOPIC, new Tick(fleet.interval()));
            }
        } finally {
            // the interval may change when Prometheus's config does
            long millis = fleet.interval().toMillis();
            synchronized (this) {
                schedule(millis);
            }
        }
    }

    @Override
    public synchronized void start() {
        if (!fleet.enabled() || timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fleet-tick");
            t.setDaemon(true);
            return t;
        });
        schedule(0);
    }

    @Override
    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return timer != null;
    }
}
