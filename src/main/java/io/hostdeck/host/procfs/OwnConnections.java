package io.hostdeck.host.procfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Hostdeck's own TCP connections, from its network namespace's {@code /proc/self/net/tcp} and
 * {@code tcp6}: whether the client of a request is still there while nothing is being written to
 * it (a servlet container notices a client that left only when a write fails).
 */
public final class OwnConnections {

    private static final Path TCP = Path.of("/proc/self/net/tcp");
    private static final Path TCP6 = Path.of("/proc/self/net/tcp6");
    private static final String ESTABLISHED = "01";

    private OwnConnections() {
    }

    /**
     * Whether the connection between our {@code localPort} and the client's {@code remotePort} is
     * still established: false once the client closed it (CLOSE_WAIT on our side) or it is gone.
     * True when the tables cannot be read, so a reading problem never ends a request.
     */
    public static boolean established(int localPort, int remotePort) {
        try {
            return established(Files.readAllLines(TCP), localPort, remotePort)
                    || established(Files.readAllLines(TCP6), localPort, remotePort);
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /** Over the lines of one table: "sl local_address rem_address st ...", addresses as HEXADDR:HEXPORT. */
    static boolean established(List<String> table, int localPort, int remotePort) {
        for (String line : table) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 4 || !f[0].endsWith(":")) {
                continue;
            }
            // an older connection of the same ports may linger (TIME_WAIT): any established one counts
            if (port(f[1]) == localPort && port(f[2]) == remotePort && ESTABLISHED.equals(f[3])) {
                return true;
            }
        }
        return false;
    }

    private static int port(String address) {
        int colon = address.lastIndexOf(':');
        try {
            return colon < 0 ? -1 : Integer.parseInt(address.substring(colon + 1), 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
