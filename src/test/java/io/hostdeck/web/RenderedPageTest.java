package io.hostdeck.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.servlet.View;
import org.springframework.web.servlet.ViewResolver;

/** A page written with bytes in place of its marker: the log view's entries (LogsController). */
class RenderedPageTest {

    private static final String MARKER = "<here/>";

    private static RenderedPage page(String text) {
        View view = (model, request, response) -> response.getWriter().write(text.replace("NAME",
                String.valueOf(model.get("name"))));
        ViewResolver views = (name, locale) -> name.equals("v") ? view : null;
        return new RenderedPage(views);
    }

    @Test
    void theInsertGoesWhereTheMarkerIsAndTheLengthCountsBytes() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        page("<p>NAME → </p><div>" + MARKER + "</div><p>after ←</p>").write("v", Map.of("name", "é"), MARKER,
                () -> "<i>ü</i>".getBytes(StandardCharsets.UTF_8), new MockHttpServletRequest(), response);

        byte[] body = response.getContentAsByteArray();
        assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("<p>é → </p><div><i>ü</i></div><p>after ←</p>");
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentType()).isEqualTo("text/html;charset=UTF-8");
        assertThat(response.getContentLengthLong()).isEqualTo(body.length);
    }

    @Test
    void onlyTheFirstMarkerIsReplaced() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        page(MARKER + "|" + MARKER).write("v", Map.of(), MARKER, () -> new byte[] {'x'}, new MockHttpServletRequest(),
                response);
        assertThat(response.getContentAsString()).isEqualTo("x|" + MARKER);
    }

    @Test
    void aFailingInsertWritesNothingAndIsThrownAsItCame() {
        MockHttpServletResponse response = new MockHttpServletResponse();
        IllegalArgumentException failure = new IllegalArgumentException("bad pattern");
        assertThatThrownBy(() -> page("<p>" + MARKER + "</p>").write("v", Map.of(), MARKER, () -> {
            throw failure;
        }, new MockHttpServletRequest(), response)).isSameAs(failure);
        assertThat(response.getContentAsByteArray()).isEmpty();
        assertThat(response.isCommitted()).isFalse();
    }

    @Test
    void aFailingViewWritesNothingAndAsksNoInsert() {
        View broken = (model, request, response) -> {
            response.getWriter().write("<p>half");
            throw new IllegalStateException("template broke");
        };
        RenderedPage page = new RenderedPage((name, locale) -> broken);
        MockHttpServletResponse response = new MockHttpServletResponse();
        AtomicBoolean asked = new AtomicBoolean();
        assertThatThrownBy(() -> page.write("v", Map.of(), MARKER, () -> {
            asked.set(true);
            return new byte[0];
        }, new MockHttpServletRequest(), response)).hasMessage("template broke");
        assertThat(asked).isFalse();
        assertThat(response.getContentAsByteArray()).isEmpty();
    }

    @Test
    void aViewWithoutTheMarkerIsAnErrorThatWritesNothing() {
        MockHttpServletResponse response = new MockHttpServletResponse();
        assertThatThrownBy(() -> page("<p>no place</p>").write("v", Map.of(), MARKER, () -> new byte[0],
                new MockHttpServletRequest(), response)).hasMessageContaining("has no " + MARKER);
        assertThat(response.getContentAsByteArray()).isEmpty();
    }
}
