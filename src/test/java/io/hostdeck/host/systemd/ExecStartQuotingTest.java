package io.hostdeck.host.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** ExecStart's words as systemd's shell_maybe_quote writes them, as a unit file has them. */
class ExecStartQuotingTest {

    @Test
    void quotesWordsAShellWouldSplitOrExpandAndEscapesInside() {
        assertThat(UnitProperties.quote("/bin/sleep")).isEqualTo("/bin/sleep");
        assertThat(UnitProperties.quote("echo 'up'; exec sleep infinity")).isEqualTo("\"echo 'up'; exec sleep infinity\"");
        assertThat(UnitProperties.quote("say \"hi\" $HOME")).isEqualTo("\"say \\\"hi\\\" \\$HOME\"");
        assertThat(UnitProperties.quote("")).isEqualTo("\"\"");
        assertThat(UnitProperties.quote("a*b")).isEqualTo("\"a*b\"");
        assertThat(UnitProperties.quote("--flag=value")).isEqualTo("--flag=value");
    }
}
