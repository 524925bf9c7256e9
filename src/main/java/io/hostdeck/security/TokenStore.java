package io.hostdeck.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;

/**
 * The tokens file ({@code hostdeck.tokens.file}): one JSON object a line, owner-only, rewritten
 * whole (beside it, then renamed into place) at each change, re-read when it changes on disk. It
 * holds hashes only: a stolen copy opens nothing.
 */
@Component
class TokenStore {

    private static final Logger log = LoggerFactory.getLogger(TokenStore.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path file;
    private Map<String, ApiToken> tokens = Map.of(); // guarded by this
    private FileTime loadedAt;                         // guarded by this

    TokenStore(@Value("${hostdeck.tokens.file:/etc/hostdeck/tokens}") String file) {
        this.file = Path.of(file).toAbsolutePath();
    }

    Path file() {
        return file;
    }

    synchronized Optional<ApiToken> byId(String id) {
        return Optional.ofNullable(current().get(id));
    }

    synchronized List<ApiToken> all() {
        return List.copyOf(current().values());
    }

    /** Applies {@code change} to the tokens and writes the result, all under one lock. */
    synchronized void change(UnaryOperator<Map<String, ApiToken>> change) {
        Map<String, ApiToken> next = change.apply(new LinkedHashMap<>(current()));
        StringBuilder text = new StringBuilder();
        for (ApiToken t : next.values()) {
            text.append(JSON.writeValueAsString(t)).append('\n');
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), ".tokens", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tokens = Map.copyOf(next);
            loadedAt = Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the tokens file " + file + " (" + e.getMessage()
                    + "); set hostdeck.tokens.file to a writable path", e);
        }
    }

    private Map<String, ApiToken> current() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (!modified.equals(loadedAt)) {
                Map<String, ApiToken> read = new LinkedHashMap<>();
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).isBlank()) {
                        continue;
                    }
                    try {
                        ApiToken t = JSON.readValue(lines.get(i), ApiToken.class);
                        read.put(t.id(), t);
                    } catch (RuntimeException e) {
                        log.error("tokens file {}: line {} is not a token; it is ignored", file, i + 1);
                    }
                }
                tokens = Map.copyOf(read);
                loadedAt = modified;
            }
        } catch (NoSuchFileException e) {
            tokens = Map.of();
            loadedAt = null;
        } catch (IOException e) {
            log.error("cannot read the tokens file {}: {}; keeping the tokens read before", file, e.toString());
        }
        return tokens;
    }

    /** For tests and the page: every token in creation order. */
    List<ApiToken> inOrder() {
        List<ApiToken> list = new ArrayList<>(all());
        list.sort(java.util.Comparator.comparing(ApiToken::created));
        return list;
    }
}
