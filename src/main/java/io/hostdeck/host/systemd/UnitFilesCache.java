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

import org.freedesktop.dbus.DBusAsyncReply;

import io.hostdeck.host.HostUnavailableException;

/**
 * systemd's ListUnitFiles, cached: it costs systemd seconds at 1,000 units (5 s measured, see
 * docs/benchmarks.md), so after a change the listing is made again in the background while callers
 * keep the previous one. Only a caller that finds no listing at all waits for the one in flight.
 *
 * <p>systemd works out each file's state by scanning the unit directories, so the listing grows
 * with the square of the files: minutes at 10,000 files in {@code /etc/systemd/system}, during
 * which systemd answers nothing else. The call therefore waits as long as systemd needs
 * ({@link #LISTING_TIMEOUT}), not the bus's call timeout: given up after 20 s and asked again at
 * the next page, it kept systemd busy for good (every page then waited 20 s for a ListUnits that
 * timed out). {@link #listing()} tells others not to queue calls behind it.
 */
final class UnitFilesCache {

    /** How long the listing may take systemd before it counts as failed. */
    static final Duration LISTING_TIMEOUT = Duration.ofMinutes(15);
    /** How long a listing runs before {@link #listing()} says systemd is busy with it. */
    static final Duration BUSY_AFTER = Duration.ofSeconds(1);

    private final SystemBus bus;
    private final Executor background;
    private final Duration timeout;
    private volatile List<UnitFile> unitFiles;         // the last listing, possibly stale; null: none yet
    private final AtomicBoolean stale = new AtomicBoolean(true);
    private CompletableFuture<List<UnitFile>> listing; // guarded by this
    private long listingSince;                          // System.nanoTime() it started; guarded by this
    private final Runnable listed;

    /**
     * @param timeout how long a caller with no listing at all waits for one
     * @param listed run after each listing: what was read from the caches meanwhile may be stale
     */
    UnitFilesCache(SystemBus bus, Executor background, Duration timeout, Runnable listed) {
        this.bus = bus;
        this.background = background;
        this.timeout = timeout;
        this.listed = listed;
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

    /**
     * Whether a listing has been in flight for more than {@link #BUSY_AFTER}: systemd answers nothing
     * else until it is done. A call made sooner waits behind it (on most hosts the listing is over
     * in well under a second, and the call then gets systemd's newest answer).
     */
    synchronized boolean listing() {
        return listing != null && !listing.isDone() && System.nanoTime() - listingSince > BUSY_AFTER.toNanos();
    }

    /**
     * {@link #listing()}, after waiting for the listing in flight, if any, until it has run for
     * {@link #BUSY_AFTER}: on most hosts it is in by then, and a call made next gets systemd's newest
     * answer; on a host where it takes systemd a minute, no caller waits more than that second.
     */
    boolean listingAfterAWhile() {
        CompletableFuture<List<UnitFile>> inFlight;
        long left;
        synchronized (this) {
            if (listing == null || listing.isDone()) {
                return false;
            }
            inFlight = listing;
            left = BUSY_AFTER.toNanos() - (System.nanoTime() - listingSince);
        }
        if (left > 0) {
            try {
                inFlight.get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return true;
            } catch (ExecutionException e) {
                return false; // it failed: systemd is free again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }
        return !inFlight.isDone();
    }

    /** The unit files changed: the next read lists them again. */
    void stale() {
        stale.set(true);
    }

    /**
     * Another connection, perhaps to another systemd: nothing of the old listing holds. Not listed
     * now: systemd answers nothing else while it lists unit files, so that waits until a page needs them.
     */
    synchronized void forget() {
        unitFiles = null;
        stale.set(true);
        listing = null; // a listing over the old connection says nothing of the new one's systemd
    }

    /** Starts a listing if the cache is stale and none runs; returns the one in flight (or done). */
    private synchronized CompletableFuture<List<UnitFile>> relistIfStale() {
        if (stale.compareAndSet(true, false)) {
            CompletableFuture<List<UnitFile>> next = new CompletableFuture<>();
            listing = next;
            listingSince = System.nanoTime();
            background.execute(() -> {
                try {
                    List<UnitFile> files = read();
                    unitFiles = files;
                    next.complete(files);
                } catch (RuntimeException e) {
                    stale.set(true);
                    next.completeExceptionally(e);
                } finally {
                    listed.run();
                }
            });
        }
        return listing;
    }

    @SuppressWarnings("unchecked")
    private List<UnitFile> read() {
        List<UnitFileStruct> files = bus.call(c -> {
            DBusAsyncReply<?> reply = c.callMethodAsync(SystemBus.manager(c), "ListUnitFiles");
            if (reply.getCall().getReply(LISTING_TIMEOUT.toMillis()) == null) {
                throw new HostUnavailableException("systemd did not list its unit files within "
                        + LISTING_TIMEOUT.toMinutes() + " minutes");
            }
            return (List<UnitFileStruct>) reply.getReply();
        });
        return files.stream().map(f -> new UnitFile(f.path.substring(f.path.lastIndexOf('/') + 1), f.path, f.state))
                .toList();
    }
}
