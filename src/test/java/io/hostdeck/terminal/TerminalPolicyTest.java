package io.hostdeck.terminal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;

import io.hostdeck.security.Role;

/** Who may open a terminal: the roles the setting lists, and never a grant limited to some units. */
class TerminalPolicyTest {

    private static TerminalPolicy policy(Role... roles) {
        return new TerminalPolicy(new TerminalSettings(List.of(roles), "", 4, 16, Duration.ofMinutes(15),
                Duration.ofSeconds(30), "", Duration.ofDays(90)));
    }

    private static UsernamePasswordAuthenticationToken user(String... authorities) {
        return UsernamePasswordAuthenticationToken.authenticated("u", null, AuthorityUtils.createAuthorityList(authorities));
    }

    @Test
    void adminsOnlyByDefault() {
        TerminalPolicy p = policy(Role.ADMIN);
        assertThat(p.allows(user("ROLE_ADMIN"))).isTrue();
        assertThat(p.refusal(user("ROLE_OPERATOR"))).isEqualTo(
                "terminals are for the roles [ADMIN] (hostdeck.terminal.roles); yours is OPERATOR");
        assertThat(p.allows(user("ROLE_VIEWER"))).isFalse();
        assertThat(p.allows(null)).isFalse();
    }

    @Test
    void theSettingNamesEachRoleAndAScopedGrantNeverMay() {
        TerminalPolicy p = policy(Role.OPERATOR, Role.ADMIN);
        assertThat(p.allows(user("ROLE_OPERATOR"))).isTrue();
        assertThat(p.refusal(user("ROLE_ADMIN", "SCOPE_app-*.service"))).isEqualTo(
                "terminals are for grants over every unit; yours is limited to app-*.service");
        assertThat(p.allows(user("ROLE_VIEWER"))).isFalse();
    }
}
