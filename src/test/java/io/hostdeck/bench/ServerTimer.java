package io.hostdeck.bench;

import java.io.IOException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.core.Ordered;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

/**
 * A bench's server-side clock: the first filter of the chain (before security, session and CSRF)
 * times each request from its entry until the whole page is written to the socket (the buffer is
 * flushed before the clock stops). The bench sends one request at a time and takes each figure
 * after its response.
 */
final class ServerTimer implements Filter {

    private final LinkedBlockingQueue<Long> nanos = new LinkedBlockingQueue<>();

    /** The filter, registered ahead of every other one. */
    FilterRegistrationBean<ServerTimer> registration() {
        FilterRegistrationBean<ServerTimer> r = new FilterRegistrationBean<>(this);
        r.setOrder(Ordered.HIGHEST_PRECEDENCE);
        r.addUrlPatterns("/*");
        return r;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        long t = System.nanoTime();
        try {
            chain.doFilter(request, response);
            response.flushBuffer();
        } finally {
            nanos.add(System.nanoTime() - t);
        }
    }

    /** Forgets what was timed so far (requests the bench does not count). */
    void clear() {
        nanos.clear();
    }

    /** The server-side time of the one request sent since the last call, in ms. */
    double lastMs() throws InterruptedException {
        Long n = nanos.poll(5, TimeUnit.SECONDS);
        if (n == null || !nanos.isEmpty()) {
            throw new IllegalStateException("expected one timed request, got " + (n == null ? 0 : 1 + nanos.size()));
        }
        return n / 1e6;
    }
}
