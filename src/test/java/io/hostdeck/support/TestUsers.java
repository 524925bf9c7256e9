package io.hostdeck.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/** A users file with one user per role, passwords known to the tests (bcrypt cost 4: fast, still bcrypt). */
public final class TestUsers {

    public static final String PASSWORD = "correct horse battery";
    /** The units the scoped operator {@code appop} may touch. */
    public static final String SCOPED_UNITS = "hd-app-*.service";

    private TestUsers() {
    }

    /**
     * Writes {@code admin}, {@code operator}, {@code viewer}, {@code appop} (an operator of
     * {@link #SCOPED_UNITS} only) and {@code appadmin} (an admin of them only), each with
     * {@link #PASSWORD}, to a
     * new owner-only file (Spring builds a test's context before JUnit fills {@code @TempDir} fields
     * of a per-class test, so this makes its own directory).
     */
    public static Path write() {
        BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(4);
        String hash = bcrypt.encode(PASSWORD);
        try {
            Path file = Files.createTempFile("hostdeck-users-", "", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
            file.toFile().deleteOnExit();
            Files.writeString(file, "admin:" + hash + ":ADMIN\noperator:" + hash + ":OPERATOR\nviewer:" + hash + ":VIEWER\n"
                    + "appop:" + hash + ":OPERATOR:" + SCOPED_UNITS + "\n"
                    + "appadmin:" + hash + ":ADMIN:" + SCOPED_UNITS + "\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
