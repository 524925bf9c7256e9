package io.hostdeck.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.hostdeck.error.InvalidInputException;

/** journalctl's time forms, resolved in the host's zone (Berlin here: UTC+1 in November). */
class TimeSpecTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final Instant NOW = Instant.parse("2026-11-29T10:15:30.250Z");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "now                        | 2026-11-29T10:15:30.250Z",
        "today                      | 2026-11-28T23:00:00Z",
        "yesterday                  | 2026-11-27T23:00:00Z",
        "tomorrow                   | 2026-11-29T23:00:00Z",
        "2026-11-29                 | 2026-11-28T23:00:00Z",
        "2026-11-29 08:30           | 2026-11-29T07:30:00Z",
        "2026-11-29T08:30:15        | 2026-11-29T07:30:15Z",
        "2026-11-29 08:30:15.5      | 2026-11-29T07:30:15.500Z",
        "2026-11-29 08:30:15 UTC    | 2026-11-29T08:30:15Z",
        "2026-07-01 12:00           | 2026-07-01T10:00:00Z",
        "08:30                      | 2026-11-29T07:30:00Z",
        "-1h                        | 2026-11-29T09:15:30.250Z",
        "-90min                     | 2026-11-29T08:45:30.250Z",
        "-2d 3h                     | 2026-11-27T07:15:30.250Z",
        "-1.5h                      | 2026-11-29T08:45:30.250Z",
        "+15s                       | 2026-11-29T10:15:45.250Z",
        "1h ago                     | 2026-11-29T09:15:30.250Z",
        "-1w                        | 2026-11-22T10:15:30.250Z",
        "@1700000000                | 2023-11-14T22:13:20Z",
        "@1700000000.25             | 2023-11-14T22:13:20.250Z",
    })
    void parsesJournalctlsForms(String text, String expected) {
        assertThat(TimeSpec.parse("since", text, BERLIN, NOW)).isEqualTo(Instant.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "soon", "2026-13-01", "2026-02-30 10:00", "25:00", "1h", "-1 fortnight", "-h",
        "--since=x", "2026-11-29 08:30; rm -rf /", "-1h2"})
    void refusesWhatIsNotATimeNamingTheFilter(String text) {
        assertThatThrownBy(() -> TimeSpec.parse("until", text, BERLIN, NOW))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("until: ");
    }

    @org.junit.jupiter.api.Test
    void anUnknownUnitIsNamed() {
        assertThatThrownBy(() -> TimeSpec.parse("since", "-3 fortnights", BERLIN, NOW))
                .hasMessageContaining("unknown time unit 'fortnights'");
    }
}
