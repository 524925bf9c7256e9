package io.hostdeck.cgroups;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecentMeanTest {

    @Test
    void averagesTheLastValuesOnly() {
        RecentMean m = new RecentMean(3);
        assertThat(m.mean()).isZero();
        m.add(3);
        assertThat(m.mean()).isEqualTo(3);
        m.add(6);
        m.add(9);
        m.add(30); // the 3 goes
        assertThat(m.mean()).isEqualTo(15);
    }
}
