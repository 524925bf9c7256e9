package io.hostdeck.host.unitfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.hostdeck.error.ConflictException;
import io.hostdeck.error.NotFoundException;
import io.hostdeck.host.HostProperties;

class UnitFileStoreTest {

    private static final String TEXT = "# Created by Hostdeck\n[Unit]\nDescription=Demo\n";

    @TempDir
    Path root;

    private Path etc;
    private UnitFileStore store;

    @BeforeEach
    void setUp() {
        store = new UnitFileStore(new HostProperties(root.toString(), null));
        etc = root.resolve("etc/systemd/system");
    }

    @Test
    void createsTheFileWithMode0644AndNoTempFileLeft() throws Exception {
        Path written = store.create("demo.service", TEXT);

        assertThat(written).isEqualTo(etc.resolve("demo.service"));
        assertThat(Files.readString(written)).isEqualTo(TEXT);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(written))).isEqualTo("rw-r--r--");
        try (Stream<Path> files = Files.list(etc)) {
            assertThat(files).containsExactly(written);
        }
        assertThat(store.read("demo.service")).contains(TEXT);
    }

    @ParameterizedTest
    @ValueSource(strings = { "etc/systemd/system", "run/systemd/system", "lib/systemd/system", "usr/lib/systemd/system" })
    void refusesANameTakenAnywhereOnTheSearchPath(String dir) throws Exception {
        Files.createDirectories(root.resolve(dir));
        Files.writeString(root.resolve(dir).resolve("sshd.service"), "[Service]\nExecStart=/usr/sbin/sshd\n");

        assertThatThrownBy(() -> store.create("sshd.service", TEXT)).isInstanceOf(ConflictException.class)
                .hasMessage("sshd.service exists already: /" + dir + "/sshd.service");
        assertThat(Files.readString(root.resolve(dir).resolve("sshd.service"))).doesNotContain("Hostdeck");
    }

    @Test
    void refusesAMaskedName() throws Exception {
        Files.createDirectories(etc);
        Files.createSymbolicLink(etc.resolve("masked.service"), Path.of("/dev/null"));

        assertThatThrownBy(() -> store.create("masked.service", TEXT)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("exists already");
        assertThat(Files.isSymbolicLink(etc.resolve("masked.service"))).isTrue();
    }

    @Test
    void writesAndReplacesAnOverride() throws Exception {
        Path written = store.writeOverride("nginx.service", "[Service]\nExecStart=\nExecStart=/bin/a\n");
        store.writeOverride("nginx.service", "[Service]\nExecStart=\nExecStart=/bin/b\n");

        assertThat(written).isEqualTo(etc.resolve("nginx.service.d/override.conf"));
        assertThat(Files.readString(written)).isEqualTo("[Service]\nExecStart=\nExecStart=/bin/b\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(written))).isEqualTo("rw-r--r--");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(written.getParent())))
                .isEqualTo("rwxr-xr-x");
        try (Stream<Path> files = Files.list(written.getParent())) {
            assertThat(files).containsExactly(written);
        }
    }

    @Test
    void refusesToWriteThroughASymlinkedDropInDirectory() throws Exception {
        Path elsewhere = Files.createDirectories(root.resolve("elsewhere"));
        Files.createDirectories(etc);
        Files.createSymbolicLink(etc.resolve("nginx.service.d"), elsewhere);

        assertThatThrownBy(() -> store.writeOverride("nginx.service", "x")).isInstanceOf(ConflictException.class);
        try (Stream<Path> files = Files.list(elsewhere)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void deletesItsOwnFileWithItsOverride() throws Exception {
        store.create("demo.service", TEXT);
        store.writeOverride("demo.service", "[Service]\nUser=\n");

        store.delete("demo.service");

        assertThat(etc.resolve("demo.service")).doesNotExist();
        assertThat(etc.resolve("demo.service.d")).doesNotExist();
        assertThat(store.read("demo.service")).isEmpty();
    }

    @Test
    void keepsOtherDropIns() throws Exception {
        store.create("demo.service", TEXT);
        Path override = store.writeOverride("demo.service", "[Service]\nUser=\n");
        Files.writeString(override.resolveSibling("limits.conf"), "[Service]\nMemoryMax=1G\n");

        store.delete("demo.service");

        assertThat(etc.resolve("demo.service")).doesNotExist();
        assertThat(override).doesNotExist();
        assertThat(override.resolveSibling("limits.conf")).exists();
    }

    @Test
    void refusesToDeleteAFileItDidNotCreate() throws Exception {
        Files.createDirectories(etc);
        Files.writeString(etc.resolve("vendor.service"), "[Unit]\nDescription=# Created by Hostdeck\n");
        Files.createDirectories(etc.resolve("vendor.service.d"));
        Files.writeString(etc.resolve("vendor.service.d/override.conf"), "[Service]\n");

        assertThatThrownBy(() -> store.delete("vendor.service")).isInstanceOf(ConflictException.class)
                .hasMessageContaining("not created by Hostdeck");
        assertThat(etc.resolve("vendor.service")).exists();
        assertThat(etc.resolve("vendor.service.d/override.conf")).exists();
    }

    @Test
    void refusesToDeleteASymlinkEvenToItsOwnFile() throws Exception {
        Path real = store.create("demo.service", TEXT);
        Files.createSymbolicLink(etc.resolve("alias.service"), real);

        assertThatThrownBy(() -> store.delete("alias.service")).isInstanceOf(ConflictException.class)
                .hasMessageContaining("not created by Hostdeck");
        assertThat(store.read("alias.service")).isEmpty();
    }

    @Test
    void deletingWhatIsNotThereSaysSo() {
        assertThatThrownBy(() -> store.delete("ghost.service")).isInstanceOf(NotFoundException.class)
                .hasMessage("/etc/systemd/system/ghost.service does not exist");
    }

    @ParameterizedTest
    @ValueSource(strings = { "", ".", "..", "../../etc/passwd", "../x.service", "foo/../../x.service",
            "/etc/passwd", "sub/x.service", "a\u0000b.service", "x.service\n", ".hostdeck-1.tmp" })
    void refusesNamesOutsideTheDirectory(String name) throws Exception {
        assertThatThrownBy(() -> store.create(name, TEXT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.writeOverride(name, TEXT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.delete(name)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.read(name)).isInstanceOf(IllegalArgumentException.class);
        try (Stream<Path> all = Files.walk(root)) {
            assertThat(all.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void refusesANullName() {
        assertThatThrownBy(() -> store.create(null, TEXT)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theMarkIsMatchedOnTheWholeFirstLine() throws Exception {
        Files.createDirectories(etc);
        Files.writeString(etc.resolve("a.service"), "# Created by Hostdeck, or so it says\n");
        Files.writeString(etc.resolve("b.service"), "# Created by Hostdeck\r\n[Unit]\n");

        assertThatThrownBy(() -> store.delete("a.service")).isInstanceOf(ConflictException.class);
        store.delete("b.service");
        assertThat(etc.resolve("b.service")).doesNotExist();
    }

    @Test
    void readsTheUnitFilesSystemdNamesOnlyFromItsUnitTrees() throws Exception {
        Path lib = Files.createDirectories(root.resolve("usr/lib/systemd/system"));
        Files.writeString(lib.resolve("ssh.service"), "[Service]\nExecStart=/usr/sbin/sshd -D\n");
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0\n");
        Files.createSymbolicLink(lib.resolve("evil.service"), root.resolve("etc/passwd"));

        org.assertj.core.api.Assertions.assertThat(store.readUnitText("/usr/lib/systemd/system/ssh.service"))
                .hasValueSatisfying(t -> org.assertj.core.api.Assertions.assertThat(t).contains("ExecStart=/usr/sbin/sshd"));
        for (String p : new String[] {"/etc/passwd", "/usr/lib/systemd/../../../etc/passwd", "/usr/lib/systemd/system/evil.service",
                "usr/lib/systemd/system/ssh.service", "/usr/lib/systemd/./system/ssh.service", null}) {
            org.assertj.core.api.Assertions.assertThat(store.readUnitText(p)).as(String.valueOf(p)).isEmpty();
        }
    }
}
