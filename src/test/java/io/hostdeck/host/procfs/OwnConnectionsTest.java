package io.hostdeck.host.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Whether a client is still connected, from the kernel's own table: parsed, then seen on real sockets. */
class OwnConnectionsTest {

    @Test
    void readsTheTableByPortsAndState() {
        List<String> table = List.of(
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
                "   0: 0100007F:1F90 0100007F:C5A2 08 00000000:00000000 00:00000000 00000000     0        0 1 1",
                "   1: 0100007F:1F90 0100007F:C5A2 06 00000000:00000000 00:00000000 00000000     0        0 0 1",
                "   2: 0100007F:1F90 0100007F:C5A4 01 00000000:00000000 00:00000000 00000000     0        0 2 1");
        assertThat(OwnConnections.established(table, 0x1F90, 0xC5A4)).isTrue();
        assertThat(OwnConnections.established(table, 0x1F90, 0xC5A2)).as("closed by the peer, and an old one").isFalse();
        assertThat(OwnConnections.established(table, 0x1F90, 0xC5A6)).as("gone").isFalse();
    }

    @Test
    void aClientThatClosesIsSeenGoneWithoutAWrite() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            try (Socket accepted = server.accept()) {
                assertThat(OwnConnections.established(accepted.getLocalPort(), accepted.getPort())).isTrue();
                client.close();
                boolean gone = false;
                for (int i = 0; i < 50 && !gone; i++) {
                    gone = !OwnConnections.established(accepted.getLocalPort(), accepted.getPort());
                    Thread.sleep(20);
                }
                assertThat(gone).as("CLOSE_WAIT on our side once the client closed").isTrue();
            }
        }
    }
}
