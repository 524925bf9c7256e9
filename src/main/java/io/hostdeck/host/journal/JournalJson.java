package io.hostdeck.host.journal;

import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Parses journalctl's {@code -o json} lines, as journalctl writes them: a value is a string; an
 * array of numbers when the value is not valid UTF-8 (its bytes); null when larger than 4096 bytes;
 * and an array of those when the field occurs more than once in the entry.
 */
final class JournalJson {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private JournalJson() {
    }

    /** The entry on one output line; empty for a line that is not an entry with a cursor. */
    static Optional<JournalEntry> parse(String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JacksonException e) {
            return Optional.empty();
        }
        if (node == null || !node.isObject() || !node.path("__CURSOR").isString()) {
            return Optional.empty();
        }
        List<JournalEntry.Field> fields = new ArrayList<>(node.size());
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode v = e.getValue();
            if (v.isArray() && !isBytes(v)) {
                for (JsonNode one : v) {
                    fields.add(field(e.getKey(), one));
                }
            } else {
                fields.add(field(e.getKey(), v));
            }
        }
        return Optional.of(new JournalEntry(node.get("__CURSOR").asString(), realtime(node.path("__REALTIME_TIMESTAMP")),
                fields));
    }

    private static JournalEntry.Field field(String name, JsonNode v) {
        if (v.isString()) {
            return new JournalEntry.Field(name, v.asString(), false);
        }
        if (isBytes(v)) {
            byte[] bytes = new byte[v.size()];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) v.get(i).asInt();
            }
            return new JournalEntry.Field(name, new String(bytes, StandardCharsets.UTF_8), !isUtf8(bytes));
        }
        if (v.isNull()) {
            return new JournalEntry.Field(name, null, false);
        }
        return new JournalEntry.Field(name, v.toString(), false);
    }

    private static boolean isBytes(JsonNode v) {
        if (!v.isArray() || v.isEmpty()) {
            return false;
        }
        for (JsonNode n : v) {
            if (!n.isIntegralNumber() || n.asInt() < 0 || n.asInt() > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static Instant realtime(JsonNode v) {
        if (!v.isString()) {
            return null;
        }
        try {
            long micros = Long.parseLong(v.asString());
            return Instant.ofEpochSecond(micros / 1_000_000L, (micros % 1_000_000L) * 1000);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
