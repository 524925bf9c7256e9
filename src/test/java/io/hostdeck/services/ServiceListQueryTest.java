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
        assertThat(ServiceListQuery.of("all", "failed", "").matches(broken)).isTrue();
        assertThat(ServiceListQuery.of("all", "failed", "").matches(ssh)).isFalse();
        assertThat(ServiceListQuery.of("all", "enabled", "").matches(ssh)).isTrue();
        assertThat(ServiceListQuery.of("all", "not-loaded", "").matches(file)).isTrue();
        assertThat(ServiceListQuery.of("all", "", "SECURE").matches(ssh)).isTrue();
        assertThat(ServiceListQuery.of("all", null, null).matches(file)).isTrue();
    }

    @Test
    void showsServicesWhenNoTypeIsGiven() {
        assertThat(ServiceListQuery.of(null, null, null).matches(ssh)).isTrue();
        assertThat(ServiceListQuery.of("", "", "").matches(file)).isFalse();
        assertThat(ServiceListQuery.of("ALL", "", "").matches(file)).isTrue();
    }

    @Test
    void sortsByAColumnEitherWayWithEmptyValuesLast() {
        UnitRow big = new UnitRow("big.service", "Big", "loaded", "active", "running", "enabled", 10L, null, 1.0, 900L, 3L, true);
        UnitRow small = new UnitRow("small.service", "Small", "loaded", "active", "running", "enabled", 20L, null, 2.0, 100L, 1L, true);
        var rows = java.util.List.of(ssh, small, big);
        assertThat(ServiceListQuery.of("", "", "", "memory").sorted(rows)).containsExactly(small, big, ssh);
        assertThat(ServiceListQuery.of("", "", "", "-memory").sorted(rows)).containsExactly(big, small, ssh);
        assertThat(ServiceListQuery.of("", "", "", "-pid").sorted(rows)).containsExactly(small, big, ssh);
        assertThat(ServiceListQuery.of("", "", "", "-name").sorted(rows)).containsExactly(ssh, small, big);
        assertThat(ServiceListQuery.of("", "", "", "memory").sortLink("memory")).isEqualTo("-memory");
        assertThat(ServiceListQuery.of("", "", "", "-memory").sortLink("memory")).isEqualTo("memory");
        assertThat(ServiceListQuery.of("", "", "", "").sortLink("name")).isEqualTo("-name");
    }

    @Test
    void refusesUnknownFiltersNamingThem() {
        assertThatThrownBy(() -> ServiceListQuery.of("services", "", "")).hasMessageStartingWith("type: 'services'");
        assertThatThrownBy(() -> ServiceListQuery.of("", "dead", "")).hasMessageStartingWith("state: 'dead'");
        assertThatThrownBy(() -> ServiceListQuery.of("", "", "x".repeat(201))).hasMessageStartingWith("q: ");
        assertThatThrownBy(() -> ServiceListQuery.of("", "", "a\u0000b")).hasMessage("q: contains a control character");
        assertThatThrownBy(() -> ServiceListQuery.of("", "", "", "colour")).hasMessageStartingWith("sort: 'colour' is not a column");
    }
}
