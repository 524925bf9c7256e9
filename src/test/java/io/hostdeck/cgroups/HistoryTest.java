package io.hostdeck.cgroups;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

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
    void theDayViewAveragesEachFiveMinutesIgnoringGaps() {
        History h = new History(10, 5, 1); // a tick a minute: a day point every 5 ticks
        h.add(1000, rates(10.0, 100L));
        h.add(2000, rates(null, 200L));
        h.add(3000, rates(30.0, 300L));
        h.add(4000, rates(null, 400L));
        h.add(5000, rates(20.0, 500L));
        h.add(6000, rates(50.0, 600L)); // starts the next point, not yet complete

        double[][] day = h.series(true);

        assertThat(day[0]).containsExactly(5);
        assertThat(day[1 + History.Metric.CPU.ordinal()]).containsExactly(20);
        assertThat(day[1 + History.Metric.MEMORY.ordinal()]).containsExactly(300);
    }

    @Test
    void anIdleCgroupsHistoryIsSmallAndABusyOnesHoldsEveryValueAcrossTheWrap() {
        History.Clock clock = new History.Clock(900, History.DAY_POINTS, 60);
        History idle = new History(clock, 900, History.DAY_POINTS);
        History busy = new History(clock, 900, History.DAY_POINTS);
        java.util.Random random = new java.util.Random(7);
        List<Double> cpu = new ArrayList<>();
        for (int t = 0; t < 3_000; t++) {
            clock.advance(1_000_000L + t * 1000L);
            idle.add(rates(0.0, 4096L));
            // runs of equal values and runs of changing ones, as a unit that works now and then
            double v = (t / 45) % 2 == 0 ? 0.0 : random.nextInt(1000) / 10.0;
            cpu.add(v);
            busy.add(rates(v, 1000L + t));
        }
        assertThat(idle.bytes()).as("an idle cgroup: a float a chunk").isLessThan(4_000);
        assertThat(busy.bytes()).as("CPU and memory varying: an array a chunk for each, 16 chunks of 15 min")
                .isGreaterThan(idle.bytes() + 2 * 15 * 240);

        double[][] s = busy.series(false);
        assertThat(s[0]).hasSize(900);
        assertThat(s[0][0]).isEqualTo(1_000 + 2_100);
        assertThat(s[0][899]).isEqualTo(1_000 + 2_999);
        for (int i = 0; i < 900; i++) {
            assertThat(s[1 + History.Metric.CPU.ordinal()][i]).as("point " + i).isEqualTo((float) (double) cpu.get(2_100 + i));
            assertThat(s[1 + History.Metric.MEMORY.ordinal()][i]).isEqualTo(1000 + 2_100 + i);
        }
        double[][] idleSeries = idle.series(false);
        assertThat(idleSeries[0]).isEqualTo(s[0]);
        assertThat(idleSeries[1 + History.Metric.CPU.ordinal()]).containsOnly(0.0);
        assertThat(idle.series(true)[0]).as("50 whole minutes: ten points of 5").hasSize(10);
    }

    @Test
    void anIdleCgroupsRepeatedRatesOnlyCountedShowTheSameAsEveryPointWritten() {
        // the sampler hands an idle cgroup the same rates object each tick, which the History only
        // counts until something else comes, a day point closes or it is read; a copy each tick is
        // written each tick: both must show the same, at any moment, across day points and a missed tick
        History.Clock clock = new History.Clock(120, 30, 6); // a day point every 30 ticks
        History counted = new History(clock, 120, 30);
        History written = new History(clock, 120, 30);
        java.util.Random random = new java.util.Random(11);
        CgroupRates same = rates(0.0, 4096L);
        for (int t = 0; t < 700; t++) {
            clock.advance(1_000_000L + t * 1000L);
            if (t == 333) {
                continue; // a pass that failed half way: a gap in both
            }
            if (random.nextInt(10) == 0) {
                same = rates(random.nextInt(100) / 10.0, 4096L + random.nextInt(3));
            }
            counted.add(same);
            written.add(rates(same.cpuPercent(), same.memoryBytes()));
            if (random.nextInt(40) == 0 || t == 699) {
                for (boolean day : new boolean[] { false, true }) {
                    double[][] a = counted.series(day);
                    double[][] b = written.series(day);
                    assertThat(a.length).isEqualTo(b.length);
                    for (int m = 0; m < a.length; m++) {
                        assertThat(a[m]).as("tick %d, day %s, column %d", t, day, m).isEqualTo(b[m]);
                    }
                }
                assertThat(counted.bytes()).isEqualTo(written.bytes());
            }
        }
        assertThat(counted.series(false)[0]).hasSize(120);
        assertThat(counted.series(true)[0]).hasSizeGreaterThan(20);
    }

    @Test
    void aCgroupSeenLaterSharesTheClockAndATickItMissedIsAGap() {
        History.Clock clock = new History.Clock(10, 5, 60);
        History early = new History(clock, 10, 5);
        History late = new History(clock, 10, 5);
        for (int t = 0; t < 6; t++) {
            clock.advance(t * 1000L);
            early.add(rates((double) t, 1L));
            if (t >= 3 && t != 4) {
                late.add(rates((double) t, 1L));
            }
        }
        assertThat(early.series(false)[0]).containsExactly(0, 1, 2, 3, 4, 5);
        double[][] s = late.series(false);
        assertThat(s[0]).containsExactly(3, 4, 5);
        assertThat(s[1 + History.Metric.CPU.ordinal()][0]).isEqualTo(3);
        assertThat(s[1 + History.Metric.CPU.ordinal()][1]).as("tick 4 was missed").isNaN();
        assertThat(s[1 + History.Metric.CPU.ordinal()][2]).isEqualTo(5);
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
        return new io.hostdeck.host.cgroupfs.CgroupSample("/x", nanos, nanos, cpuUsec, null, null, null, null, null, null,
                null, null, null, 100L, null, null, null, null, null, null, null, null, null, readBytes, null, null, 1L, null,
                null, null, null);
    }

    @Test
    void keepsAnyNumberOfSeriesSideBySide() {
        History h = new History(3, 4, 2, 1); // a tick a minute: a day point every 5 ticks
        h.add(1000, 1, 10, Double.NaN);
        h.add(2000, 3, 30, 5);
        h.add(3000, 2, 20, Double.NaN);
        h.add(4000, 2, 20, Double.NaN);
        h.add(5000, 2, 20, Double.NaN);

        assertThat(h.series(false)[2]).containsExactly(30, 20, 20, 20);
        assertThat(h.series(false)[3][0]).isEqualTo(5);
        assertThat(h.series(false)[3][1]).isNaN();
        assertThat(h.series(true)[1]).containsExactly(2);
        assertThat(h.series(true)[3]).as("the point's mean ignores its gaps").containsExactly(5);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> h.add(3000, 1, 2))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
