package io.hostdeck.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import io.hostdeck.error.InvalidInputException;
import io.hostdeck.host.systemd.UnitSetting;

class LimitsFormTest {

    @ParameterizedTest(name = "{0}={1} -> {2}={3}")
    @CsvSource({
            "MemoryMax, 512M, MemoryMax, 536870912",
            "MemoryMax, 1.5G, MemoryMax, 1610612736",
            "MemoryMax, 1048576, MemoryMax, 1048576",
            "MemoryMax, infinity, MemoryMax, -1",
            "MemoryHigh, 2T, MemoryHigh, 2199023255552",
            "MemoryMax, 50%, MemoryMaxScale, 2147483648",
            "CPUQuota, 30%, CPUQuotaPerSecUSec, 300000",
            "CPUQuota, 250%, CPUQuotaPerSecUSec, 2500000",
            "CPUQuota, 0.5%, CPUQuotaPerSecUSec, 10000",
            "CPUQuota, infinity, CPUQuotaPerSecUSec, -1",
            "CPUWeight, 200, CPUWeight, 200",
            "CPUWeight, default, CPUWeight, -1",
            "IOWeight, 10000, IOWeight, 10000",
            "TasksMax, 64, TasksMax, 64",
            "TasksMax, infinity, TasksMax, -1",
    })
    void acceptsSystemdsSyntax(String field, String value, String property, long expected) {
        assertThat(LimitsForm.parse(Map.of(field, value))).containsExactly(new UnitSetting(property, expected));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "MemoryMax|12Q|is not a size",
            "MemoryMax|-5M|is not a size",
            "MemoryMax|512m|is not a size",
            "MemoryMax|1K|below 1M",
            "MemoryMax|0|below 1M",
            "MemoryMax|99999999999999999999E|larger than any machine",
            "MemoryMax|150%|outside",
            "MemoryMax|0%|outside",
            "CPUQuota|30|is not a percentage",
            "CPUQuota|-30%|is not a percentage",
            "CPUQuota|0%|outside",
            "CPUWeight|0|outside 1..10000",
            "CPUWeight|10001|outside 1..10000",
            "CPUWeight|1e3|is not a weight",
            "IOWeight|99999999999999|is not a weight",
            "TasksMax|0|no task at all",
            "TasksMax|ten|is not a number",
            "TasksMax|5; rm -rf /|is not a number",
    })
    void refusesWhatSystemdWouldNotTakeNamingTheField(String field, String value, String reason) {
        assertThatThrownBy(() -> LimitsForm.parse(Map.of(field, value))).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(field + ": ").hasMessageContaining(reason);
    }

    @Test
    void controlCharactersAndOverlongValuesAreRefused() {
        assertThatThrownBy(() -> LimitsForm.parse(Map.of("MemoryMax", "1G\nMemoryMax=1"))).hasMessageStartingWith("MemoryMax: ")
                .hasMessageContaining("\\x0a");
        assertThatThrownBy(() -> LimitsForm.parse(Map.of("TasksMax", "1".repeat(40)))).hasMessageStartingWith("TasksMax: ");
        assertThatThrownBy(() -> LimitsForm.parse(Map.of("TasksMax", "１２"))).hasMessageStartingWith("TasksMax: ");
    }

    @Test
    void emptyFieldsAreLeftAloneAndOthersIgnored() {
        assertThat(LimitsForm.parse(Map.of("MemoryMax", " ", "TasksMax", "5", "_csrf", "x", "mode", "runtime")))
                .containsExactly(new UnitSetting("TasksMax", 5));
        assertThat(LimitsForm.parse(Map.of())).isEqualTo(List.of());
    }

    @Test
    void limitsAreShownBackInTheSameSyntax() {
        assertThat(LimitsView.bytes(536870912L)).isEqualTo("512M");
        assertThat(LimitsView.bytes(1610612736L)).isEqualTo("1536M");
        assertThat(LimitsView.bytes(1000L)).isEqualTo("1000");
        assertThat(LimitsView.of(new io.hostdeck.host.systemd.Limits(null, null, 300_000L, 200L, 64L, null)))
                .containsEntry("CPUQuota", "30%").containsEntry("MemoryMax", "").containsEntry("TasksMax", "64");
    }
}
