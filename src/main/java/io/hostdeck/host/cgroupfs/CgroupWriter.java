package io.hostdeck.host.cgroupfs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.springframework.stereotype.Component;

import io.hostdeck.error.ConflictException;
import io.hostdeck.error.InvalidInputException;
import io.hostdeck.error.NotFoundException;
import io.hostdeck.error.RefusedException;
import io.hostdeck.host.HostProperties;

/**
 * Raw limits for a cgroup that no unit owns (one made by hand or by a container runtime), written
 * in the layout's own files: v2's memory.max, cpu.weight, cpu.max, pids.max; v1's
 * memory.limit_in_bytes, cpu.shares, cpu.cfs_quota_us/cpu.cfs_period_us, pids.max. Whether a unit
 * owns the cgroup is for the caller to decide; this only writes. Each value is one write(2), so
 * the kernel's own refusal (EINVAL, EBUSY) comes back as a conflict in its words.
 */
@Component
public class CgroupWriter {

    /** The least memory limit taken: one page. */
    static final long MIN_MEMORY = 4096;
    /** v1 reads limits at or above this as "unlimited": no real limit is that large. */
    static final long MAX_MEMORY = CgroupParsers.UNLIMITED_FROM - 1;
    /** The kernel's CFS bounds: period 1 ms..1 s, quota at least 1 ms and below 2^44 µs. */
    static final long MIN_PERIOD = 1_000;
    static final long MAX_PERIOD = 1_000_000;
    static final long MIN_QUOTA = 1_000;
    static final long MAX_QUOTA = (1L << 44) - 1;
    /** PID_MAX_LIMIT: pids.max takes nothing larger. */
    static final long MAX_PIDS = 4_194_304;

    private final Path cgroupRoot;
    private final CgroupReader reader;

    /** @param reader told about each change, so that its next reading shows the new limit */
    public CgroupWriter(HostProperties host, CgroupReader reader) {
        this.cgroupRoot = host.cgroupRoot();
        this.reader = reader;
    }

    /** The memory limit in bytes, null for none: v2 memory.max ("max"), v1 memory.limit_in_bytes (-1). */
    public void setMemoryMax(String path, Long bytes) {
        CgroupPath.check(path);
        if (bytes != null && (bytes < MIN_MEMORY || bytes > MAX_MEMORY)) {
            throw new InvalidInputException("memory", bytes + " bytes is out of range: at least " + MIN_MEMORY
                    + " (one page), below 2^62, or max for no limit");
        }
        if (v2()) {
            write("memory", path, "memory.max", bytes == null ? "max" : bytes.toString());
        } else {
            write("memory", path, "memory.limit_in_bytes", bytes == null ? "-1" : bytes.toString());
        }
    }

    /**
     * The CPU weight, 1..10000 (100 is the default): v2 cpu.weight; v1 cpu.shares, mapped as
     * systemd maps CPUWeight= there (weight * 1024 / 100, so 100 is v1's default 1024).
     */
    public void setCpuWeight(String path, long weight) {
        CgroupPath.check(path);
        if (weight < 1 || weight > 10_000) {
            throw new InvalidInputException("cpuWeight", weight + " is out of range: 1..10000");
        }
        if (v2()) {
            write("cpu", path, "cpu.weight", Long.toString(weight));
        } else {
            write("cpu", path, "cpu.shares", Long.toString(sharesOf(weight)));
        }
    }

    /**
     * CPU time per period, null for no quota: v2 cpu.max ("QUOTA PERIOD", "max PERIOD"); v1
     * cpu.cfs_period_us then cpu.cfs_quota_us (-1), in the order systemd writes them.
     */
    public void setCpuQuota(String path, Long quotaUsec, long periodUsec) {
        CgroupPath.check(path);
        if (periodUsec < MIN_PERIOD || periodUsec > MAX_PERIOD) {
            throw new InvalidInputException("cpuPeriod", periodUsec + " µs is out of range: 1000..1000000");
        }
        if (quotaUsec != null && (quotaUsec < MIN_QUOTA || quotaUsec > MAX_QUOTA)) {
            throw new InvalidInputException("cpuQuota", quotaUsec + " µs is out of range: at least 1000 µs, or max");
        }
        if (v2()) {
            write("cpu", path, "cpu.max", (quotaUsec == null ? "max" : quotaUsec.toString()) + " " + periodUsec);
        } else {
            write("cpu", path, "cpu.cfs_period_us", Long.toString(periodUsec));
            write("cpu", path, "cpu.cfs_quota_us", quotaUsec == null ? "-1" : quotaUsec.toString());
        }
    }

    /** The most tasks, null for no limit: pids.max in either layout. */
    public void setPidsMax(String path, Long max) {
        CgroupPath.check(path);
        if (max != null && (max < 0 || max > MAX_PIDS)) {
            throw new InvalidInputException("pids", max + " is out of range: 0.." + MAX_PIDS + ", or max");
        }
        write("pids", path, "pids.max", max == null ? "max" : max.toString());
    }

    /** systemd's CPUWeight= to cpu.shares: weight * 1024 / 100, within v1's 2..262144. */
    static long sharesOf(long weight) {
        return Math.max(2, Math.min(262_144, weight * 1024 / 100));
    }

    private boolean v2() {
        CgroupMode mode = layout().mode();
        if (mode == CgroupMode.NONE) {
            throw new NotFoundException("no cgroup file system under " + cgroupRoot);
        }
        return mode == CgroupMode.V2;
    }

    private CgroupLayout layout() {
        return reader.layout();
    }

    private void write(String controller, String path, String file, String value) {
        String tree = layout().controllerTree(controller);
        if (tree == null) {
            throw new ConflictException("the " + controller + " controller is not mounted under " + cgroupRoot);
        }
        Path dir = Path.of(CgroupPath.in(tree, path));
        if (!Files.isDirectory(dir)) {
            throw new NotFoundException("no cgroup " + path + (layout().mode() == CgroupMode.V2 ? ""
                    : " in the " + controller + " hierarchy"));
        }
        Path target = dir.resolve(file);
        // never CREATE: a cgroup file the kernel did not make is not one (truncating is a no-op on cgroupfs)
        try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(value.getBytes(StandardCharsets.US_ASCII));
            channel.write(bytes);
            reader.limitsChanged(path);
        } catch (NoSuchFileException e) {
            if (!Files.isDirectory(dir)) {
                throw new NotFoundException("no cgroup " + path);
            }
            throw new ConflictException(path + " has no " + file + ": the " + controller
                    + " controller is not enabled for it");
        } catch (AccessDeniedException e) {
            throw new RefusedException("not allowed to write " + file + " of " + path + ": permission denied");
        } catch (IOException e) {
            throw translate(e, path, file, value);
        }
    }

    /** The kernel's refusal in its own words; errno reaches Java only as strerror's text. */
    private static RuntimeException translate(IOException e, String path, String file, String value) {
        String reason = e instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason() : e.getMessage();
        String words = reason == null ? "" : reason;
        if (words.contains("Read-only file system") || words.contains("Operation not permitted")
                || words.contains("Permission denied")) {
            return new RefusedException("not allowed to write " + file + " of " + path + ": " + words);
        }
        if (words.contains("Invalid argument") || words.contains("Device or resource busy")) {
            return new ConflictException("the kernel refused " + file + " = " + value + " for " + path + ": " + words);
        }
        if (words.contains("No such device") || words.contains("No such file")) {
            return new NotFoundException("no cgroup " + path + " (removed while writing " + file + ")");
        }
        return new UncheckedIOException("cannot write " + file + " of " + path, e);
    }
}
