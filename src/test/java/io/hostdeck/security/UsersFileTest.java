package io.hostdeck.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

class UsersFileTest {

    private static final String HASH = new BCryptPasswordEncoder(4).encode("pw");
    // htpasswd -B writes the $2y$ variant: it must be accepted too
    private static final String HTPASSWD_HASH = new BCryptPasswordEncoder(BCryptPasswordEncoder.BCryptVersion.$2Y, 4)
            .encode("pw");

    @Test
    void parsesEveryValidLineAndSkipsCommentsAndBlanks() {
        List<String> problems = new ArrayList<>();
        var entries = UsersFile.parse(List.of(
                "# comment", "", "admin:" + HASH + ":ADMIN", "  ops:" + HTPASSWD_HASH + ":operator  "), problems::add);

        assertThat(entries).extracting(UsersFile.Entry::name, UsersFile.Entry::role)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("admin", Role.ADMIN),
                        org.assertj.core.groups.Tuple.tuple("ops", Role.OPERATOR));
        assertThat(problems).isEmpty();
    }

    @Test
    void aFourthFieldLimitsTheGrantToUnitPatterns() {
        var e = UsersFile.parseLine("appop:" + HASH + ":OPERATOR:app-*.service, web.service").orElseThrow();
        assertThat(e.scope()).containsExactly("app-*.service", "web.service");
        assertThat(e.line()).endsWith(":OPERATOR:app-*.service,web.service");
        Scope s = new Scope(e.scope());
        assertThat(s.allows("app-billing.service")).isTrue();
        assertThat(s.allows("web.service")).isTrue();
        assertThat(s.allows("app.service")).isFalse();
        assertThat(s.allows("db.service")).isFalse();
        assertThat(Scope.glob("a?c*", "abcdef")).isTrue();
        assertThat(Scope.glob("a?c*", "ac")).isFalse();
    }

    @Test
    void reportsEachBadLineByNumberAndUsesNoneOfIt() {
        List<String> problems = new ArrayList<>();
        var entries = UsersFile.parse(List.of(
                "admin:" + HASH + ":ROOT",              // unknown role
                "admin:plaintext:ADMIN",                  // not a bcrypt hash
                "Admin:" + HASH + ":ADMIN",               // not a Linux-style name
                "admin:" + HASH,                          // missing role
                "admin:" + HASH + ":ADMIN:a.service:b",   // a fifth field
                "admin:" + HASH + ":ADMIN:a b.service",   // a space in a unit pattern
                "../x:" + HASH + ":ADMIN"), problems::add);

        assertThat(entries).isEmpty();
        assertThat(problems).hasSize(7);
        assertThat(problems.get(1)).startsWith("line 2 ");
    }

    @Test
    void writesLinesItCanReadBack() {
        var entry = new UsersFile.Entry("viewer1", HASH, Role.VIEWER);
        assertThat(UsersFile.parseLine(entry.line())).contains(entry);
    }

    @Test
    void rolesIncludeTheOnesBelow() {
        assertThat(Role.ADMIN.includes(Role.OPERATOR)).isTrue();
        assertThat(Role.OPERATOR.includes(Role.VIEWER)).isTrue();
        assertThat(Role.VIEWER.includes(Role.OPERATOR)).isFalse();
        assertThat(Role.highest(List.of("ROLE_VIEWER", "ROLE_ADMIN", "ROLE_OPERATOR"))).contains(Role.ADMIN);
        assertThat(Role.highest(List.of("ROLE_ANONYMOUS"))).isEmpty();
    }
}
