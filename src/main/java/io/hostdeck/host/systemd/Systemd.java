package io.hostdeck.host.systemd;

import java.util.List;
import java.util.Optional;

import io.hostdeck.host.HostUnavailableException;

/**
 * The target host's systemd, over its system bus. Every method throws
 * {@link HostUnavailableException} when systemd cannot be reached, with a message that says where
 * it was looked for.
 */
public interface Systemd {

    /** Where the system bus is expected: the address shown to users when systemd is missing. */
    String busAddress();

    ManagerInfo manager();

    List<UnitSummary> listUnits();

    /**
     * The hostname systemd-hostnamed reports (what {@code hostnamectl} shows), empty when it is
     * not on the bus. It activates hostnamed, so callers prefer a cheaper source first.
     */
    Optional<String> hostname();
}
