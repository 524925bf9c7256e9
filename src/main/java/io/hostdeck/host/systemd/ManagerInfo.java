package io.hostdeck.host.systemd;

/**
 * The manager's own facts, from its D-Bus properties.
 *
 * @param version     systemd's version string, e.g. {@code 252.39-1~deb12u2}
 * @param systemState {@code running}, {@code degraded}, {@code starting}, ... as {@code systemctl is-system-running}
 * @param virtualization what systemd detected, empty on bare metal
 */
public record ManagerInfo(String version, String systemState, String virtualization) {
}
