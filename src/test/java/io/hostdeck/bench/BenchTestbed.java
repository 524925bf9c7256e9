package io.hostdeck.bench;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.context.ConfigurableApplicationContext;

import io.hostdeck.testbed.Testbed;

/**
 * A bench's own testbed: booted under the bench's name once what a killed earlier run left is
 * torn down, and torn down at the end, also on Ctrl-C (a shutdown hook): first the app the bench
 * started against it, if any, then the testbed, or whatever an interrupted boot left.
 */
final class BenchTestbed {

    private BenchTestbed() {
    }

    /** What a bench does with its testbed; an app it starts goes into {@code app}, to be closed first. */
    @FunctionalInterface
    interface Bench {
        void run(Testbed tb, AtomicReference<ConfigurableApplicationContext> app) throws Exception;
    }

    static void run(String name, Bench bench) throws Exception {
        AtomicReference<Testbed> testbed = new AtomicReference<>();
        AtomicReference<ConfigurableApplicationContext> app = new AtomicReference<>();
        AtomicBoolean booting = new AtomicBoolean();
        Thread hook = new Thread(() -> stop(name, app, testbed, booting), name + "-teardown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Testbed.teardown(name); // what a killed earlier run left
            booting.set(true);
            testbed.set(Testbed.boot(name));
            bench.run(testbed.get(), app);
        } finally {
            stop(name, app, testbed, booting);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running or has run: nothing left to do
            }
        }
    }

    private static void stop(String name, AtomicReference<ConfigurableApplicationContext> app,
            AtomicReference<Testbed> testbed, AtomicBoolean booting) {
        ConfigurableApplicationContext ctx = app.getAndSet(null);
        if (ctx != null) {
            ctx.close();
        }
        Testbed tb = testbed.getAndSet(null);
        if (tb != null) {
            tb.close(); // teardown.sh kills what is left in the testbed's cgroups and removes them
        } else if (booting.getAndSet(false)) {
            Testbed.teardown(name); // interrupted while booting
        }
        booting.set(false);
    }
}
