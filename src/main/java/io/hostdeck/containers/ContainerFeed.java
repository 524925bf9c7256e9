package io.hostdeck.containers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

import io.hostdeck.host.namespaces.NamespaceScanner;
import io.hostdeck.host.runtime.ContainerRuntimes;
import io.hostdeck.host.runtime.RuntimeContainer;
import io.hostdeck.live.LiveHub;
import io.hostdeck.live.LiveTopic;
import io.hostdeck.security.Scope;

/**
 * The live channel's {@code containers} topic: every runtime container's name and state (whole
 * states of those that changed, and the ids of those gone), and a signature of what the list
 * holds (which kernel containers, which runtime claims each, which do not run, which runtime
 * answers), so the list fetches itself again only when that changed. While anyone follows it,
 * it asks the runtimes and scans the kernel's view once per {@link #PERIOD}, on its own thread;
 * nobody following costs nothing.
 *
 * <p>Like every containers page, it is for grants over every unit: {@link #authorize} decides on
 * the grant alone, never on anything a page sends.
 */
@Component
class ContainerFeed implements LiveTopic, DisposableBean {

    static final String KEY = "containers";
    static final Duration PERIOD = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(ContainerFeed.class);

    private final ContainerRuntimes runtimes;
    private final NamespaceScanner scanner;
    private final LiveHub hub;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "container-feed");
        t.setDaemon(true);
        return t;
    });
    /** What was last sent (or snapshotted), by runtime id; written under {@code this}. */
    private Map<String, LiveContainer> last = Map.of();
    private String lastRoster = "";
    private String lastRosterAll = "";

    /** A runtime's container as the pages show it live. */
    record LiveContainer(String runtime, String id, String name, String image, String state, String status,
            String health, boolean running, boolean paused, String ports, String href) {
        static LiveContainer of(RuntimeContainer c) {
            return new LiveContainer(c.runtime(), c.id(), c.name(), c.image(), c.state(), c.status(), c.health(),
                    c.running(), c.paused(), c.portsText(), RuntimeRef.href(c));
        }
    }

    /**
     * One message: the containers whose state changed (all of them in a snapshot), the runtime
     * ids of those that are gone, the list's signatures (services sandboxed by systemd hidden, and
     * shown) and when it was read, in milliseconds since the epoch (a page drops what is older
     * than itself).
     */
    record ContainersMessage(String type, List<LiveContainer> containers, List<String> gone, String roster,
            String rosterAll, long at) {
    }

    ContainerFeed(ContainerRuntimes runtimes, NamespaceScanner scanner, LiveHub hub) {
        this.runtimes = runtimes;
        this.scanner = scanner;
        this.hub = hub;
        timer.scheduleWithFixedDelay(this::tick, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
    }

    @Override
    public String name() {
        return KEY;
    }

    @Override
    public String key(String argument) {
        return ContainerStops.noArgument(KEY, argument);
    }

    /** Containers are for grants over every unit, as every containers page is. */
    @Override
    public void authorize(Authentication grant, String argument) {
        Scope.of(grant).requireAll("following containers");
    }

    /** The state now, whole (read afresh: what the timer last sent stays its reference, so no follower misses a change). */
    @Override
    public Object snapshot(String key) {
        Reading now = read();
        if (now == null) {
            synchronized (this) {
                return new ContainersMessage(KEY, new ArrayList<>(last.values()), List.of(), lastRoster, lastRosterAll,
                        System.currentTimeMillis());
            }
        }
        return new ContainersMessage(KEY, new ArrayList<>(now.containers().values()), List.of(), now.roster(),
                now.rosterAll(), now.at());
    }

    private void tick() {
        if (!hub.hasSubscribers(KEY)) {
            return;
        }
        try {
            Reading now = read();
            if (now == null) {
                return;
            }
            ContainersMessage changes;
            synchronized (this) {
                Map<String, LiveContainer> before = last;
                // a runtime whose API did not answer this time still has its containers: unknown now, not gone
                Map<String, LiveContainer> next = new java.util.LinkedHashMap<>(now.containers());
                before.values().stream().filter(c -> !now.answering().contains(c.runtime()))
                        .forEach(c -> next.putIfAbsent(c.id(), c));
                List<LiveContainer> changed = next.values().stream().filter(c -> !c.equals(before.get(c.id()))).toList();
                List<String> gone = before.keySet().stream().filter(id -> !next.containsKey(id)).toList();
                boolean same = changed.isEmpty() && gone.isEmpty() && now.roster().equals(lastRoster)
                        && now.rosterAll().equals(lastRosterAll);
                last = next;
                lastRoster = now.roster();
                lastRosterAll = now.rosterAll();
                if (same) {
                    return;
                }
                changes = new ContainersMessage(KEY, changed, gone, now.roster(), now.rosterAll(), now.at());
            }
            hub.publish(KEY, changes);
        } catch (RuntimeException e) {
            log.debug("cannot read the containers now: {}", e.getMessage());
        }
    }

    /** What the runtimes (those in {@code answering}) and the kernel's view hold at {@code at}. */
    private record Reading(Map<String, LiveContainer> containers, java.util.Set<String> answering, String roster,
            String rosterAll, long at) {
    }

    /** Reads the runtimes and the kernel's view; null when the host cannot be read now. */
    private Reading read() {
        long at = System.currentTimeMillis();
        ContainerRuntimes.View view = runtimes.view();
        NamespaceScanner.Snapshot s;
        try {
            s = scanner.scan();
        } catch (RuntimeException e) {
            log.debug("cannot scan the namespaces now: {}", e.getMessage());
            return null;
        }
        Map<String, LiveContainer> now = new java.util.LinkedHashMap<>();
        for (RuntimeContainer c : view.containers()) {
            now.put(c.id(), LiveContainer.of(c));
        }
        java.util.Set<String> answering = new java.util.HashSet<>();
        view.statuses().stream().filter(io.hostdeck.host.runtime.RuntimeStatus::answering).forEach(st -> answering.add(st.runtime()));
        return new Reading(now, answering, ContainerQueries.roster(s, view, false), ContainerQueries.roster(s, view, true), at);
    }
}
