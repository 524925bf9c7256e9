package io.hostdeck.security;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.stereotype.Component;

/**
 * Counts failed logins per user name and per address. From the fifth failure in a row, that user
 * or address is locked out for 30 s, doubling with each further failure up to 15 min; a success
 * clears the counts of its user and address. Failures older than 15 min are forgotten.
 */
@Component
class LoginThrottle {

    static final int FREE_FAILURES = 5;
    static final Duration FIRST_LOCK = Duration.ofSeconds(30);
    static final Duration LONGEST_LOCK = Duration.ofMinutes(15);
    private static final long FORGET_NANOS = Duration.ofMinutes(15).toNanos();
    private static final int MAX_KEYS = 10_000;

    private static final class Count {
        int failures;
        long lastFailure;
        long lockedUntil;
    }

    private final Map<String, Count> counts = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Count> eldest) {
            return size() > MAX_KEYS;
        }
    };

    /** How long {@code user} from {@code address} must still wait, zero when it may try. */
    synchronized Duration wait(String user, String address) {
        long now = System.nanoTime();
        long until = Math.max(lockedUntil("user:" + user, now), lockedUntil("address:" + address, now));
        return until > now ? Duration.ofNanos(until - now) : Duration.ZERO;
    }

    /** Records a failure; the lock it causes, zero if none yet. */
    synchronized Duration failed(String user, String address) {
        long now = System.nanoTime();
        Duration a = fail("user:" + user, now);
        Duration b = fail("address:" + address, now);
        return a.compareTo(b) >= 0 ? a : b;
    }

    synchronized void succeeded(String user, String address) {
        counts.remove("user:" + user);
        counts.remove("address:" + address);
    }

    /** Forgets every count (for tests that must not leave a lockout behind). */
    synchronized void clear() {
        counts.clear();
    }

    private long lockedUntil(String key, long now) {
        Count c = counts.get(key);
        return c == null ? now : c.lockedUntil;
    }

    private Duration fail(String key, long now) {
        Count c = counts.computeIfAbsent(key, k -> new Count());
        if (c.failures > 0 && now - c.lastFailure > FORGET_NANOS) {
            c.failures = 0;
        }
        c.failures++;
        c.lastFailure = now;
        if (c.failures < FREE_FAILURES) {
            return Duration.ZERO;
        }
        int doublings = Math.min(c.failures - FREE_FAILURES, 10);
        Duration lock = FIRST_LOCK.multipliedBy(1L << doublings);
        if (lock.compareTo(LONGEST_LOCK) > 0) {
            lock = LONGEST_LOCK;
        }
        c.lockedUntil = now + lock.toNanos();
        return lock;
    }
}
