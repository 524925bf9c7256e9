package io.hostdeck.web;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Locale;
import java.util.Map;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.View;
import org.springframework.web.servlet.ViewResolver;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/**
 * A page's template rendered by the controller itself, into a string, instead of after it by the
 * dispatcher: a controller can then render while the host is still answering (model values that
 * wait for it, as Thymeleaf's lazy variables) and still turn a failure into its own error page,
 * since nothing has reached the client when the rendering fails. The log view does this
 * (docs/benchmarks.md, JournalBench).
 */
@Component
public class RenderedPage {

    static final MediaType HTML = new MediaType("text", "html", java.nio.charset.StandardCharsets.UTF_8);

    private final ViewResolver views;

    RenderedPage(@org.springframework.beans.factory.annotation.Qualifier("thymeleafViewResolver") ViewResolver views) {
        this.views = views;
    }

    /** {@code view} with {@code model}, as the dispatcher would render it, as a 200 response. */
    public ResponseEntity<String> render(String view, Map<String, ?> model, HttpServletRequest request,
            HttpServletResponse response) {
        try {
            View v = views.resolveViewName(view, Locale.ROOT);
            if (v == null) {
                throw new IllegalStateException("no view " + view);
            }
            StringWriter out = new StringWriter(64 * 1024);
            v.render(model, request, new Buffered(response, new PrintWriter(out)));
            return ResponseEntity.ok().contentType(HTML).body(out.toString());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("rendering " + view + " failed: " + e.getMessage(), e);
        }
    }

    /** The response as the view sees it: its text goes to a buffer; nothing is sent. */
    private static final class Buffered extends HttpServletResponseWrapper {

        private final PrintWriter writer;

        Buffered(HttpServletResponse response, PrintWriter writer) {
            super(response);
            this.writer = writer;
        }

        @Override
        public PrintWriter getWriter() {
            return writer;
        }

        @Override
        public ServletOutputStream getOutputStream() {
            throw new IllegalStateException("a rendered page is text");
        }

        @Override
        public void setContentType(String type) {
            // the page's own, set on the response it is returned in
        }

        @Override
        public void setCharacterEncoding(String charset) {
        }

        @Override
        public void flushBuffer() {
            writer.flush();
        }

        @Override
        public boolean isCommitted() {
            return false;
        }
    }
}
