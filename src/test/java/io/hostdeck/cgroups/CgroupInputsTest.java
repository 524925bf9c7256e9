package io.hostdeck.cgroups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.hostdeck.error.InvalidInputException;

/** What the cgroup pages take from URLs, forms and WebSocket messages. */
class CgroupInputsTest {

    @Test
    void pathsAreNormalisedToSystemdsSpelling() {
        assertThat(CgroupPaths.require("path", "")).isEqualTo("/");
        assertThat(CgroupPaths.require("path", "/")).isEqualTo("/");
        assertThat(CgroupPaths.require("path", "/system.slice/")).isEqualTo("/system.slice");
        assertThat(CgroupPaths.require("path", "system.slice/a.service")).isEqualTo("/system.slice/a.service");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/..", "/system.slice/../../etc", "//etc", "/a/./b", "/a/..", "/a\nb", "/a\u0000b"})
    void traversalAndControlCharactersAreRefused(String path) {
        assertThatThrownBy(() -> CgroupPaths.require("path", path)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("path: ");
    }

    @Test
    void aCgroupIsAUnitsOwnOnlyWhenSystemdMadeItForThatUnit() {
        assertThat(CgroupPaths.unit("/system.slice/nginx.service")).isEqualTo("nginx.service");
        assertThat(CgroupPaths.unit("/user.slice")).isEqualTo("user.slice");
        assertThat(CgroupPaths.unit("/system.slice/db.service/app-evil.service")).as("a sub-cgroup of db.service").isNull();
        assertThat(CgroupPaths.unit("/system.slice/db.service/x/db.service")).isNull();
        assertThat(CgroupPaths.unit("/mygroup")).isNull();
        assertThat(CgroupPaths.unit("/docker/0123abcd")).isNull();
    }

    @Test
    void theTopTableSortsLikeCgtopAndCutsAtTheDepth() {
        Map<String, CgroupRates> latest = Map.of(
                "/", rates("/", 90.0, 900L),
                "/system.slice", rates("/system.slice", 50.0, 100L),
                "/system.slice/a.service", rates("/system.slice/a.service", 10.0, 700L),
                "/system.slice/b.service", rates("/system.slice/b.service", null, 50L),
                "/user.slice/u.slice/s.scope", rates("/user.slice/u.slice/s.scope", 70.0, 10L));

        assertThat(CgroupView.of("cpu", "2").rows(latest)).extracting(CgroupRates::path).containsExactly(
                "/", "/system.slice", "/system.slice/a.service", "/system.slice/b.service");
        assertThat(CgroupView.of("memory", "9").rows(latest)).extracting(CgroupRates::path).startsWith(
                "/", "/system.slice/a.service", "/system.slice");
        assertThat(CgroupView.of(null, null)).isEqualTo(new CgroupView("cpu", 3));
    }

    @Test
    void badSortsAndDepthsNameTheParameter() {
        assertThatThrownBy(() -> CgroupView.of("ram", "3")).hasMessageStartingWith("sort: 'ram'");
        assertThatThrownBy(() -> CgroupView.of("cpu", "0")).hasMessageStartingWith("depth: 0 is outside");
        assertThatThrownBy(() -> CgroupView.of("cpu", "-1")).hasMessageStartingWith("depth: ");
        assertThatThrownBy(() -> CgroupView.of("cpu", "99999999999")).hasMessageStartingWith("depth: ");
    }

    @Test
    void rawLimitsTakeTheirOwnSyntax() {
        RawLimits l = RawLimits.parse(Map.of("memory", "64M", "cpuWeight", "200", "cpuQuota", "30%", "pids", "max"));
        assertThat(l).isEqualTo(new RawLimits(true, 64L << 20, 200L, true, 30_000L, true, null));
        assertThat(RawLimits.parse(Map.of("memory", "max")).memoryMax()).isNull();
        assertThat(RawLimits.parse(Map.of("memory", "max")).memorySet()).isTrue();
    }

    @Test
    void badRawLimitsNameTheField() {
        for (List<String> c : List.of(List.of("memory", "12Q"), List.of("memory", "1K"), List.of("memory", "-5M"),
                List.of("cpuWeight", "0"), List.of("cpuWeight", "10001"), List.of("cpuQuota", "30"),
                List.of("cpuQuota", "0%"), List.of("pids", "0"), List.of("pids", "1 2"), List.of("memory", "1G\n"))) {
            assertThatThrownBy(() -> RawLimits.parse(Map.of(c.get(0), c.get(1)))).as(c.toString())
                    .isInstanceOf(InvalidInputException.class).hasMessageStartingWith(c.get(0) + ": ");
        }
        assertThatThrownBy(() -> RawLimits.parse(Map.of())).hasMessageStartingWith("limits: ");
    }

    private static CgroupRates rates(String path, Double cpu, Long memory) {
        return new CgroupRates(path, cpu, memory, null, null, null, 1L, null, null, null, null, null, null, null);
    }
}
