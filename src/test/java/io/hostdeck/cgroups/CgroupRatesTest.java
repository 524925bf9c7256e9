package io.hostdeck.cgroups;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.hostdeck.host.cgroupfs.CgroupSample;
import io.hostdeck.host.cgroupfs.CgroupSample.Pressure;

class CgroupRatesTest {

    private static CgroupSample sample(long atNanos, long cpuUsec, long ioRead, Long tasks) {
        return new CgroupSample("/a.service", atNanos, cpuUsec, null, null, null, null, 0L, null, null, null, null,
                1000L, 4096L, null, null, null, null, null, null, null, null, ioRead, null, null, tasks, null,
                new Pressure(2.5, null, 10, null), null, null);
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
