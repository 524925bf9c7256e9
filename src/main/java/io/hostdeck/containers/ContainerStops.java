package io.hostdeck.containers;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.security.concurrent.DelegatingSecurityContextExecutorService;
import org.springframework.stereotype.Component;

import io.hostdeck.error.ConflictException;
import io.hostdeck.error.NotFoundException;
import io.hostdeck.host.systemd.JobOutcome;
import io.hostdeck.host.systemd.Systemd;
import io.hostdeck.host.systemd.UnitAction;
import io.hostdeck.host.systemd.UnitDetails;
import io.hostdeck.live.LiveHub;
import io.hostdeck.live.LiveTopic;

/**
 * Container stops in progress and the last ones that ended. A stop can take as long as the
 * container's init takes to die, so no request waits for it: {@link ContainerActions#stop} checks
 * and starts it here, the request answers "stopping" at once, and the outcome goes to the list page
 * and to the live channel's {@code container-stops} topic (followed by users with every unit).
 *
 * <p>A unit's stop: systemd's own stop job, but within Hostdeck's {@link #GRACE}, not the unit's
 * TimeoutStopSec (90 s by default, the time systemd gives an init that ignores SIGTERM): after it,
 * SIGKILL to every process of the unit. The outcome is the state systemd really ended the unit in
 * (ActiveState and Result), not only its job's result.
 */
@Component
class ContainerStops implements LiveTopic, DisposableBean {

    static final String KEY = "container-stops";
    /** How long a container gets after SIGTERM before SIGKILL, as podman stop and docker stop give. */
    static final Duration GRACE = Duration.ofSeconds(10);
    /** After SIGKILL: how long systemd gets to see the unit's processes gone. */
    static final Duration AFTER_KILL = Duration.ofSeconds(20);
    private static final int KEPT = 20;

    /** One stop: "stopping" while it runs, then "ended" or "error", with what happened. */
    record Stop(String id, String target, String state, String outcome, Instant started, Instant ended) {
    }

    private final Systemd systemd;
    private final LiveHub hub;
    private final Map<String, Stop> stops = new LinkedHashMap<>();
    private final ExecutorService pool = new DelegatingSecurityContextExecutorService(Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "container-stop");
        t.setDaemon(true);
        return t;
    }));

    ContainerStops(Systemd systemd, LiveHub hub) {
        this.systemd = systemd;
        this.hub = hub;
    }

    @Override
    public void destroy() {
        pool.shutdownNow();
    }

    /**
     * Runs {@code work} in the background as the stop of container {@code id}; its result is the
     * outcome (an exception's message: an error). The caller's security context goes along, for the audit.
     *
     * @throws ConflictException when a stop of {@code id} is already running
     */
    Stop start(String id, String target, Supplier<String> work, java.util.function.Consumer<String> done) {
        Stop s = new Stop(id, target, "stopping", "", Instant.now(), null);
        synchronized (stops) {
            Stop running = stops.get(id);
            if (running != null && running.state().equals("stopping")) {
                throw new ConflictException(id + " is already being stopped (since " + running.started() + ")");
            }
            stops.remove(id);
            stops.put(id, s);
            while (stops.size() > KEPT) {
                stops.remove(stops.keySet().iterator().next());
            }
        }
        publish();
        pool.submit(() -> {
            String outcome;
            String state;
            try {
                outcome = work.get();
                state = outcome.startsWith("failed") ? "error" : "ended";
            } catch (RuntimeException e) {
                outcome = "error: " + e.getMessage();
                state = "error";
            }
            synchronized (stops) {
                stops.put(id, new Stop(id, target, state, outcome, s.started(), Instant.now()));
            }
            done.accept(outcome);
            publish();
        });
        return s;
    }

    /** The stops in progress and the last that ended, newest first. */
    List<Stop> recent() {
        List<Stop> out;
        synchronized (stops) {
            out = new ArrayList<>(stops.values());
        }
        out.sort(Comparator.comparing(Stop::started).reversed());
        return out;
    }

    /**
     * Stops {@code unit} through systemd within {@link #GRACE}, then SIGKILL; says how the unit
     * ended: "unit X ended inactive (dead), result success (stop job done)", "unit X ended failed
     * (failed), result signal (stop job done; SIGKILL after 10 s)", or "failed: unit X ended
     * deactivating ..." when it is still not stopped.
     */
    String stopUnit(String unit) {
        Future<JobOutcome> job = pool.submit(() -> systemd.run(UnitAction.STOP, unit));
        UnitDetails[] last = { state(unit) };
        String killed = "";
        JobOutcome outcome = waitFor(job, GRACE, unit, last);
        if (outcome == null) {
            systemd.kill(unit, "all", io.hostdeck.host.namespaces.ProcessControl.SIGKILL);
            killed = "; SIGKILL after " + GRACE.toSeconds() + " s";
            outcome = waitFor(job, AFTER_KILL, unit, last);
        }
        UnitDetails end = state(unit);
        if (end != null) {
            last[0] = end;
        }
        String ended;
        if (end != null) {
            ended = "ended " + describe(end);
        } else {
            // a transient unit (CollectMode=inactive-or-failed) is forgotten the moment it stops
            ended = "ended, and systemd forgot it at once" + (last[0] == null ? "" : " (last seen " + describe(last[0]) + ")");
        }
        String jobSaid = outcome == null ? "stop job still running" : "stop job " + outcome.result();
        // the container is stopped once its unit is inactive or failed (a SIGKILLed service ends
        // failed, result signal: said as such, never as "done"), or systemd has forgotten it
        boolean stopped = end == null || List.of("inactive", "failed").contains(end.activeState());
        return (stopped ? "" : "failed: ") + "unit " + unit + " " + ended + " (" + jobSaid + killed + ")";
    }

    /** "; unit X is now inactive (dead)", for a stop that went around systemd; "" without a unit. */
    String unitNow(String unit) {
        if (unit == null) {
            return "";
        }
        UnitDetails u = state(unit);
        return "; unit " + unit + (u == null ? " is gone" : " is now " + describe(u));
    }

    private static String describe(UnitDetails u) {
        return u.activeState() + " (" + u.subState() + ")"
                + (u.result() == null || u.result().isEmpty() ? "" : ", result " + u.result());
    }

    /** The job's outcome once it ends within {@code within}, else null; keeps {@code last} at the unit's latest state. */
    private JobOutcome waitFor(Future<JobOutcome> job, Duration within, String unit, UnitDetails[] last) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            try {
                return job.get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                UnitDetails now = state(unit);
                if (now != null) {
                    last[0] = now;
                }
                if (System.nanoTime() > deadline) {
                    return null;
                }
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /** The unit's state now, null when systemd has forgotten it (a transient unit once stopped). */
    private UnitDetails state(String unit) {
        try {
            return systemd.unit(unit);
        } catch (NotFoundException gone) {
            return null;
        }
    }

    private void publish() {
        hub.publish(KEY, snapshot(KEY));
    }

    @Override
    public String name() {
        return KEY;
    }

    @Override
    public String key(String argument) {
        return noArgument(KEY, argument);
    }

    /** The key of a topic that takes no argument ({@code key}); a 400-like error for any argument. */
    static String noArgument(String key, String argument) {
        if (!argument.isEmpty()) {
            throw new io.hostdeck.error.InvalidInputException("arg", "the " + key + " topic takes no argument");
        }
        return key;
    }

    @Override
    public Object snapshot(String key) {
        return Map.of("type", KEY, "stops", recent());
    }
}
