package io.hostdeck.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    @Test
    void theFifthFailureLocksOutFor30sDoublingUpTo15Minutes() {
        LoginThrottle t = new LoginThrottle();
        for (int i = 1; i < LoginThrottle.FREE_FAILURES; i++) {
            assertThat(t.failed("eve", "10.0.0.9")).as("failure %d", i).isZero();
            assertThat(t.wait("eve", "10.0.0.9")).isZero();
        }
        assertThat(t.failed("eve", "10.0.0.9")).isEqualTo(Duration.ofSeconds(30));
        assertThat(t.wait("eve", "10.0.0.1")).as("the user, from anywhere").isPositive();
        assertThat(t.wait("bob", "10.0.0.9")).as("the address, for anyone").isPositive();
        assertThat(t.wait("bob", "10.0.0.1")).isZero();
        assertThat(t.failed("eve", "10.0.0.9")).isEqualTo(Duration.ofSeconds(60));
        for (int i = 0; i < 10; i++) {
            t.failed("eve", "10.0.0.9");
        }
        assertThat(t.failed("eve", "10.0.0.9")).isEqualTo(LoginThrottle.LONGEST_LOCK);
    }

    @Test
    void aSuccessClearsItsUserAndAddress() {
        LoginThrottle t = new LoginThrottle();
        for (int i = 1; i < LoginThrottle.FREE_FAILURES; i++) {
            t.failed("eve", "10.0.0.9");
        }
        t.succeeded("eve", "10.0.0.9");
        assertThat(t.failed("eve", "10.0.0.9")).as("counting starts again").isZero();
    }
}
