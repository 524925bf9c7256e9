package io.hostdeck.cgroups;

import io.hostdeck.host.cgroupfs.CgroupSample;

/**
 * What a cgroup did between two samples, on systemd-cgtop's scales: CPU in percent of one core
 * (100 % is one core busy), bytes per second of IO. {@code null} where a sample lacks the counter
 * (the layout does not provide it) or there is no earlier sample yet, never a made-up zero.
 */
public record CgroupRates(
        String path,
        Double cpuPercent,
        Long memoryBytes,
        Long memoryMax,
        Double ioReadPerSec,
        Double ioWritePerSec,
        Long tasks,
        Long tasksMax,
        Double throttledPercent,
        Long memoryFailcnt,
        Long oomKills,
        Double cpuPressure,
        Double memoryPressure,
        Double ioPressure) {

    /** {@link #between(CgroupSample, CgroupSample, CgroupRates)} with no rates of the tick before. */
    static CgroupRates between(CgroupSample before, CgroupSample now) {
        return between(before, now, null);
    }

    /**
     * The rates from {@code before} to {@code now}; {@code before} may be null (first sample). The
     * same sample twice means the reader found the cgroup idle: no CPU, no IO, the rest as it was.
     * IO is a rate over the time between two reads of the IO counters, which for a cgroup that runs
     * are read every few ticks: when {@code now} did not read them again, the IO rates of the tick
     * before ({@code previous}, may be null) stand, so that a chart does not swing between 0 and twice the rate.
     */
    static CgroupRates between(CgroupSample before, CgroupSample now, CgroupRates previous) {
        if (before == now) {
            return new CgroupRates(now.path(), zeroIfKnown(now.cpuUsageUsec()), now.memoryBytes(), now.memoryMax(),
                    zeroIfKnown(now.ioReadBytes()), zeroIfKnown(now.ioWriteBytes()), now.tasks(), now.tasksMax(),
                    zeroIfKnown(now.cpuThrottledUsec()), now.memoryFailcnt(), now.oomKills(),
                    now.cpuPressure() == null ? null : now.cpuPressure().someAvg10(),
                    now.memoryPressure() == null ? null : now.memoryPressure().someAvg10(),
                    now.ioPressure() == null ? null : now.ioPressure().someAvg10());
        }
        double seconds = before == null ? 0 : (now.readAtNanos() - before.readAtNanos()) / 1e9;
        boolean timed = seconds > 0;
        double ioSeconds = before == null ? 0 : (now.ioAtNanos() - before.ioAtNanos()) / 1e9;
        boolean ioTimed = ioSeconds > 0;
        boolean ioStands = before != null && now.ioAtNanos() == before.ioAtNanos();
        Double ioRead = ioTimed ? perSecond(before.ioReadBytes(), now.ioReadBytes(), ioSeconds)
                : ioStands && previous != null ? previous.ioReadPerSec() : null;
        Double ioWrite = ioTimed ? perSecond(before.ioWriteBytes(), now.ioWriteBytes(), ioSeconds)
                : ioStands && previous != null ? previous.ioWritePerSec() : null;
        return new CgroupRates(now.path(),
                timed ? percent(before.cpuUsageUsec(), now.cpuUsageUsec(), seconds) : null,
                now.memoryBytes(), now.memoryMax(),
                ioRead, ioWrite,
                now.tasks(), now.tasksMax(),
                timed ? percent(before.cpuThrottledUsec(), now.cpuThrottledUsec(), seconds) : null,
                now.memoryFailcnt(), now.oomKills(),
                now.cpuPressure() == null ? null : now.cpuPressure().someAvg10(),
                now.memoryPressure() == null ? null : now.memoryPressure().someAvg10(),
                now.ioPressure() == null ? null : now.ioPressure().someAvg10());
    }

    private static Double zeroIfKnown(Long counter) {
        return counter == null ? null : 0.0;
    }

    /** µs of CPU per second of wall time, as percent: 1e6 µs/s is one core, 100 %. */
    private static Double percent(Long before, Long now, double seconds) {
        if (before == null || now == null || now < before) { // a counter that went back: the cgroup was re-made
            return null;
        }
        return (now - before) / seconds / 10_000.0;
    }

    private static Double perSecond(Long before, Long now, double seconds) {
        if (before == null || now == null || now < before) {
            return null;
        }
        return (now - before) / seconds;
    }
}
