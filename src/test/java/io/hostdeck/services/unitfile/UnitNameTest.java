package io.hostdeck.services.unitfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import io.hostdeck.error.InvalidInputException;

class UnitNameTest {

    @ParameterizedTest
    @ValueSource(strings = { "foo.service", "a.target", "foo@bar.service", "foo@.service", "foo@bar@baz.service",
            "a:b_c-d.e.socket", "dev-disk-by\\x2dlabel-data.device", "systemd-fsck@dev-sda1.service", "x.scope",
            ".hidden.service" /* systemd's own check allows a leading '.'; only service() refuses it */ })
    void acceptsWhatSystemdAccepts(String name) {
        assertThat(UnitName.of("unit", name).name()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "foo", "foo.", ".service", "foo.bar", "foo.Service", "foo.busname", "@foo.service",
            "@.service", "f\u043eo.service" /* Cyrillic o */, "n\u0435twork.target" /* Cyrillic e */, "foo bar.service",
            "foo/bar.service", "../x.service", "foo\u00a0.service", "foo$.service", "foo%i.service", "foo*.service",
            "foo\n.service", "foo.service\nExecStart=/bin/sh", "foo\u0000.service" })
    void refusesWhatSystemdRefuses(String name) {
        assertThatThrownBy(() -> UnitName.of("unit", name)).isInstanceOf(InvalidInputException.class)
                .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("unit");
    }

    @Test
    void atMost255Characters() {
        String longest = "a".repeat(255 - ".service".length()) + ".service";
        assertThat(UnitName.of("unit", longest).name()).hasSize(255);
        assertThatThrownBy(() -> UnitName.of("unit", "a" + longest)).isInstanceOf(InvalidInputException.class)
                .hasMessage("unit: must be at most 255 characters");
    }

    @Test
    void namesALookAlikeByItsCodePoint() {
        assertThatThrownBy(() -> UnitName.of("After", "n\u0435twork.target"))
                .hasMessageContaining("After: ").hasMessageContaining("'\u0435' (U+0435)");
    }

    @Test
    void surroundingSpacesAreTrimmedButNotControlCharacters() {
        assertThat(UnitName.of("unit", "  foo.service ").name()).isEqualTo("foo.service");
        assertThatThrownBy(() -> UnitName.of("unit", "foo.service\n"))
                .hasMessage("unit: must not contain control or invisible characters (found U+000A)");
    }

    @Test
    void tellsKindAndType() {
        assertThat(UnitName.of("u", "foo.service").kind()).isEqualTo(UnitName.Kind.PLAIN);
        assertThat(UnitName.of("u", "foo@.service").kind()).isEqualTo(UnitName.Kind.TEMPLATE);
        assertThat(UnitName.of("u", "foo@bar.service").kind()).isEqualTo(UnitName.Kind.INSTANCE);
        assertThat(UnitName.of("u", "foo@bar@.service").kind()).isEqualTo(UnitName.Kind.INSTANCE);
        assertThat(UnitName.of("u", "multi-user.target").type()).isEqualTo("target");
    }

    @Test
    void theConstructorChecksToo() {
        assertThatThrownBy(() -> new UnitName("foo\n.service")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> new UnitName(null)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void aServiceNameGetsItsSuffix() {
        assertThat(UnitName.service("name", "foo").name()).isEqualTo("foo.service");
        assertThat(UnitName.service("name", "foo.service").name()).isEqualTo("foo.service");
        assertThat(UnitName.service("name", " my-app_2 ").name()).isEqualTo("my-app_2.service");
        assertThat(UnitName.service("name", "app.v2").name()).isEqualTo("app.v2.service");
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "  ", "foo@.service", "foo@", "foo@bar", "foo@bar.service", "foo.socket", "foo.target",
            ".foo", "a\\x2db", "f\u043eo", "foo/bar", "../../etc/passwd", "foo\nbar", "foo bar", "@foo" })
    void refusesServiceNamesThatCannotBeCreated(String name) {
        assertThatThrownBy(() -> UnitName.service("name", name)).isInstanceOf(InvalidInputException.class)
                .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("name");
    }

    @Test
    void aServiceNameMustFitWithItsSuffix() {
        String prefix = "a".repeat(255 - ".service".length());
        assertThat(UnitName.service("name", prefix).name()).hasSize(255);
        assertThatThrownBy(() -> UnitName.service("name", prefix + "a")).hasMessage("name: must be at most 255 characters");
    }

    @Test
    void aTemplateIsRefusedWithTheReason() {
        assertThatThrownBy(() -> UnitName.service("name", "foo@.service"))
                .hasMessage("name: must not contain '@': templates and instances cannot be created here");
        assertThatThrownBy(() -> UnitName.service("name", "foo.socket"))
                .hasMessage("name: names a .socket unit; only services can be created");
    }
}
