package io.hostdeck.host.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a name resolved to is kept only until systemd says it may resolve otherwise. */
class UnitNamesTest {

    @Test
    void aLookUpUnderWayWhenSystemdReloadsIsNotKept() {
        UnitNames names = new UnitNames();
        long seen = names.generation();
        names.forget(); // the reload's signal, while the look-up was on the bus
        names.put(seen, "hd-app-alias.service", "hd-db.service");
        assertThat(names.get("hd-app-alias.service")).isNull();

        names.put(names.generation(), "hd-app-alias.service", "hd-db.service");
        assertThat(names.get("hd-app-alias.service")).isEqualTo("hd-db.service");
        names.forget();
        assertThat(names.get("hd-app-alias.service")).isNull();
    }

    @Test
    void anUnloadedUnitTakesEveryNameThatResolvedToItAlong() {
        UnitNames names = new UnitNames();
        names.put(names.generation(), "hd-app-alias.service", "hd-db.service");
        names.put(names.generation(), "hd-db.service", "hd-db.service");
        names.put(names.generation(), "hd-app-web.service", "hd-app-web.service");
        long seen = names.generation();
        names.removed("hd-db.service");
        assertThat(names.get("hd-app-alias.service")).isNull();
        assertThat(names.get("hd-db.service")).isNull();
        assertThat(names.get("hd-app-web.service")).isEqualTo("hd-app-web.service");
        names.put(seen, "hd-db.service", "hd-db.service");
        assertThat(names.get("hd-db.service")).as("looked up before the unit went").isNull();
    }

    @Test
    void atMostMaxNamesTheLeastRecentlyUsedGoFirst() {
        UnitNames names = new UnitNames();
        for (int i = 0; i < UnitNames.MAX; i++) {
            names.put(names.generation(), "u" + i + ".service", "u" + i + ".service");
        }
        assertThat(names.get("u0.service")).isEqualTo("u0.service"); // used: now the most recent
        names.put(names.generation(), "one-more.service", "one-more.service");
        assertThat(names.size()).isEqualTo(UnitNames.MAX);
        assertThat(names.get("u0.service")).isEqualTo("u0.service");
        assertThat(names.get("u1.service")).as("the least recently used").isNull();
        assertThat(names.get("one-more.service")).isEqualTo("one-more.service");
    }
}
