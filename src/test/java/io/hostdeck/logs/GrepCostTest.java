package io.hostdeck.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.hostdeck.error.InvalidInputException;

/** Searches that can take exponential time are refused before journalctl runs them; ordinary ones are not. */
class GrepCostTest {

    @ParameterizedTest
    @ValueSource(strings = {"(a+)+$", "^x|(a+)+$", "(a|aa)*b", "(\\w+\\s?)*$", "((ab)*c)+", "(.*a){1,}x",
            "(a+)+|^x", "(x+x+)+y", "(a)\\1", "(?R)", "a(?1)", ".*.*.*.*.*x", "a+b+c+d+e+"})
    void costlyPatternsAreRefusedWhateverAlternativeCamesFirst(String pattern) {
        assertThat(GrepCost.problem(pattern)).as(pattern).isNotNull();
        assertThatThrownBy(() -> LogFilter.parse(Map.of("grep", List.of(pattern)), ZoneId.of("UTC"), Instant.now()))
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("grep: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"error", "fail(ed|ure)", "^Started .*\\.service$", "timeout after \\d+ ?ms", "(a+)",
            "[(a+)+]", "\\(a+\\)+", "x{2,5}y", "(ab){3}", "(?i)oom", "a.*b.*c.*d", "\\Q(a+)+\\E", "(?:GET|POST) /api"})
    void ordinaryPatternsPass(String pattern) {
        assertThat(GrepCost.problem(pattern)).as(pattern).isNull();
    }
}
