package io.hostdeck.host;

import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A value read from the host, or the reason it could not be: pages show the reason in place of
 * the value instead of failing whole or showing an empty table without a word.
 */
public record Reading<T>(T value, String problem) {

    public static <T> Reading<T> of(Supplier<T> read) {
        try {
            return new Reading<>(read.get(), null);
        } catch (HostUnavailableException e) {
            return new Reading<>(null, e.getMessage());
        }
    }

    public boolean ok() {
        return problem == null;
    }

    public <R> Reading<R> map(Function<T, R> f) {
        return ok() ? new Reading<>(f.apply(value), null) : new Reading<>(null, problem);
    }
}
