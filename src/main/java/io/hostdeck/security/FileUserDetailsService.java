package io.hostdeck.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Users from the users file ({@code hostdeck.users-file}), re-read when it changes. On first start,
 * when the file does not exist, creates it with one {@code admin} whose random password is printed
 * once in the log, as Jenkins does.
 */
@Component
class FileUserDetailsService implements UserDetailsService, InitializingBean {

    static final String FIRST_RUN_LINE = "Hostdeck first-run admin password: ";

    private static final Logger log = LoggerFactory.getLogger(FileUserDetailsService.class);
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path file;
    private final PasswordEncoder encoder;
    private final SecureRandom random = new SecureRandom();
    private Map<String, UsersFile.Entry> users = Map.of(); // guarded by this
    private FileTime loadedAt;                              // guarded by this

    FileUserDetailsService(@Value("${hostdeck.users-file}") String file, PasswordEncoder encoder) {
        this.file = Path.of(file).toAbsolutePath();
        this.encoder = encoder;
    }

    @Override
    public void afterPropertiesSet() {
        if (!Files.exists(file)) { // not notExists(): a parent that is no directory must fail here, loudly
            createWithAdmin();
        }
        Set<PosixFilePermission> perms = permissions();
        if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
            log.warn("users file {} is readable by others than its owner; chmod 600 it", file);
        }
        log.info("users from {} ({} valid)", file, current().size());
    }

    @Override
    public UserDetails loadUserByUsername(String name) {
        UsersFile.Entry e = current().get(name);
        if (e == null) {
            throw new UsernameNotFoundException("no user " + name + " in " + file);
        }
        List<org.springframework.security.core.GrantedAuthority> authorities = new java.util.ArrayList<>();
        authorities.add(new org.springframework.security.core.authority.SimpleGrantedAuthority("ROLE_" + e.role().name()));
        e.scope().forEach(p -> authorities.add(
                new org.springframework.security.core.authority.SimpleGrantedAuthority(Scope.AUTHORITY_PREFIX + p)));
        return User.withUsername(e.name()).password(e.hash()).authorities(authorities).build();
    }

    private synchronized Map<String, UsersFile.Entry> current() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (!modified.equals(loadedAt)) {
                List<UsersFile.Entry> parsed = UsersFile.parse(Files.readAllLines(file),
                        problem -> log.error("users file {}: {}; that line is ignored", file, problem));
                users = parsed.stream().collect(Collectors.toUnmodifiableMap(UsersFile.Entry::name,
                        Function.identity(), (first, second) -> first));
                loadedAt = modified;
            }
        } catch (NoSuchFileException e) {
            log.error("users file {} is gone: nobody can log in until it is back", file);
            users = Map.of();
            loadedAt = null;
        } catch (IOException e) {
            log.error("cannot read users file {}: {}; keeping the users read before", file, e.toString());
        }
        return users;
    }

    private void createWithAdmin() {
        String password = randomPassword(20);
        String text = UsersFile.HEADER + new UsersFile.Entry("admin", encoder.encode(password), Role.ADMIN).line() + "\n";
        try {
            Files.createDirectories(file.getParent());
            // written beside the target with owner-only mode from the start, then renamed into place
            Path tmp = Files.createTempFile(file.getParent(), ".users", ".tmp",
                    PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.writeString(tmp, text);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the users file " + file + " (" + e.getMessage()
                    + "); set hostdeck.users-file to a writable path", e);
        }
        log.warn("created {} with the user admin", file);
        log.warn(FIRST_RUN_LINE + "{}", password);
    }

    private Set<PosixFilePermission> permissions() {
        try {
            return Files.getPosixFilePermissions(file);
        } catch (IOException | UnsupportedOperationException e) {
            return Set.of();
        }
    }

    String randomPassword(int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }
}
