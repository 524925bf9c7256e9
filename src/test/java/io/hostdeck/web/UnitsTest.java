package io.hostdeck.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UnitsTest {

    @Test
    void writesIpv6AddressesInTheirShortForm() {
        assertThat(Units.shortAddress("0:0:0:0:0:0:0:1")).isEqualTo("::1");
        assertThat(Units.shortAddress("fe80:0:0:0:a:0:0:4")).isEqualTo("fe80::a:0:0:4");
        assertThat(Units.shortAddress("1:0:0:0:0:0:0:0")).isEqualTo("1::");
        assertThat(Units.shortAddress("2001:0db8:0:1:0:0:0:1")).isEqualTo("2001:db8:0:1::1");
        assertThat(Units.shortAddress("1:2:3:4:5:6:7:0")).isEqualTo("1:2:3:4:5:6:7:0");
        assertThat(Units.shortAddress("127.0.0.1")).isEqualTo("127.0.0.1");
        assertThat(Units.shortAddress(null)).isEqualTo("—");
    }
}
