package io.hostdeck.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.hostdeck.error.InvalidInputException;
import io.hostdeck.host.journal.JournalQuery;

class LogFilterTest {

    private static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");

    @Test
    void readsEveryFilterAndWritesTheSameUrlBack() {
        LogFilter f = parse("unit", "a.service b.service", "unit", "c.service", "priority", "warning", "since", "-1h",
                "until", "now", "boot", "-1", "grep", "time(out)?|refused", "identifier", "sshd",
                "match", "_PID=1234", "match", "MESSAGE_ID=abc=def");

        assertThat(f.units()).containsExactly("a.service", "b.service", "c.service");
        assertThat(f.matches()).containsExactly("_PID=1234", "MESSAGE_ID=abc=def");
        String q = f.queryString();
        assertThat(q).isEqualTo("unit=a.service&unit=b.service&unit=c.service&priority=warning&since=-1h&until=now"
                + "&boot=-1&grep=time%28out%29%3F%7Crefused&identifier=sshd&match=_PID%3D1234&match=MESSAGE_ID%3Dabc%3Ddef");
        assertThat(LogFilter.parse(LogFilter.params(q), ZoneOffset.UTC, NOW)).isEqualTo(f);

        JournalQuery query = f.query(ZoneOffset.UTC, NOW);
        assertThat(query.priority()).isEqualTo(4);
        assertThat(query.since()).isEqualTo(Instant.parse("2026-11-29T09:00:00Z"));
    }

    @Test
    void blankValuesAreAbsentAndANumberIsAPriority() {
        LogFilter f = parse("unit", "", "since", " ", "priority", "3", "match", "");
        assertThat(f).isEqualTo(new LogFilter(List.of(), "err", null, null, null, null, List.of(), List.of()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "priority   | loud                | priority: 'loud' is not a priority",
        "priority   | 8                   | priority: '8' is not a priority",
        "since      | yesterday-ish       | since: 'yesterday-ish' is not a time",
        "until      | 2026-02-31          | until: '2026-02-31' is not a valid date",
        "boot       | last                | boot: 'last' is not a boot",
        "unit       | ../../etc/passwd    | unit: '../../etc/passwd' is not a unit name",
        "unit       | --output=cat        | unit: '--output=cat' is not a unit name",
        "match      | _PID                | match: '_PID' is not FIELD=value",
        "match      | pid=1               | match: 'pid' is not a journal field name",
        "match      | 1ST=x               | match: '1ST' is not a journal field name",
        "match      | --all=x             | match: '--all' is not a journal field name",
    })
    void refusesABadFilterNamingIt(String name, String value, String message) {
        assertThatThrownBy(() -> parse(name, value)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void refusesUntilBeforeSinceAndTwoValuesOfOne() {
        assertThatThrownBy(() -> parse("since", "today", "until", "yesterday"))
                .hasMessageStartingWith("until: 'yesterday' is before since 'today'");
        assertThatThrownBy(() -> parse("grep", "a", "grep", "b")).hasMessageStartingWith("grep: given 2 times");
        assertThatThrownBy(() -> parse("identifier", "bell\u0007")).hasMessageStartingWith("identifier: 'bell\u0007' is not");
    }

    @Test
    void aCursorMustLookLikeOne() {
        String real = "s=4eb25c0287ff40c59f762d53070d73f9;i=5e;b=608422f8625b4b1281e1c7c4bfe1e7e7;m=3950f45ba;"
                + "t=661665ea38cb9;x=b9caeabfd8d7549b";
        assertThat(LogFilter.cursor(Map.of("at", List.of(real)), "at")).isEqualTo(real);
        assertThatThrownBy(() -> LogFilter.cursor(Map.of("before", List.of("--reverse")), "before"))
                .hasMessageStartingWith("before: '--reverse' is not a journal cursor");
    }

    private static LogFilter parse(String... pairs) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            params.computeIfAbsent(pairs[i], k -> new java.util.ArrayList<>()).add(pairs[i + 1]);
        }
        return LogFilter.parse(params, ZoneOffset.UTC, NOW);
    }
}
