package io.hostdeck.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.hostdeck.error.InvalidInputException;
import io.hostdeck.metrics.ExternalUrl;
import io.hostdeck.security.Scope;

/** Filters, grants and URLs become PromQL string literals and matchers, never PromQL of their own. */
class FleetFilterTest {

    @Test
    void labelFiltersAreMatchersWithEscapedValues() {
        FleetFilter f = new FleetFilter("web-.*", List.of("env=prod", "dc=~fra\"}.*", "tier!=db\\x"));
        assertThat(f.selector("hostdeck")).isEqualTo("job=\"hostdeck\",env=\"prod\",dc=~\"fra\\\"}.*\",tier!=\"db\\\\x\"");
        assertThat(f.hosts(f.selector("hostdeck"))).isEqualTo(" and on (instance) last_over_time(hostdeck_info{"
                + f.selector("hostdeck") + ",hostname=~\"web-.*\"}[1h])");
        assertThat(FleetFilter.none().hosts("job=\"hostdeck\"")).isEmpty();
        assertThat(f.query()).isEqualTo("host=web-.*&label=env%3Dprod&label=dc%3D%7Efra%22%7D.*&label=tier%21%3Ddb%5Cx");
    }

    @Test
    void badFiltersAreRefusedNamingTheField() {
        assertThatThrownBy(() -> new FleetFilter("web-(", List.of())).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("host: 'web-(' is not a regular expression");
        assertThatThrownBy(() -> new FleetFilter("", List.of("env"))).hasMessageStartingWith("label: 'env' is not NAME=VALUE");
        assertThatThrownBy(() -> new FleetFilter("", List.of("1x=a"))).hasMessageStartingWith("label: '1x=a' is not");
        assertThatThrownBy(() -> new FleetFilter("", List.of("job=other"))).hasMessageContaining("set by Hostdeck");
        assertThatThrownBy(() -> new FleetFilter("", List.of("__name__=up"))).hasMessageContaining("set by Hostdeck");
        assertThatThrownBy(() -> new FleetFilter("a\nb", List.of())).hasMessage("host: contains a control character");
        assertThatThrownBy(() -> new FleetFilter("x".repeat(257), List.of())).hasMessage("host: longer than 256 characters");
        assertThatThrownBy(() -> new FleetFilter("", List.of("a=1", "b=1", "c=1", "d=1", "e=1", "f=1", "g=1", "h=1", "i=1")))
                .hasMessage("label: 9 label filters, at most 8");
    }

    @Test
    void aScopedGrantsUnitsAreARegexOnTheSeriesName() {
        assertThat(FleetFilter.units(new Scope(List.of()))).isEmpty();
        assertThat(FleetFilter.units(new Scope(List.of("app-*.service", "web?.socket"))))
                .isEqualTo(",name=~\"app\\\\-.*\\\\.service|web.\\\\.socket\"");
    }

    @Test
    void queriesRenderWithTheSelectorAndTheRateWindow() {
        String q = FleetQueries.SCOPED_TOP_CGROUPS_CPU.render("job=\"hostdeck\"", ",name=~\"a.*\"", "", Duration.ofMinutes(1));
        assertThat(q).isEqualTo("topk(20, rate(container_cpu_usage_seconds_total{job=\"hostdeck\",id!~\"/|.*\\\\.slice\","
                + "name=~\"a.*\"}[60s]))");
        assertThat(FleetQueries.ALL).extracting(FleetQueries.Query::id).doesNotHaveDuplicates();
        assertThat(FleetQueries.SCOPED).extracting(FleetQueries.Query::id).doesNotContain("top_containers_cpu")
                .doesNotHaveDuplicates();
        assertThat(FleetQueries.TOP_CGROUPS_CPU.render("job=\"hostdeck\"", "", "", Duration.ofMinutes(1)))
                .isEqualTo("topk(20, hostdeck_top_cgroup_cpu_cores{job=\"hostdeck\"})");
    }

    @Test
    void prometheusDurations() {
        assertThat(PromDuration.parse("15s")).isEqualTo(Duration.ofSeconds(15));
        assertThat(PromDuration.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(PromDuration.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThatThrownBy(() -> PromDuration.parse("15")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PromDuration.parse("s15s")).isInstanceOf(IllegalArgumentException.class);
        assertThat(PromDuration.format(Duration.ofSeconds(60))).isEqualTo("60s");
    }

    @Test
    void onlyHttpUrlsWithAHostBecomeLinks() {
        assertThat(ExternalUrl.link("https://web-1.example:8443/")).hasValue("https://web-1.example:8443");
        assertThat(ExternalUrl.link("http://10.0.0.5:8080/hostdeck")).hasValue("http://10.0.0.5:8080/hostdeck");
        assertThat(ExternalUrl.link("javascript:alert(1)")).isEmpty();
        assertThat(ExternalUrl.link("//evil.example/")).isEmpty();
        assertThat(ExternalUrl.link("http://user:pw@evil.example/")).isEmpty();
        assertThat(ExternalUrl.link("http://x.example/?a=1")).isEmpty();
        assertThat(ExternalUrl.link("")).isEmpty();
    }
}
