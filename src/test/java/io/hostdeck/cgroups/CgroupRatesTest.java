package io.hostdeck.cgroups;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.hostdeck.host.cgroupfs.CgroupSample;
import io.hostdeck.host.cgroupfs.CgroupSample.Pressure;

class CgroupRatesTest {

    private static CgroupSample sample(long atNanos, long cpuUsec, long ioRead, Long tasks) {
        return new CgroupSample("/a.service", atNanos, atNanos, cpuUsec, null, null, null, null, 0L, null, null, null, null,
                1000L, 4096L, null, null, null, null, null, null, null, null, ioRead, null, null, tasks, null,
                new Pressure(2.5, null, 10, null), null, null);
    }

    private static CgroupSample ioSample(long atNanos, long ioAtNanos, long cpuUsec, long ioRead) {
        return new CgroupSample("/a.service", atNanos, ioAtNanos, cpuUsec, null, null, null, null, 0L, null, null, null,
                null, 1000L, 4096L, null, null, null, null, null, null, null, null, ioRead, null, null, 3L, null, null,
                null, null);
    }

    @Test
    void ioIsARateOverTheTimeBetweenTwoReadsOfItAndStandsBetweenThem() {
        // a running cgroup's IO counters are read every 2 s, its CPU time every tick
        CgroupSample t0 = ioSample(0, 0, 0, 0);
        CgroupSample t1 = ioSample(1_000_000_000L, 0, 500_000, 0);           // IO as read at t0
        CgroupSample t2 = ioSample(2_000_000_000L, 2_000_000_000L, 900_000, 8192);
        CgroupSample t3 = ioSample(3_000_000_000L, 2_000_000_000L, 1_000_000, 8192);

        CgroupRates r1 = CgroupRates.between(t0, t1, CgroupRates.between(null, t0));
        assertThat(r1.cpuPercent()).isEqualTo(50.0);
        assertThat(r1.ioReadPerSec()).as("no earlier IO rate to stand").isNull();
        CgroupRates r2 = CgroupRates.between(t1, t2, r1);
        assertThat(r2.cpuPercent()).isEqualTo(40.0);
        assertThat(r2.ioReadPerSec()).as("8 KiB over the 2 s between the reads, not over the tick's 1 s").isEqualTo(4096.0);
        CgroupRates r3 = CgroupRates.between(t2, t3, r2);
        assertThat(r3.cpuPercent()).isEqualTo(10.0);
        assertThat(r3.ioReadPerSec()).as("not read again: the rate stands, not 0").isEqualTo(4096.0);
    }

    @Test
    void cpuOnCgtopsScaleAndBytesPerSecond() {
        CgroupRates r = CgroupRates.between(sample(0, 0, 0, 3L), sample(2_000_000_000L, 600_000, 4096, 3L));
        assertThat(r.cpuPercent()).isEqualTo(30.0);
        assertThat(r.ioReadPerSec()).isEqualTo(2048.0);
        assertThat(r.ioWritePerSec()).as("a counter the layout lacks").isNull();
    }

    @Test
    void theSameSampleTwiceIsAnIdleTickZeroWhereTheCounterExistsNullWhereItDoesNot() {
        CgroupSample s = sample(5, 100, 200, 4L);
        CgroupRates r = CgroupRates.between(s, s);
        assertThat(r.cpuPercent()).isZero();
        assertThat(r.ioReadPerSec()).isZero();
        assertThat(r.throttledPercent()).isZero();
        assertThat(r.ioWritePerSec()).isNull();
        assertThat(r.memoryBytes()).isEqualTo(1000);
        assertThat(r.memoryMax()).isEqualTo(4096);
        assertThat(r.tasks()).isEqualTo(4);
        assertThat(r.cpuPressure()).isEqualTo(2.5);
    }

    @Test
    void theFirstSampleHasNoRatesYet() {
        CgroupRates r = CgroupRates.between(null, sample(5, 100, 200, 4L));
        assertThat(r.cpuPercent()).isNull();
        assertThat(r.ioReadPerSec()).isNull();
        assertThat(r.memoryBytes()).isEqualTo(1000);
    }
}
