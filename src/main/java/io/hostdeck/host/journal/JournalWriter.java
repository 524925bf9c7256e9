package io.hostdeck.host.journal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import org.springframework.stereotype.Component;

import com.sun.jna.LastErrorException;

import io.hostdeck.host.HostProperties;
import io.hostdeck.host.HostUnavailableException;
import io.hostdeck.host.TargetPath;
import io.hostdeck.host.jna.LibC;

/**
 * Writes structured entries to the target's journal through journald's native protocol: one
 * datagram to {@code <root>/run/systemd/journal/socket} holding {@code FIELD=value} lines, a value
 * with a newline in journald's length-prefixed form. No library and no process: what
 * sd_journal_send() does.
 */
@Component
public class JournalWriter {

    private static final int MAX_DATAGRAM = 200 * 1024; // well under journald's limit for a plain datagram

    private final Path socket;

    public JournalWriter(HostProperties host) {
        this.socket = host.under(TargetPath.JOURNAL_SOCKET);
    }

    /** Sends one entry; field names must be journald's: upper case letters, digits, underscores. */
    public void send(Map<String, String> fields) {
        byte[] datagram = encode(fields);
        byte[] path = socket.toString().getBytes(StandardCharsets.UTF_8);
        if (path.length >= 108) {
            throw new HostUnavailableException("the journal socket path is too long for a unix socket: " + socket);
        }
        byte[] addr = new byte[2 + path.length + 1];
        ByteBuffer.wrap(addr).order(ByteOrder.nativeOrder()).putShort((short) LibC.AF_UNIX);
        System.arraycopy(path, 0, addr, 2, path.length);
        int fd;
        try {
            fd = LibC.INSTANCE.socket(LibC.AF_UNIX, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw new HostUnavailableException("cannot make a unix socket: errno " + e.getErrorCode(), e);
        }
        try {
            LibC.INSTANCE.sendto(fd, datagram, datagram.length, 0, addr, addr.length);
        } catch (LastErrorException e) {
            throw new HostUnavailableException("cannot write to the journal at " + socket + ": errno " + e.getErrorCode(), e);
        } finally {
            LibC.INSTANCE.close(fd);
        }
    }

    static byte[] encode(Map<String, String> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fields.forEach((name, value) -> {
            if (!name.matches("[A-Z0-9][A-Z0-9_]{0,63}")) {
                throw new IllegalArgumentException("not a journal field name: " + name);
            }
            byte[] v = (value == null ? "" : value).getBytes(StandardCharsets.UTF_8);
            out.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
            if (value != null && value.indexOf('\n') >= 0) {
                out.write('\n');
                byte[] length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v.length).array();
                out.writeBytes(length);
            } else {
                out.write('=');
            }
            out.writeBytes(v);
            out.write('\n');
        });
        if (out.size() > MAX_DATAGRAM) {
            throw new IllegalArgumentException("a journal entry of " + out.size() + " bytes; at most " + MAX_DATAGRAM);
        }
        return out.toByteArray();
    }
}
