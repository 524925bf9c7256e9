package io.hostdeck.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.hostdeck.host.systemd.UnitIdentity;

/** The rules that need no host: who owns a cgroup, and what makes acting on a unit a power action. */
class UnitAccessTest {

    @Test
    void aCgroupBelongsToTheHighestUnitOnItsPathThatIsNotASlice() {
        assertThat(UnitAccess.ownerOf("/system.slice/nginx.service")).isEqualTo("nginx.service");
        assertThat(UnitAccess.ownerOf("/system.slice/db.service/app-evil.service")).as("a delegated sub-cgroup")
                .isEqualTo("db.service");
        assertThat(UnitAccess.ownerOf("/system.slice/db.service/a/b/c.scope")).isEqualTo("db.service");
        assertThat(UnitAccess.ownerOf("/machine.slice/libpod-0123.scope/container")).isEqualTo("libpod-0123.scope");
        assertThat(UnitAccess.ownerOf("/user.slice/user-1000.slice/user@1000.service/app.slice/x.service"))
                .isEqualTo("user@1000.service");
        assertThat(UnitAccess.ownerOf("/user.slice/user-1000.slice")).as("a slice owns itself").isEqualTo("user-1000.slice");
        assertThat(UnitAccess.ownerOf("/system.slice/mygroup/app-x.service")).as("below a cgroup systemd did not make")
                .isEqualTo("system.slice");
        assertThat(UnitAccess.ownerOf("/mygroup/nginx.service")).isNull();
        assertThat(UnitAccess.ownerOf("/")).isNull();
    }

    @Test
    void aScopeDecidesOnTheOwnerNotOnTheLastPart() {
        Scope scope = new Scope(List.of("app-*.service"));
        assertThat(scope.allows(UnitAccess.ownerOf("/system.slice/db.service/app-evil.service"))).isFalse();
        assertThat(scope.allows(UnitAccess.ownerOf("/system.slice/app-web.service/worker"))).isTrue();
    }

    @Test
    void powerActionsAreTheSpecialTargetsTheirServicesAndWhatPullsThemIn() {
        assertThat(UnitAccess.power(unit("poweroff.target", Map.of(), List.of()))).contains("power or rescue state");
        assertThat(UnitAccess.power(unit("systemd-reboot.service", Map.of(), List.of()))).isNotNull();
        assertThat(UnitAccess.power(unit("rescue.target", Map.of(), List.of()))).isNotNull();
        assertThat(UnitAccess.power(unit("app.service", Map.of("FailureAction", "reboot"), List.of())))
                .isEqualTo("its FailureAction=reboot");
        assertThat(UnitAccess.power(unit("app.service", Map.of(), List.of("network.target", "reboot.target"))))
                .isEqualTo("it pulls in reboot.target");
        assertThat(UnitAccess.power(unit("app.service", Map.of(), List.of("network.target")))).isNull();
        assertThat(UnitAccess.power(unit("multi-user.target", Map.of(), List.of("basic.target")))).isNull();
        var alias = new UnitIdentity("ctrl-alt-del.target", "reboot.target", List.of("reboot.target", "ctrl-alt-del.target"),
                "loaded", Map.of(), List.of());
        assertThat(UnitAccess.power(alias)).isNotNull();
    }

    private static UnitIdentity unit(String id, Map<String, String> actions, List<String> pulls) {
        return new UnitIdentity(id, id, List.of(id), "loaded", actions, pulls);
    }
}
