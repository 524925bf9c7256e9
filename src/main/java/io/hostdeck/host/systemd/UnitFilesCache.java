package io.hostdeck.host.systemd;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.hostdeck.host.HostUnavailableException;

/**
 * systemd's ListUnitFiles, cached: it costs systemd seconds at 1,000 units (5 s measured, see
 * docs/benchmarks.md), so after a change the listing is made again in the background while callers
 * keep the previous one. Only a caller that finds no listing at all waits for the one in flight.
 */
final class UnitFilesCache {

    private final SystemBus bus;
    private final Executor background;
    private final Duration timeout;
    private volatile List<UnitFile> unitFiles;         // the last listing, possibly stale; null: none yet
    private final AtomicBoolean stale = new AtomicBoolean(true);
    private CompletableFuture<List<UnitFile>> listing; // guarded by this

    /** @param timeout how long a caller with no listing at all waits for one */
    UnitFilesCache(SystemBus bus, Executor background, Duration timeout) {
        this.bus = bus;
        this.background = background;
        this.timeout = timeout;
    }

    /** The listing: the last one, or, when there is none yet, the one in flight once it is in. */
    List<UnitFile> list() {
        List<UnitFile> files = unitFiles;
        CompletableFuture<List<UnitFile>> inFlight = relistIfStale();
        if (files != null) {
            return files;
        }
        try {
            return inFlight.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new HostUnavailableException(e.getMessage(), e);
        } catch (TimeoutException e) {
            throw new HostUnavailableException("systemd did not list its unit files within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostUnavailableException("interrupted while waiting for the unit files", e);
        }
    }

    /** The last listing without waiting: empty while the first is still running. */
    Optional<List<UnitFile>> ifListed() {
        relistIfStale();
        return Optional.ofNullable(unitFiles);
    }

    /** The unit files changed: the next read lists them again. */
    void stale() {
        stale.set(true);
    }

    /**
     * Another connection, perhaps to another systemd: nothing of the old listing holds. Not listed
     * now: systemd answers nothing else while it lists unit files, so that waits until a page needs them.
     */
    void forget() {
        unitFiles = null;
        stale.set(true);
    }

    /** Starts a listing if the cache is stale and none runs; returns the one in flight (or done). */
    private synchronized CompletableFuture<List<UnitFile>> relistIfStale() {
        if (stale.compareAndSet(true, false)) {
            CompletableFuture<List<UnitFile>> next = new CompletableFuture<>();
            listing = next;
            background.execute(() -> {
                try {
                    List<UnitFile> files = read();
                    unitFiles = files;
                    next.complete(files);
                } catch (RuntimeException e) {
                    stale.set(true);
                    next.completeExceptionally(e);
                }
            });
        }
        return listing;
    }

    private List<UnitFile> read() {
        return bus.call(c -> SystemBus.manager(c).ListUnitFiles()).stream()
                .map(f -> new UnitFile(f.path.substring(f.path.lastIndexOf('/') + 1), f.path, f.state))
                .toList();
    }
}
