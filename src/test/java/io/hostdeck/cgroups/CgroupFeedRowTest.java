package io.hostdeck.cgroups;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CgroupFeedRowTest {

    private static CgroupFeed.Row row(int change) {
        Object[] v = { "/a.service", 12.5, 100L, 200L, 3L, 4L, 5L, 0.5, 6L, 7L, 1.5 };
        if (change > 0) {
            v[change] = v[change] instanceof Double ? (Object) 99.0 : (Object) 99L;
        }
        return new CgroupFeed.Row((String) v[0], (Double) v[1], (Long) v[2], (Long) v[3], (Long) v[4], (Long) v[5],
                (Long) v[6], (Double) v[7], (Long) v[8], (Long) v[9], (Double) v[10]);
    }

    @Test
    void aRowEqualsOnlyARowWithEveryValueTheSame() {
        assertThat(row(0)).isEqualTo(row(0)).hasSameHashCodeAs(row(0));
        for (int field = 1; field <= 10; field++) {
            assertThat(row(field)).as("field %d differs", field).isNotEqualTo(row(0));
        }
        assertThat(new CgroupFeed.Row("/b.service", 12.5, 100L, 200L, 3L, 4L, 5L, 0.5, 6L, 7L, 1.5)).isNotEqualTo(row(0));
        assertThat(new CgroupFeed.Row("/a.service", null, 100L, 200L, 3L, 4L, 5L, 0.5, 6L, 7L, 1.5)).isNotEqualTo(row(0));
        assertThat(row(0)).isNotEqualTo("a row");
    }
}
