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
 * (docs/benchmarks.md, JournalBench), and has its entries' HTML, as bytes, written where the page
 * shows them ({@link #write}): 130 KiB that neither Thymeleaf, nor a string of the whole page, nor
 * Spring's message converter copies again.
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
            StringWriter out = new StringWriter(16 * 1024);
            v.render(model, request, new Buffered(response, new PrintWriter(out)));
            return ResponseEntity.ok().contentType(HTML).body(out.toString());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("rendering " + view + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * {@code view} with {@code model} as a 200 response, written at once with its length, with
     * {@code insert}'s bytes (UTF-8) in place of {@code marker}, which the view must write once,
     * where they go. {@code insert} is asked after the view has rendered; when the rendering or
     * {@code insert} fails, nothing is written and the exception is thrown as it came. The marker
     * must be text that no escaped value can be (e.g. a tag): the first one is replaced.
     */
    public void write(String view, Map<String, ?> model, String marker, java.util.function.Supplier<byte[]> insert,
            HttpServletRequest request, HttpServletResponse response) throws java.io.IOException {
        String page = render(view, model, request, response).getBody();
        int at = page.indexOf(marker);
        if (at < 0) {
            throw new IllegalStateException("the view " + view + " has no " + marker);
        }
        byte[] inserted = insert.get();
        byte[] head = page.substring(0, at).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] tail = page.substring(at + marker.length()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(HTML.toString());
        response.setContentLengthLong((long) head.length + inserted.length + tail.length);
        var out = response.getOutputStream();
        out.write(head);
        out.write(inserted);
        out.write(tail);
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
