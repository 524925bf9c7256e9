package io.hostdeck.host.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UnitPathsTest {

    @Test
    void decodesSystemdsBusEscapingOfUnitNames() {
        assertThat(UnitPaths.unitName("/org/freedesktop/systemd1/unit/dbus_2eservice")).isEqualTo("dbus.service");
        assertThat(UnitPaths.unitName("/org/freedesktop/systemd1/unit/getty_40tty1_2eservice")).isEqualTo("getty@tty1.service");
        assertThat(UnitPaths.unitName("/org/freedesktop/systemd1/unit/app_2dweb_5f1_2eservice")).isEqualTo("app-web_1.service");
    }

    @Test
    void encodesNamesAsSdBusDoes() {
        assertThat(UnitPaths.path("getty@tty1.service")).isEqualTo("/org/freedesktop/systemd1/unit/getty_40tty1_2eservice");
        assertThat(UnitPaths.unitName(UnitPaths.path("dev-disk-by\\x2dlabel.device"))).isEqualTo("dev-disk-by\\x2dlabel.device");
    }

    @Test
    void otherPathsAreNoUnit() {
        assertThat(UnitPaths.unitName("/org/freedesktop/systemd1")).isNull();
        assertThat(UnitPaths.unitName("/org/freedesktop/systemd1/job/42")).isNull();
        assertThat(UnitPaths.unitName(null)).isNull();
    }

    @Test
    void aMalformedEscapeIsKeptAsItIs() {
        assertThat(UnitPaths.unescape("a_zz_2")).isEqualTo("a_zz_2");
    }
}
