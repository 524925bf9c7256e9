package io.hostdeck.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class HostPropertiesTest {

    @Test
    void everythingDerivesFromTheRoot() {
        var host = new HostProperties("/proc/4242/root", null);
        assertThat(host.proc()).isEqualTo(Path.of("/proc/4242/root/proc"));
        assertThat(host.cgroupRoot()).isEqualTo(Path.of("/proc/4242/root/sys/fs/cgroup"));
        assertThat(host.busAddress()).isEqualTo("unix:path=/proc/4242/root/run/dbus/system_bus_socket");
    }

    @Test
    void theDefaultRootIsThisMachine() {
        var host = new HostProperties("/", "");
        assertThat(host.proc()).isEqualTo(Path.of("/proc"));
        assertThat(host.busAddress()).isEqualTo("unix:path=/run/dbus/system_bus_socket");
    }

    @Test
    void anExplicitBusAddressWins() {
        var host = new HostProperties("/host", " unix:path=/run/host-bus ");
        assertThat(host.busAddress()).isEqualTo("unix:path=/run/host-bus");
    }

    @Test
    void aRelativeRootIsRefusedWithTheSettingsName() {
        assertThatThrownBy(() -> new HostProperties("host", null))
                .hasMessage("hostdeck.host.root must be an absolute path, got 'host'");
    }
}
