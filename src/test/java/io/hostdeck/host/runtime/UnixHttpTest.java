package io.hostdeck.host.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The unix-socket HTTP client against a real unix socket served here, answering as the Docker
 * Engine API does: Content-Length, chunked, 204, a server that never answers; and the log stream's
 * frames taken apart.
 */
class UnixHttpTest {

    private final Path dir = createDir();
    private final Path socket = dir.resolve("api.sock");
    private final AtomicReference<String> request = new AtomicReference<>("");
    private Thread server;

    private static Path createDir() {
        try {
            return Files.createTempDirectory("unixhttp");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.interrupt();
        }
        Files.deleteIfExists(socket);
        Files.deleteIfExists(dir);
    }

    /** Serves one connection: reads the request head, writes {@code answer} (null: never answers), closes. */
    private void serve(String answer) throws IOException {
        ServerSocketChannel ss = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        ss.bind(UnixDomainSocketAddress.of(socket));
        server = new Thread(() -> {
            try (ss; SocketChannel c = ss.accept()) {
                ByteBuffer buf = ByteBuffer.allocate(8192);
                StringBuilder head = new StringBuilder();
                while (!head.toString().contains("\r\n\r\n") && c.read(buf) > 0) {
                    buf.flip();
                    head.append(StandardCharsets.US_ASCII.decode(buf));
                    buf.clear();
                }
                request.set(head.toString());
                if (answer == null) {
                    Thread.sleep(10_000);
                    return;
                }
                c.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8)));
            } catch (IOException | InterruptedException e) {
                // the test ends the server
            }
        });
        server.start();
    }

    @Test
    void readsAContentLengthAnswerAndSendsAnHttp11Request() throws Exception {
        serve("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 12\r\n\r\n[{\"Id\":\"a\"}]");
        UnixHttp.Response r = UnixHttp.call(socket, "GET", "/containers/json?all=true", Duration.ofSeconds(5), 1 << 20);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("[{\"Id\":\"a\"}]");
        assertThat(request.get()).startsWith("GET /containers/json?all=true HTTP/1.1\r\n").contains("Host: ")
                .contains("Connection: close\r\n");
    }

    @Test
    void decodesAChunkedAnswer() throws Exception {
        serve("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7;x=y\r\n, world\r\n0\r\n\r\n");
        UnixHttp.Response r = UnixHttp.call(socket, "GET", "/x", Duration.ofSeconds(5), 1 << 20);
        assertThat(r.text()).isEqualTo("hello, world");
        assertThat(r.truncated()).isFalse();
    }

    @Test
    void cutsTheBodyAtTheCap() throws Exception {
        serve("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789");
        UnixHttp.Response r = UnixHttp.call(socket, "GET", "/x", Duration.ofSeconds(5), 4);
        assertThat(r.text()).isEqualTo("0123");
        assertThat(r.truncated()).isTrue();
    }

    @Test
    void aPostWithNoContentAnswers204() throws Exception {
        serve("HTTP/1.1 204 No Content\r\n\r\n");
        UnixHttp.Response r = UnixHttp.call(socket, "POST", "/containers/abc/stop?t=5", Duration.ofSeconds(5), 1024);
        assertThat(r.status()).isEqualTo(204);
        assertThat(request.get()).startsWith("POST /containers/abc/stop?t=5 HTTP/1.1\r\n").contains("Content-Length: 0\r\n");
    }

    @Test
    void aServerThatNeverAnswersEndsAtTheDeadline() throws Exception {
        serve(null);
        assertThatThrownBy(() -> UnixHttp.call(socket, "GET", "/x", Duration.ofMillis(300), 1024))
                .isInstanceOf(IOException.class).hasMessageContaining("no answer within");
    }

    @Test
    void noSocketIsAnIoError() {
        assertThatThrownBy(() -> UnixHttp.call(dir.resolve("none.sock"), "GET", "/x", Duration.ofSeconds(1), 1024))
                .isInstanceOf(IOException.class);
    }

    @Test
    void aFollowedLogIsWrittenFrameByFrameFromAChunkedAnswer() throws Exception {
        String frame1 = "\u0001\0\0\0\0\0\0\u0003ab\n";
        String frame2 = "\u0002\0\0\0\0\0\0\u0002e\n";
        serve("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(frame1.length()) + "\r\n" + frame1
                + "\r\n" + Integer.toHexString(frame2.length()) + "\r\n" + frame2 + "\r\n0\r\n\r\n");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        new EngineApi("podman", socket).follow("abc", 10, out);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("ab\ne\n");
        assertThat(request.get()).startsWith("GET /containers/abc/logs?stdout=true&stderr=true&follow=true&tail=10 HTTP/1.1\r\n");
    }

    @Test
    void logFramesAreTakenApartAndRawOutputKept() {
        byte[] framed = new byte[] { 1, 0, 0, 0, 0, 0, 0, 3, 'a', 'b', '\n', 2, 0, 0, 0, 0, 0, 0, 2, 'e', '\n' };
        assertThat(EngineApi.demultiplex(framed)).isEqualTo("ab\ne\n");
        assertThat(EngineApi.demultiplex("plain tty output\n".getBytes(StandardCharsets.UTF_8))).isEqualTo("plain tty output\n");
    }
}
