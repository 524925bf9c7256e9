package io.hostdeck.host.pty;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Structure;

/**
 * The native calls behind {@link Pty}: libc's pseudo-terminal calls, and pty4j's small helper
 * library {@code libpty.so}, which does what a JVM cannot: fork, make the child a session leader
 * with the pty as its controlling terminal, and exec. The helper ships inside the pty4j jar; it is
 * copied once to an owner-only directory and loaded from there.
 */
final class PtyNative {

    static final int O_RDWR = 02;
    static final int O_NOCTTY = 0400;
    static final int O_CLOEXEC = 02000000;
    static final long TIOCSWINSZ = 0x5414;
    static final int EINTR = 4;

    private PtyNative() {
    }

    @Structure.FieldOrder({"ws_row", "ws_col", "ws_xpixel", "ws_ypixel"})
    public static class WinSize extends Structure {
        public short ws_row;
        public short ws_col;
        public short ws_xpixel;
        public short ws_ypixel;

        WinSize(int columns, int rows) {
            ws_row = (short) rows;
            ws_col = (short) columns;
        }
    }

    interface C extends Library {
        C INSTANCE = Native.load("c", C.class);

        int posix_openpt(int flags) throws LastErrorException;

        int grantpt(int fd) throws LastErrorException;

        int unlockpt(int fd) throws LastErrorException;

        int ptsname_r(int fd, byte[] buf, long length) throws LastErrorException;

        int ioctl(int fd, long request, WinSize size) throws LastErrorException;

        long read(int fd, byte[] buffer, long count) throws LastErrorException;

        long write(int fd, byte[] buffer, long count) throws LastErrorException;

        int close(int fd) throws LastErrorException;

        int kill(int pid, int sig) throws LastErrorException;
    }

    /** pty4j's native/exec_pty.c. */
    interface Helper extends Library {
        int exec_pty(String path, String[] argv, String[] envp, String dir, String ptsName, int master, String errPtsName,
                int errMaster, boolean console);

        int wait_for_child_process_exit(int pid);
    }

    private static volatile Helper helper;

    static Helper helper() {
        Helper h = helper;
        if (h == null) {
            synchronized (PtyNative.class) {
                if (helper == null) {
                    helper = Native.load(extract().toString(), Helper.class);
                }
                h = helper;
            }
        }
        return h;
    }

    private static Path extract() {
        String arch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "x86-64";
            case "aarch64", "arm64" -> "aarch64";
            case "ppc64le" -> "ppc64le";
            default -> throw new IllegalStateException("no pty helper for the architecture " + System.getProperty("os.arch"));
        };
        String resource = "resources/com/pty4j/native/linux/" + arch + "/libpty.so";
        try (InputStream in = PtyNative.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the classpath (the pty4j jar)");
            }
            Path dir = Files.createTempDirectory("hostdeck-pty-", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            Path lib = dir.resolve("libpty.so");
            Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
            lib.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return lib;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the pty helper: " + e.getMessage(), e);
        }
    }

    /** A new pty: its master's fd and its slave's path. */
    record Opened(int master, String slave) {
    }

    static Opened open() {
        int fd = C.INSTANCE.posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        try {
            C.INSTANCE.grantpt(fd);
            C.INSTANCE.unlockpt(fd);
            byte[] name = new byte[128];
            C.INSTANCE.ptsname_r(fd, name, name.length);
            int end = 0;
            while (end < name.length && name[end] != 0) {
                end++;
            }
            return new Opened(fd, new String(name, 0, end, java.nio.charset.StandardCharsets.US_ASCII));
        } catch (LastErrorException e) {
            C.INSTANCE.close(fd);
            throw e;
        }
    }

    static String[] environment(java.util.Map<String, String> env) {
        return env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }

    static String[] array(List<String> argv) {
        return argv.toArray(String[]::new);
    }
}
