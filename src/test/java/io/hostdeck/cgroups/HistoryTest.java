package io.hostdeck.cgroups;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HistoryTest {

    private static CgroupRates rates(Double cpu, Long memory) {
        return new CgroupRates("/x", cpu, memory, null, null, null, 3L, null, null, null, null, null, null, null);
    }

    @Test
    void keepsTheLastPointsOldestFirstAndOverwritesTheOldest() {
        History h = new History(3, 2, 60);
        for (int i = 1; i <= 5; i++) {
            h.add(i * 1000L, rates((double) i, (long) i * 100));
        }

        double[][] s = h.series(false);

        assertThat(s[0]).containsExactly(3, 4, 5);
        assertThat(s[1 + History.Metric.CPU.ordinal()]).containsExactly(3, 4, 5);
        assertThat(s[1 + History.Metric.MEMORY.ordinal()]).containsExactly(300, 400, 500);
    }

    @Test
    void absentValuesAreGapsNotZeros() {
        History h = new History(4, 2, 60);
        h.add(1000, rates(null, 5L));

        double[][] s = h.series(false);

        assertThat(s[1 + History.Metric.CPU.ordinal()][0]).isNaN();
        assertThat(s[1 + History.Metric.IO_READ.ordinal()][0]).isNaN();
        assertThat(s[1 + History.Metric.TASKS.ordinal()][0]).isEqualTo(3);
    }

    @Test
    void theDayViewAveragesEachMinuteIgnoringGaps() {
        History h = new History(10, 5, 3);
        h.add(1000, rates(10.0, 100L));
        h.add(2000, rates(null, 200L));
        h.add(3000, rates(30.0, 300L));
        h.add(4000, rates(50.0, 400L)); // starts the next minute, not yet complete

        double[][] day = h.series(true);

        assertThat(day[0]).containsExactly(3);
        assertThat(day[1 + History.Metric.CPU.ordinal()]).containsExactly(20);
        assertThat(day[1 + History.Metric.MEMORY.ordinal()]).containsExactly(200);
    }

    @Test
    void ratesAreOnCgtopsScaleAndNeverInventedFromMissingCounters() {
        var before = sample(0L, 1_000_000L, 0L);
        var after = sample(2_000_000_000L, 1_600_000L, 4096L);

        CgroupRates r = CgroupRates.between(before, after);

        assertThat(r.cpuPercent()).isEqualTo(30.0); // 0.6 s of CPU in 2 s: 30 % of one core
        assertThat(r.ioReadPerSec()).isEqualTo(2048.0);
        assertThat(CgroupRates.between(null, after).cpuPercent()).isNull();
        assertThat(CgroupRates.between(sample(0L, null, null), after).cpuPercent()).isNull();
        assertThat(CgroupRates.between(after, sample(3_000_000_000L, 5L, 0L)).cpuPercent())
                .as("a counter that went back means a new cgroup of the same name").isNull();
    }

    private static io.hostdeck.host.cgroupfs.CgroupSample sample(long nanos, Long cpuUsec, Long readBytes) {
        return new io.hostdeck.host.cgroupfs.CgroupSample("/x", nanos, cpuUsec, null, null, null, null, null, null,
                null, null, null, 100L, null, null, null, null, null, null, null, null, null, readBytes, null, null, 1L, null,
                null, null, null);
    }

    @Test
    void keepsAnyNumberOfSeriesSideBySide() {
        History h = new History(3, 4, 2, 2);
        h.add(1000, 1, 10, Double.NaN);
        h.add(2000, 3, 30, 5);

        assertThat(h.series(false)[2]).containsExactly(10, 30);
        assertThat(h.series(false)[3][0]).isNaN();
        assertThat(h.series(true)[1]).containsExactly(2);
        assertThat(h.series(true)[3]).as("the minute's mean ignores its gaps").containsExactly(5);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> h.add(3000, 1, 2))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
