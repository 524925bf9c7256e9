package io.hostdeck.host.systemd;

import java.util.Optional;

/** systemd-hostnamed over the system bus: the hostname {@code hostnamectl} shows. */
final class Hostnamed {

    private final SystemBus bus;

    Hostnamed(SystemBus bus) {
        this.bus = bus;
    }

    /** Empty when hostnamed is not on the bus or not activatable: the caller has other sources. */
    Optional<String> hostname() {
        try {
            String name = bus.call(c -> SystemBus.properties(c, SystemBus.HOSTNAMED_PATH)
                    .<String>Get(SystemBus.HOSTNAMED, "Hostname"));
            return Optional.ofNullable(name).filter(n -> !n.isEmpty());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
