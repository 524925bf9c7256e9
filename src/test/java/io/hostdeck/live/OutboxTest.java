package io.hostdeck.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * The fan-out's promise: a publisher never waits for a client, messages arrive in order, and a
 * client that stops reading is dropped instead of growing a queue. The session is a stand-in whose
 * socket can be made to stall, which no real browser would do on cue.
 */
class OutboxTest {

    private final ExecutorService writers = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        writers.shutdownNow();
    }

    @Test
    void messagesArriveInTheOrderTheyWereOffered() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        WebSocketSession session = mock(WebSocketSession.class);
        doAnswer(inv -> got.add(((TextMessage) inv.getArgument(0)).getPayload())).when(session).sendMessage(any());
        Outbox out = new Outbox(session, writers, () -> { });

        for (int i = 0; i < 200; i++) {
            out.offer(new TextMessage("m" + i));
        }

        for (int i = 0; i < 100 && got.size() < 200; i++) {
            Thread.sleep(10);
        }
        assertThat(got).hasSize(200);
        for (int i = 0; i < 200; i++) {
            assertThat(got.get(i)).isEqualTo("m" + i);
        }
    }

    @Test
    void aStalledClientIsDroppedAndNeverHoldsUpThePublisher() throws Exception {
        CountDownLatch stall = new CountDownLatch(1);
        WebSocketSession session = mock(WebSocketSession.class);
        doAnswer(inv -> {
            stall.await(10, TimeUnit.SECONDS); // the socket's window is full
            return null;
        }).when(session).sendMessage(any());
        AtomicInteger drops = new AtomicInteger();
        Outbox out = new Outbox(session, writers, drops::incrementAndGet);

        long start = System.nanoTime();
        for (int i = 0; i < Outbox.LIMIT + 50; i++) {
            out.offer(new TextMessage("tick " + i));
        }
        long publishing = System.nanoTime() - start;

        assertThat(publishing).as("the publisher only enqueued").isLessThan(TimeUnit.SECONDS.toNanos(1));
        assertThat(drops).hasValue(1);
        verify(session).close(CloseStatus.SESSION_NOT_RELIABLE);
        stall.countDown();
    }
}
