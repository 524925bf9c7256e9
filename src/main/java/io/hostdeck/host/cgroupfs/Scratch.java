package io.hostdeck.host.cgroupfs;

import static io.hostdeck.host.cgroupfs.CgroupParsers.NONE;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.List;

import io.hostdeck.host.cgroupfs.CgroupSample.IoDevice;
import io.hostdeck.host.cgroupfs.CgroupSample.Pressure;

/** A thread's buffer and scratch values. */
final class Scratch {

    static final byte[][] CGROUP_STAT_KEYS = CgroupParsers.keys("nr_descendants", "nr_dying_descendants");
    static final byte[][] CPU_STAT_KEYS = CgroupParsers.keys("usage_usec", "user_usec", "system_usec",
            "nr_periods", "nr_throttled", "throttled_usec");
    static final byte[][] CFS_STAT_KEYS = CgroupParsers.keys("nr_periods", "nr_throttled", "throttled_time");
    static final byte[][] V2_MEMORY_STAT_KEYS = CgroupParsers.keys("anon", "file", "inactive_file");
    static final byte[][] V1_MEMORY_STAT_KEYS = CgroupParsers.keys("total_rss", "total_cache", "total_inactive_file");
    static final byte[][] MEMORY_EVENTS_KEYS = CgroupParsers.keys("oom", "oom_kill");
    static final byte[][] OOM_CONTROL_KEYS = CgroupParsers.keys("oom_kill");
    static final byte[][] CPUACCT_STAT_KEYS = CgroupParsers.keys("user", "system");
    private static final int CHUNK = 8192; // FileInputStream reads up to 8 KiB without a malloc

    byte[] buf = new byte[CHUNK];
    ByteBuffer wrapped = ByteBuffer.wrap(buf);
    final long[] values = new long[24];
    final long[] keyed = new long[8];
    final long[] pair = new long[2];
    boolean stale;
    boolean gone;
    Pressure cpuPressure;
    Pressure memoryPressure;
    Pressure ioPressure;
    final DeviceIo deviceIo = new DeviceIo();
    List<IoDevice> ioDevices;
    /** A parent's cool children, while it sums them (CgroupEntry#sumChildren). */
    final List<CgroupEntry> coolChildren = new java.util.ArrayList<>();
    /** Cool cgroups a parent's sum showed not to have run, since the count was last taken. */
    int summedStill;

    /**
     * Re-reads an open cgroup file from its start with one pread(2): the kernel regenerates it.
     * A cgroup file (a seq_file) reads short only at its end.
     */
    int readFrom(RandomAccessFile f) throws IOException {
        FileChannel ch = f.getChannel();
        int n = 0;
        while (true) {
            if (wrapped.array() != buf) {
                wrapped = ByteBuffer.wrap(buf);
            }
            wrapped.limit(buf.length).position(n);
            int got = ch.read(wrapped, n);
            if (got <= 0) {
                return n;
            }
            n += got;
            if (n < buf.length) {
                return n;
            }
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
    }

    int readOnce(String file) throws IOException {
        try (InputStream in = new FileInputStream(file)) {
            int n = 0;
            while (true) {
                int want = Math.min(CHUNK, buf.length - n);
                int got = in.read(buf, n, want);
                if (got <= 0) {
                    return n;
                }
                n += got;
                if (got < want) {
                    return n;
                }
                if (n == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
            }
        }
    }

    CgroupSample sample(String path, long at, long ioAt) {
        long[] v = values;
        return new CgroupSample(path, at, ioAt, box(v[0]), box(v[1]), box(v[2]), box(v[3]), box(v[4]), box(v[5]),
                box(v[6]), box(v[7]), box(v[8]), box(v[9]), box(v[10]), box(v[11]), box(v[12]), box(v[13]),
                box(v[14]), box(v[23]), box(v[15]), box(v[16]), box(v[17]), box(v[18]), box(v[19]), box(v[20]),
                ioDevices, box(v[21]), box(v[22]), cpuPressure, memoryPressure, ioPressure);
    }

    private static Long box(long value) {
        return value == NONE ? null : value;
    }
}
