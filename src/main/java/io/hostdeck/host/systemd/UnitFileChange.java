package io.hostdeck.host.systemd;

/** What enabling, disabling, masking or unmasking changed on disk, as systemctl prints it. */
public record UnitFileChange(String type, String file, String destination) {
}
