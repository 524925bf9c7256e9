package io.hostdeck;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessLaunchTest {

    @Test
    void vforkOnLinuxBelowJdk25WhenNothingIsSet() {
        assertThat(ProcessLaunch.chosen(null, 17, "Linux")).isEqualTo("VFORK");
        assertThat(ProcessLaunch.chosen(null, 24, "Linux")).isEqualTo("VFORK");
    }

    @Test
    void theJdksDefaultFrom25OnWhereVforkIsDeprecatedThenGone() {
        assertThat(ProcessLaunch.chosen(null, 25, "Linux")).isNull();
        assertThat(ProcessLaunch.chosen(null, 26, "Linux")).isNull();
    }

    @Test
    void anOperatorsSettingWins() {
        assertThat(ProcessLaunch.chosen("POSIX_SPAWN", 17, "Linux")).isNull();
        assertThat(ProcessLaunch.chosen("FORK", 17, "Linux")).isNull();
    }

    @Test
    void otherSystemsKeepTheirDefault() {
        assertThat(ProcessLaunch.chosen(null, 17, "Mac OS X")).isNull();
    }
}
