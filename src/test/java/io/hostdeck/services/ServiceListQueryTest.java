package io.hostdeck.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServiceListQueryTest {

    private final UnitRow ssh = new UnitRow("ssh.service", "OpenBSD Secure Shell server", "loaded", "active",
            "running", "enabled", null, null, null, null, null, true);
    private final UnitRow broken = new UnitRow("app.service", "App", "loaded", "failed", "failed", "disabled", null, null, null, null,
            null, true);
    private final UnitRow file = new UnitRow("idle.timer", "", "", "", "", "disabled", null, null, null, null, null, false);

    @Test
    void filtersByTypeStateEnablementAndText() {
        assertThat(ServiceListQuery.of("service", "", "").matches(ssh)).isTrue();
        assertThat(ServiceListQuery.of("timer", "", "").matches(ssh)).isFalse();
        assertThat(ServiceListQuery.of("", "failed", "").matches(broken)).isTrue();
        assertThat(ServiceListQuery.of("", "failed", "").matches(ssh)).isFalse();
        assertThat(ServiceListQuery.of("", "enabled", "").matches(ssh)).isTrue();
        assertThat(ServiceListQuery.of("", "not-loaded", "").matches(file)).isTrue();
        assertThat(ServiceListQuery.of("", "", "SECURE").matches(ssh)).isTrue();
        assertThat(ServiceListQuery.of(null, null, null).matches(file)).isTrue();
    }

    @Test
    void refusesUnknownFiltersNamingThem() {
        assertThatThrownBy(() -> ServiceListQuery.of("services", "", "")).hasMessageStartingWith("type: 'services'");
        assertThatThrownBy(() -> ServiceListQuery.of("", "dead", "")).hasMessageStartingWith("state: 'dead'");
        assertThatThrownBy(() -> ServiceListQuery.of("", "", "x".repeat(201))).hasMessageStartingWith("q: ");
        assertThatThrownBy(() -> ServiceListQuery.of("", "", "a\u0000b")).hasMessage("q: contains a control character");
    }
}
