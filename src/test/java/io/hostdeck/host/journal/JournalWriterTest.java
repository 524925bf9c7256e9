package io.hostdeck.host.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JournalWriterTest {

    @Test
    void plainValuesAsLinesAndValuesWithNewlinesLengthPrefixed() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("MESSAGE", "hi");
        f.put("HOSTDECK_ARGS", "a\nb");
        byte[] d = JournalWriter.encode(f);
        byte[] expected = new byte[] { 'M', 'E', 'S', 'S', 'A', 'G', 'E', '=', 'h', 'i', '\n', 'H', 'O', 'S', 'T', 'D',
            'E', 'C', 'K', '_', 'A', 'R', 'G', 'S', '\n', 3, 0, 0, 0, 0, 0, 0, 0, 'a', '\n', 'b', '\n' };
        assertThat(d).isEqualTo(expected);
        assertThat(new String(d, StandardCharsets.UTF_8)).startsWith("MESSAGE=hi\n");
    }

    @Test
    void aFieldNameJournaldWouldRejectIsRefused() {
        assertThatThrownBy(() -> JournalWriter.encode(Map.of("message", "x"))).hasMessageContaining("field name");
        assertThatThrownBy(() -> JournalWriter.encode(Map.of("A=B", "x"))).hasMessageContaining("field name");
    }
}
