package io.hostdeck.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/** A users file with one user per role, passwords known to the tests (bcrypt cost 4: fast, still bcrypt). */
public final class TestUsers {

    public static final String PASSWORD = "correct horse battery";

    private TestUsers() {
    }

    /** Writes {@code admin}, {@code operator} and {@code viewer}, each with {@link #PASSWORD}. */
    public static Path write(Path dir) {
        BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(4);
        String hash = bcrypt.encode(PASSWORD);
        Path file = dir.resolve("users");
        try {
            Files.createDirectories(dir);
            Files.writeString(file, "admin:" + hash + ":ADMIN\noperator:" + hash + ":OPERATOR\nviewer:" + hash + ":VIEWER\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
