package io.hostdeck.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

@ExtendWith(OutputCaptureExtension.class)
class FirstRunAdminTest {

    private static final Pattern PASSWORD_LINE = Pattern.compile("Hostdeck first-run admin password: (\\S+)$", Pattern.MULTILINE);

    private final BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(4);

    @Test
    void firstStartCreatesAnOwnerOnlyFileWithAnAdminWhosePasswordIsLoggedOnce(@TempDir Path dir, CapturedOutput out)
            throws Exception {
        Path file = dir.resolve("etc/hostdeck/users");
        var users = new FileUserDetailsService(file.toString(), bcrypt);
        users.afterPropertiesSet();

        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        Matcher m = PASSWORD_LINE.matcher(out.getAll());
        assertThat(m.find()).as("the password line in the log").isTrue();
        String password = m.group(1);
        assertThat(password).hasSize(20);
        var admin = users.loadUserByUsername("admin");
        assertThat(bcrypt.matches(password, admin.getPassword())).isTrue();
        assertThat(admin.getAuthorities()).extracting(Object::toString).containsExactly("ROLE_ADMIN");
        assertThat(Files.readString(file)).doesNotContain(password);

        // a second start keeps the file and prints no password
        var again = new FileUserDetailsService(file.toString(), bcrypt);
        again.afterPropertiesSet();
        assertThat(PASSWORD_LINE.matcher(out.getAll()).results().count()).isEqualTo(1);
    }

    @Test
    void picksUpEditsToTheFileWithoutARestart(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("users");
        Files.writeString(file, "alice:" + bcrypt.encode("a") + ":VIEWER\n");
        var users = new FileUserDetailsService(file.toString(), bcrypt);
        users.afterPropertiesSet();
        assertThat(users.loadUserByUsername("alice").getAuthorities()).extracting(Object::toString)
                .containsExactly("ROLE_VIEWER");

        Files.writeString(file, "bob:" + bcrypt.encode("b") + ":OPERATOR\n");
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));

        assertThat(users.loadUserByUsername("bob").getUsername()).isEqualTo("bob");
        assertThatThrownBy(() -> users.loadUserByUsername("alice")).isInstanceOf(UsernameNotFoundException.class);
    }

    @Test
    void anUnwritablePlaceFailsStartWithAMessageThatSaysWhatToSet(@TempDir Path dir) throws Exception {
        Path blocker = dir.resolve("not-a-dir");
        Files.writeString(blocker, "");
        var users = new FileUserDetailsService(blocker.resolve("users").toString(), bcrypt);

        assertThatThrownBy(users::afterPropertiesSet)
                .hasMessageContaining("cannot create the users file " + blocker.resolve("users"))
                .hasMessageContaining("set hostdeck.users-file");
    }
}
