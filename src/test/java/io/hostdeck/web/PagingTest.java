package io.hostdeck.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.hostdeck.error.InvalidInputException;

class PagingTest {

    private final List<Integer> rows = IntStream.rangeClosed(1, 450).boxed().toList();

    @Test
    void theDefaultIsTheFirstPageOfTwoHundred() {
        Paging.Page<Integer> page = Paging.of(null, " ").of(rows);

        assertThat(page.rows()).hasSize(200).startsWith(1).endsWith(200);
        assertThat(page.total()).isEqualTo(450);
        assertThat(page.pages()).isEqualTo(3);
        assertThat(page.first()).isEqualTo(1);
        assertThat(page.last()).isEqualTo(200);
        assertThat(page.hasPrevious()).isFalse();
        assertThat(page.hasNext()).isTrue();
        assertThat(page.paged()).isTrue();
    }

    @Test
    void theLastPageHoldsTheRestAndAPagePastItIsEmpty() {
        Paging.Page<Integer> last = Paging.of("3", "200").of(rows);
        assertThat(last.rows()).containsExactlyElementsOf(rows.subList(400, 450));
        assertThat(last.first()).isEqualTo(401);
        assertThat(last.last()).isEqualTo(450);
        assertThat(last.hasNext()).isFalse();
        assertThat(last.hasPrevious()).isTrue();

        Paging.Page<Integer> past = Paging.of("9", "200").of(rows);
        assertThat(past.rows()).isEmpty();
        assertThat(past.total()).isEqualTo(450);
        assertThat(past.first()).isZero();
        assertThat(past.paged()).isTrue();
    }

    @Test
    void aListThatFitsOnOnePageIsNotPaged() {
        Paging.Page<Integer> page = Paging.of(null, null).of(rows.subList(0, 10));
        assertThat(page.paged()).isFalse();
        assertThat(page.pages()).isEqualTo(1);
        assertThat(Paging.of(null, null).of(List.of()).pages()).isEqualTo(1);
        assertThat(Paging.ALL.of(rows).rows()).hasSize(450);
    }

    @Test
    void linksLeaveTheDefaultsOut() {
        assertThat(Paging.of(null, null).query(1)).isEmpty();
        assertThat(Paging.of(null, null).query(2)).isEqualTo("page=2");
        assertThat(Paging.of("2", "50").query(1)).isEqualTo("size=50");
        assertThat(Paging.of("2", "50").query(3)).isEqualTo("page=3&size=50");
    }

    @Test
    void badValuesAre400NamingTheParameter() {
        assertThatThrownBy(() -> Paging.of("-1", null)).isInstanceOf(InvalidInputException.class)
                .hasMessage("page: -1 is outside 1..1000000");
        assertThatThrownBy(() -> Paging.of("0", null)).hasMessage("page: 0 is outside 1..1000000");
        assertThatThrownBy(() -> Paging.of("two", null)).hasMessage("page: 'two' is not a whole number; 1..1000000");
        assertThatThrownBy(() -> Paging.of("1.5", null)).hasMessageStartingWith("page: '1.5' is not a whole number");
        assertThatThrownBy(() -> Paging.of("99999999999999999999999", null))
                .hasMessage("page: 99999999999999999999… is outside 1..1000000");
        assertThatThrownBy(() -> Paging.of(null, "1001")).hasMessage("size: 1001 is outside 1..1000");
        assertThatThrownBy(() -> Paging.of(null, "0")).hasMessage("size: 0 is outside 1..1000");
        assertThatThrownBy(() -> Paging.of(null, "1e3")).hasMessageStartingWith("size: '1e3' is not a whole number");
        assertThat(Paging.of(" 2 ", "+10")).isEqualTo(new Paging(2, 10));
    }
}
