package io.hostdeck.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One testbed for the whole test run, booted on first use and stopped when JUnit finishes
 * (or, as a backstop, when the JVM exits).
 *
 * <pre>
 * &#64;ExtendWith(TestbedExtension.class)
 * class SomethingIT {
 *     &#64;DynamicPropertySource
 *     static void bus(DynamicPropertyRegistry registry) {
 *         registry.add("app.bus-address", () -&gt; TestbedExtension.shared().busAddress());
 *     }
 *     &#64;Test void works(Testbed testbed) { ... }
 * }
 * </pre>
 */
public final class TestbedExtension implements BeforeAllCallback, ParameterResolver {

    static final String SHARED_NAME = "suite";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(TestbedExtension.class);

    private static volatile Testbed shared;
    private static RuntimeException bootFailure;
    private static boolean hookAdded;

    /**
     * The run's testbed, booted on the first call. Works without any JUnit callback having run
     * (Spring evaluates {@code @DynamicPropertySource} methods before the test's callbacks).
     */
    public static synchronized Testbed shared() {
        if (shared != null) {
            return shared;
        }
        // booting again for every test class would only repeat the same failure, slowly
        if (bootFailure != null) {
            throw new IllegalStateException("the shared testbed failed to boot earlier in this run", bootFailure);
        }
        if (!hookAdded) {
            Runtime.getRuntime().addShutdownHook(new Thread(TestbedExtension::closeShared, "testbed-teardown"));
            hookAdded = true;
        }
        try {
            // a run killed earlier (Ctrl-C, a CI timeout) may have left its testbed running; one
            // that is still running is another developer's, and not ours to stop
            refuseIfAnotherRunOwnsIt();
            Testbed.teardown(SHARED_NAME);
            shared = Testbed.boot(SHARED_NAME);
            Files.writeString(ownerFile(), Long.toString(ProcessHandle.current().pid()));
        } catch (IOException e) {
            bootFailure = new UncheckedIOException(e);
            throw bootFailure;
        } catch (RuntimeException e) {
            bootFailure = e;
            throw e;
        }
        return shared;
    }

    private static Path ownerFile() {
        String run = System.getenv().getOrDefault("HOSTDECK_TESTBED_RUN", "/tmp/hostdeck-testbed");
        return Path.of(run, SHARED_NAME + ".owner");
    }

    private static void refuseIfAnotherRunOwnsIt() throws IOException {
        if (!Files.exists(ownerFile())) {
            return;
        }
        long owner;
        try {
            owner = Long.parseLong(Files.readString(ownerFile()).strip());
        } catch (NumberFormatException e) {
            return;
        }
        boolean alive = owner != ProcessHandle.current().pid() && ProcessHandle.of(owner)
                .flatMap(p -> p.info().command()).map(c -> c.endsWith("/java")).orElse(false);
        if (alive) {
            throw new IllegalStateException("the testbed '" + SHARED_NAME + "' belongs to another test run, java PID "
                    + owner + ", still running: wait for it to end (or stop it), then run again");
        }
    }

    // Not synchronized: the shutdown hook must not wait for a boot that holds the lock.
    // Testbed.close() is idempotent, so closing twice from two threads is harmless.
    private static void closeShared() {
        Testbed testbed = shared;
        shared = null;
        if (testbed != null) {
            testbed.close();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // the root context closes its store's AutoCloseables when the whole run is over
        context.getRoot().getStore(NAMESPACE)
                .computeIfAbsent("shared-testbed", key -> (AutoCloseable) TestbedExtension::closeShared, AutoCloseable.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == Testbed.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return shared();
    }
}
