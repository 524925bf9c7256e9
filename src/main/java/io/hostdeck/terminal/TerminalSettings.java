package io.hostdeck.terminal;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import io.hostdeck.security.Role;

/**
 * Who may open terminals and how many, and where their recordings go ({@code hostdeck.terminal.*}).
 *
 * @param roles        the roles that may open a terminal (a grant limited to some units never may)
 * @param account      the target's account a users-file user's host shell runs as; empty: refused
 * @param maxPerUser   at most this many open terminals per user
 * @param maxTotal     and this many in all
 * @param idleTimeout  a terminal with no keystroke for this long ends
 * @param stallTimeout a page that reads none of a terminal's output for this long ends it
 * @param recordings   the directory of the recordings; empty: {@code terminals/} beside the audit file
 * @param retention    recordings older than this are deleted (0: kept for ever)
 */
@ConfigurationProperties("hostdeck.terminal")
public record TerminalSettings(@DefaultValue("ADMIN") List<Role> roles, @DefaultValue("") String account,
        @DefaultValue("4") int maxPerUser, @DefaultValue("16") int maxTotal, @DefaultValue("15m") Duration idleTimeout,
        @DefaultValue("30s") Duration stallTimeout, @DefaultValue("") String recordings,
        @DefaultValue("90d") Duration retention) {

    public TerminalSettings {
        if (maxPerUser < 1 || maxTotal < 1) {
            throw new IllegalArgumentException("hostdeck.terminal.max-per-user and max-total are at least 1");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero() || stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new IllegalArgumentException("hostdeck.terminal.idle-timeout and stall-timeout are positive");
        }
        roles = List.copyOf(roles);
    }
}
