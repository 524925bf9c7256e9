package io.hostdeck.host.systemd;

/** An installed unit file: its unit name, where it lies, and its enablement (enabled, disabled, static, masked, ...). */
public record UnitFile(String name, String path, String state) {
}
