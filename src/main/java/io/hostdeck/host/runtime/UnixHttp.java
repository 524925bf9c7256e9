package io.hostdeck.host.runtime;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/1.1 over a unix socket with nothing but the JDK (UnixDomainSocketAddress, Java 16+): one
 * request per connection ({@code Connection: close}), a whole-call deadline (the channel is closed
 * when it passes, which ends a blocked read), a cap on the body. Enough for the Docker Engine API,
 * which Docker and Podman's compatible service both speak.
 */
final class UnixHttp {

    /** A status, and the body (chunked transfer decoded), cut at the cap when {@code truncated}. */
    record Response(int status, byte[] body, boolean truncated) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "unix-http-deadline");
        t.setDaemon(true);
        return t;
    });

    private UnixHttp() {
    }

    static Response call(Path socket, String method, String target, Duration timeout, int maxBody) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        ScheduledFuture<?> deadline = closeAfter(channel, timeout);
        try (channel) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            OutputStream out = Channels.newOutputStream(channel);
            String head = method + " " + target + " HTTP/1.1\r\nHost: docker\r\nUser-Agent: hostdeck\r\nConnection: close\r\n"
                    + (method.equals("GET") ? "" : "Content-Length: 0\r\n") + "\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = new BufferedInputStream(Channels.newInputStream(channel));
            String status = line(in);
            String[] parts = status.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP answer: '" + status + "'");
            }
            int code = Integer.parseInt(parts[1]);
            long length = -1;
            boolean chunked = false;
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                int colon = h.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = h.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).strip();
                if (name.equals("content-length")) {
                    length = Long.parseLong(value);
                } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                    chunked = true;
                }
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            boolean truncated;
            if (code == 204 || code == 304 || method.equals("HEAD")) {
                truncated = false;
            } else if (chunked) {
                truncated = false;
                while (true) {
                    String size = line(in);
                    int semi = size.indexOf(';');
                    long n = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).strip(), 16);
                    if (n == 0) {
                        break;
                    }
                    if (!copy(in, body, n, maxBody)) {
                        truncated = true;
                        break;
                    }
                    line(in);
                }
            } else {
                truncated = !copy(in, body, length, maxBody);
            }
            return new Response(code, body.toByteArray(), truncated);
        } catch (IOException e) {
            // the deadline's time has come (its close may still be running: the read wakes within it)
            if (!channel.isOpen() && deadline.getDelay(TimeUnit.NANOSECONDS) <= 0) {
                throw new IOException("no answer within " + timeout.toSeconds() + " s", e);
            }
            throw e;
        } finally {
            deadline.cancel(false);
        }
    }

    /**
     * An answer whose body is read as it comes (a followed log): no deadline once the head is in,
     * chunked transfer decoded; closing it closes the connection.
     */
    static final class Stream implements java.io.Closeable {
        private final SocketChannel channel;
        private final int status;
        private final InputStream body;

        private Stream(SocketChannel channel, int status, InputStream body) {
            this.channel = channel;
            this.status = status;
            this.body = body;
        }

        int status() {
            return status;
        }

        InputStream body() {
            return body;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** Sends a GET and reads the head within {@code headTimeout}; the body is then read as it comes. */
    static Stream stream(Path socket, String target, Duration headTimeout) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        ScheduledFuture<?> deadline = closeAfter(channel, headTimeout);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            OutputStream out = Channels.newOutputStream(channel);
            out.write(("GET " + target + " HTTP/1.1\r\nHost: docker\r\nUser-Agent: hostdeck\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = new BufferedInputStream(Channels.newInputStream(channel));
            String[] parts = line(in).split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP answer");
            }
            int code = Integer.parseInt(parts[1]);
            boolean chunked = false;
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                String lower = h.toLowerCase(Locale.ROOT);
                if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
            }
            if (!deadline.cancel(false)) {
                throw new IOException("no answer within " + headTimeout.toSeconds() + " s");
            }
            return new Stream(channel, code, chunked ? new Dechunked(in) : in);
        } catch (IOException | RuntimeException e) {
            deadline.cancel(false);
            channel.close();
            throw e;
        }
    }

    /** A chunked body as the bytes it carries. */
    private static final class Dechunked extends InputStream {
        private final InputStream in;
        private long left;
        private boolean done;

        Dechunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                String size = line(in);
                if (size.isEmpty()) {
                    size = line(in); // the CRLF after the previous chunk
                }
                int semi = size.indexOf(';');
                left = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).strip(), 16);
                if (left == 0) {
                    done = true;
                    return -1;
                }
            }
            int got = in.read(b, off, (int) Math.min(len, left));
            if (got < 0) {
                throw new EOFException("the answer ended inside a chunk");
            }
            left -= got;
            return got;
        }
    }

    /** The deadline: closing the channel ends a blocked connect, write or read. */
    private static ScheduledFuture<?> closeAfter(SocketChannel channel, Duration timeout) {
        return DEADLINES.schedule(() -> {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing is all the deadline does
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Copies n bytes (-1: to the end); false when the cap came first. */
    private static boolean copy(InputStream in, ByteArrayOutputStream body, long n, int maxBody) throws IOException {
        byte[] buf = new byte[8192];
        long left = n;
        while (left != 0) {
            int want = (int) (left < 0 ? buf.length : Math.min(buf.length, left));
            int got = in.read(buf, 0, want);
            if (got < 0) {
                if (n < 0) {
                    return true;
                }
                throw new EOFException("the answer ended early");
            }
            int room = maxBody - body.size();
            body.write(buf, 0, Math.min(got, room));
            if (got > room) {
                return false;
            }
            if (left > 0) {
                left -= got;
            }
        }
        return true;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("the answer ended early");
            }
            if (sb.length() > 16384) {
                throw new IOException("a header line longer than 16 KiB");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }
}
