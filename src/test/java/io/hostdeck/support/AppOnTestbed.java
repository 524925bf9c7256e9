package io.hostdeck.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.hostdeck.testbed.Testbed;
import io.hostdeck.testbed.TestbedExtension;

/**
 * The whole app on a random port, pointed at the run's testbed through {@code hostdeck.host.root}
 * and {@code hostdeck.host.bus}, with the {@link TestUsers}. Every subclass shares one Spring
 * context (the configuration is the same), so the suite starts the app once.
 */
@ExtendWith(TestbedExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class AppOnTestbed {

    protected static final Duration T = Duration.ofSeconds(30);
    /** The bearer token /metrics takes in the suite. */
    protected static final String METRICS_TOKEN = "metrics-token-for-tests";
    /** The suite's audit file: a new one per run. */
    protected static final java.nio.file.Path AUDIT_FILE = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"),
            "hostdeck-audit-" + ProcessHandle.current().pid() + ".log");

    /** The suite's users file, one for the whole run (a supplier that wrote a new file at each read would give tests another file than the app's). */
    protected static final java.nio.file.Path USERS_FILE = TestUsers.write();
    /** The suite's API tokens file: a new one per run. */
    protected static final java.nio.file.Path TOKENS_FILE = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"),
            "hostdeck-tokens-" + ProcessHandle.current().pid());

    @DynamicPropertySource
    static void pointAtTheTestbed(DynamicPropertyRegistry registry) {
        Testbed testbed = TestbedExtension.shared();
        registry.add("hostdeck.host.root", () -> testbed.root().toString());
        registry.add("hostdeck.host.bus", testbed::busAddress);
        registry.add("hostdeck.users-file", USERS_FILE::toString);
        registry.add("hostdeck.audit.file", () -> AUDIT_FILE.toString());
        registry.add("hostdeck.tokens.file", () -> TOKENS_FILE.toString());
        registry.add("hostdeck.roles.scoped.hdpam-app-ops", () -> "OPERATOR:hd-app-*.service");
        registry.add("hostdeck.metrics.token", () -> METRICS_TOKEN);
        // terminals: users-file accounts get the testbed's root; a page that stops reading ends its terminal in 5 s
        registry.add("hostdeck.terminal.account", () -> "root");
        registry.add("hostdeck.terminal.stall-timeout", () -> "5s");
    }

    @LocalServerPort
    protected int port;

    protected static Testbed testbed() {
        return TestbedExtension.shared();
    }

    /** A session logged in through the form as one of the {@link TestUsers}. */
    protected WebSession logIn(String user) {
        var web = new WebSession(port);
        assertThat(web.login(user, TestUsers.PASSWORD).headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).doesNotContain("error"));
        return web;
    }

    /** systemctl inside the testbed; its standard output, stripped. */
    protected static String ctl(String... args) {
        String[] argv = new String[args.length + 1];
        argv[0] = "systemctl";
        System.arraycopy(args, 0, argv, 1, args.length);
        return inTestbed(argv);
    }

    /** Any command inside the testbed (an argument array); its standard output, stripped. */
    protected static String inTestbed(String... argv) {
        return testbed().exec(T, argv).stdout().strip();
    }
}
