package io.hostdeck.host;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The one target host. Every path Hostdeck reads and the system bus it talks to derive from
 * {@code root}, the way node_exporter's --path.rootfs does: "/" for the machine it runs on,
 * "/host" in a container with the host mounted there, "/proc/PID/root" for a test container.
 *
 * @param root the target's root directory
 * @param bus  a D-Bus address for the target's system bus; empty means the socket under root
 */
@ConfigurationProperties("hostdeck.host")
public record HostProperties(@DefaultValue("/") String root, String bus) {

    // a String, not a Path: Spring's Path conversion would resolve "/" against the servlet context
    public HostProperties {
        if (root == null || !root.startsWith("/")) {
            throw new IllegalArgumentException("hostdeck.host.root must be an absolute path, got '" + root + "'");
        }
    }

    public Path rootPath() {
        return Path.of(root);
    }

    /** {@code <root>/proc}: the target's procfs. */
    public Path proc() {
        return under(TargetPath.PROC);
    }

    /** {@code <root>/sys/fs/cgroup}: the target's cgroup mount point. */
    public Path cgroupRoot() {
        return under(TargetPath.CGROUPS);
    }

    /** The target's system bus: the configured address, else the well-known socket under root. */
    public String busAddress() {
        if (bus != null && !bus.isBlank()) {
            return bus.strip();
        }
        return "unix:path=" + under(TargetPath.SYSTEM_BUS);
    }

    public Path under(String relative) {
        return rootPath().resolve(relative);
    }

    /** One of the places Hostdeck uses on the target, under the root. */
    public Path under(TargetPath path) {
        return under(path.relative());
    }
}
