package io.hostdeck.cgroups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TickMapTest {

    @Test
    void aTicksValuesByPathLeaveOutPathsWithoutOneAndCannotBeChanged() {
        TickMap.Index index = new TickMap.Index(List.of("/", "/a.slice", "/a.slice/x.service", "/b.slice"));
        Map<String, String> m = new TickMap<>(index, new Object[] { "root", null, "x", "b" }, 3);

        assertThat(m).hasSize(3);
        assertThat(m.get("/a.slice/x.service")).isEqualTo("x");
        assertThat(m.get("/a.slice")).as("not read this tick").isNull();
        assertThat(m.containsKey("/a.slice")).isFalse();
        assertThat(m.get("/c.slice")).isNull();
        assertThat(m.get(42)).isNull();
        assertThat(m.keySet()).containsExactly("/", "/a.slice/x.service", "/b.slice");
        assertThat(m.values()).containsExactly("root", "x", "b");
        Map<String, String> seen = new LinkedHashMap<>();
        m.forEach(seen::put);
        assertThat(seen).isEqualTo(Map.of("/", "root", "/a.slice/x.service", "x", "/b.slice", "b"));
        assertThat(m).isEqualTo(Map.of("/", "root", "/a.slice/x.service", "x", "/b.slice", "b"));
        assertThatThrownBy(() -> m.put("/d", "d")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> m.entrySet().iterator().remove()).isInstanceOf(UnsupportedOperationException.class);
    }
}
