package io.hostdeck.host.cgroupfs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import io.hostdeck.host.cgroupfs.CgroupSample.IoDevice;

/**
 * Bytes read and written per block device, as the parsers find them in one io.stat or blkio file:
 * a reusable table of primitives, so that parsing allocates nothing; {@link #devices} makes the
 * sample's list only when the figures changed.
 */
final class DeviceIo {

    private static final int WIDTH = 4; // major, minor, read, write

    private long[] rows = new long[WIDTH * 4];
    private int count;

    void clear() {
        count = 0;
    }

    int count() {
        return count;
    }

    /** Adds to the row of device major:minor, made when the file has not named it before. */
    void add(long major, long minor, long read, long written) {
        int row = row(major, minor);
        rows[row + 2] += read;
        rows[row + 3] += written;
    }

    long read() {
        long sum = 0;
        for (int i = 0; i < count; i++) {
            sum += rows[i * WIDTH + 2];
        }
        return sum;
    }

    long written() {
        long sum = 0;
        for (int i = 0; i < count; i++) {
            sum += rows[i * WIDTH + 3];
        }
        return sum;
    }

    /** The devices as immutable records: {@code previous} itself when it holds the same figures. */
    List<IoDevice> devices(List<IoDevice> previous) {
        if (previous != null && same(previous)) {
            return previous;
        }
        List<IoDevice> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int r = i * WIDTH;
            list.add(new IoDevice(rows[r], rows[r + 1], rows[r + 2], rows[r + 3]));
        }
        return Collections.unmodifiableList(list);
    }

    private boolean same(List<IoDevice> previous) {
        if (previous.size() != count) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            int r = i * WIDTH;
            IoDevice d = previous.get(i);
            if (d.major() != rows[r] || d.minor() != rows[r + 1] || d.readBytes() != rows[r + 2]
                    || d.writeBytes() != rows[r + 3]) {
                return false;
            }
        }
        return true;
    }

    /** The row of a device: v1 names it on several lines in a row, so the last row is looked at first. */
    private int row(long major, long minor) {
        for (int i = count - 1; i >= 0; i--) {
            int r = i * WIDTH;
            if (rows[r] == major && rows[r + 1] == minor) {
                return r;
            }
        }
        if ((count + 1) * WIDTH > rows.length) {
            rows = Arrays.copyOf(rows, rows.length * 2);
        }
        int r = count++ * WIDTH;
        rows[r] = major;
        rows[r + 1] = minor;
        rows[r + 2] = 0;
        rows[r + 3] = 0;
        return r;
    }
}
