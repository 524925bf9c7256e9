package io.hostdeck.host.unitfiles;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import io.hostdeck.error.ConflictException;
import io.hostdeck.error.NotFoundException;
import io.hostdeck.error.RefusedException;
import io.hostdeck.host.HostProperties;
import io.hostdeck.host.HostUnavailableException;
import io.hostdeck.host.TargetPath;

/**
 * The unit files Hostdeck writes, in the target's {@code /etc/systemd/system}. Writes are atomic
 * (a temp file in the same directory, fsynced, renamed over the name), so systemd never reads half
 * a file. Names come already checked by the feature, but every name is checked again here to
 * resolve to a file directly inside the directory: a bug upstream must not become a write
 * elsewhere. Paths in messages are the target's own ({@code /etc/...}), not the root's.
 */
@Component
public class UnitFileStore {

    /** The first line of every unit file Hostdeck creates; only such files may be deleted. */
    public static final String CREATED_MARK = "# Created by Hostdeck";

    /** systemd's system unit search path, highest priority first; a name in any of them is taken. */
    static final List<String> SEARCH_PATH = List.of(TargetPath.UNIT_FILES.relative(), TargetPath.RUNTIME_UNITS.relative(),
            TargetPath.LIB_UNITS.relative(), TargetPath.USR_LIB_UNITS.relative());

    static final String OVERRIDE = "override.conf";
    static final int MAX_READ = 1 << 20;

    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwxr-xr-x");
    // the characters of a systemd unit name; no '/' and no NUL, so nothing but a file name
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9:_.\\\\@-]{1,260}");

    private final Path root;
    private final Path directory;
    private final List<Path> searchPath;

    public UnitFileStore(HostProperties host) {
        this.root = host.rootPath().normalize();
        this.searchPath = SEARCH_PATH.stream().map(host::under).map(Path::normalize).toList();
        this.directory = searchPath.get(0);
    }

    /** {@code <root>/etc/systemd/system}. */
    public Path directory() {
        return directory;
    }

    /**
     * Writes a new unit file, mode 0644. Refused when the name is taken anywhere on systemd's
     * search path, even by a mask symlink, as a new file in /etc would silently shadow it.
     */
    public Path create(String unitName, String text) {
        Path target = inside(directory, unitName);
        for (Path dir : searchPath) {
            Path existing = inside(dir, unitName);
            if (Files.exists(existing, NOFOLLOW_LINKS)) {
                throw new ConflictException(unitName + " exists already: " + shown(existing));
            }
        }
        try {
            makeDirectory(directory);
            writeNew(target, text);
        } catch (FileAlreadyExistsException e) {
            throw new ConflictException(unitName + " exists already: " + shown(target));
        } catch (IOException e) {
            throw failure("cannot write " + shown(target), e);
        }
        return target;
    }

    /** Writes (or replaces) {@code <unit>.d/override.conf}, creating the directory with mode 0755. */
    public Path writeOverride(String unitName, String text) {
        Path dropIns = inside(directory, unitName + ".d");
        Path target = dropIns.resolve(OVERRIDE);
        if (Files.isSymbolicLink(dropIns)) {
            throw new ConflictException(shown(dropIns) + " is a symbolic link; Hostdeck writes only into a real"
                    + " directory");
        }
        try {
            makeDirectory(directory);
            makeDirectory(dropIns);
            writeAtomically(target, text);
        } catch (IOException e) {
            throw failure("cannot write " + shown(target), e);
        }
        return target;
    }

    /**
     * Removes a unit file Hostdeck created, with its override.conf and its drop-in directory when
     * that is then empty (other drop-ins are someone else's). The unit file goes last, so a delete
     * cut short can be repeated.
     */
    public void delete(String unitName) {
        Path file = inside(directory, unitName);
        Path dropIns = inside(directory, unitName + ".d");
        try {
            if (!Files.exists(file, NOFOLLOW_LINKS)) {
                throw new NotFoundException(shown(file) + " does not exist");
            }
            if (!Files.isRegularFile(file, NOFOLLOW_LINKS) || !createdByHostdeck(file)) {
                throw new ConflictException(shown(file) + " was not created by Hostdeck; Hostdeck deletes only the"
                        + " unit files it created");
            }
            if (Files.isDirectory(dropIns, NOFOLLOW_LINKS)) {
                Files.deleteIfExists(dropIns.resolve(OVERRIDE));
                try {
                    Files.delete(dropIns);
                } catch (DirectoryNotEmptyException e) {
                    // other drop-ins: not Hostdeck's to remove
                }
            }
            Files.delete(file);
            syncDirectory(directory);
        } catch (IOException e) {
            throw failure("cannot delete " + shown(file), e);
        }
    }

    /** The text of the unit file in /etc/systemd/system; empty when there is no regular file (a symlink is not read). */
    public Optional<String> read(String unitName) {
        return readFile(inside(directory, unitName));
    }

    /** The directories systemd loads units and drop-ins from, on the target. */
    static final List<String> UNIT_TREES = List.of("/etc/systemd/", "/run/systemd/", "/lib/systemd/",
            "/usr/lib/systemd/", "/usr/local/lib/systemd/");

    /**
     * The text of a file systemd names as a unit's FragmentPath or DropInPaths, read under the
     * target root. Only from systemd's unit trees, never through a symlink at the end (an absolute
     * one would leave the target's root), at most 1 MiB; empty when there is no such file.
     */
    public Optional<String> readUnitText(String systemdPath) {
        if (systemdPath == null || systemdPath.contains("/../") || systemdPath.contains("/./")
                || systemdPath.indexOf('\0') >= 0 || UNIT_TREES.stream().noneMatch(systemdPath::startsWith)) {
            return Optional.empty();
        }
        return readFile(root.resolve(systemdPath.substring(1)));
    }

    private Optional<String> readFile(Path file) {
        if (!Files.isRegularFile(file, NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(file, NOFOLLOW_LINKS)) {
            byte[] bytes = in.readNBytes(MAX_READ + 1);
            if (bytes.length > MAX_READ) {
                throw new ConflictException(shown(file) + " is larger than 1 MiB, too large for a unit file");
            }
            return Optional.of(new String(bytes, UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("cannot read " + shown(file), e);
        }
    }

    /**
     * {@code dir/name}, refused unless it is a plain file name that resolves directly inside
     * {@code dir}: no '/', no NUL, no leading '.' (which also rules out '.', '..' and our temp files).
     */
    static Path inside(Path dir, String name) {
        if (name == null || name.startsWith(".") || !FILE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a unit file name: '" + printable(name) + "'");
        }
        Path path;
        try {
            path = dir.resolve(name).normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("not a unit file name: '" + printable(name) + "'", e);
        }
        if (!dir.equals(path.getParent())) {
            throw new IllegalArgumentException("'" + printable(name) + "' does not name a file in " + dir);
        }
        return path;
    }

    private boolean createdByHostdeck(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file, NOFOLLOW_LINKS)) {
            head = in.readNBytes(CREATED_MARK.length() + 2);
        }
        String start = new String(head, UTF_8);
        int nl = start.indexOf('\n');
        String firstLine = nl < 0 ? start : start.substring(0, nl);
        if (firstLine.endsWith("\r")) {
            firstLine = firstLine.substring(0, firstLine.length() - 1);
        }
        return firstLine.equals(CREATED_MARK);
    }

    private static void makeDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Files.createDirectories(dir.getParent());
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
            Files.setPosixFilePermissions(dir, DIR_MODE); // the create mode went through the umask
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
    }

    private static void writeAtomically(Path target, String text) throws IOException {
        write(target, text, false);
    }

    /**
     * Like {@link #writeAtomically} but never replaces: the finished file is published with a hard
     * link, which fails if the name appeared since the caller looked, instead of overwriting it.
     */
    private static void writeNew(Path target, String text) throws IOException {
        write(target, text, true);
    }

    private static void write(Path target, String text, boolean mustBeNew) throws IOException {
        Path dir = target.getParent();
        Path temp = Files.createTempFile(dir, ".hostdeck-", ".tmp", PosixFilePermissions.asFileAttribute(FILE_MODE));
        try {
            Files.setPosixFilePermissions(temp, FILE_MODE); // the create mode went through the umask
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(UTF_8));
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                out.force(true);
            }
            if (mustBeNew) {
                Files.createLink(target, temp);
            } else {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            }
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Makes the rename itself durable. Best effort: not every file system lets a directory be synced. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // the rename is atomic either way; only its durability across a crash is at stake
        }
    }

    /** Permission and read-only file systems are the host refusing (403); anything else, the host failing. */
    private static RuntimeException failure(String what, IOException e) {
        if (e instanceof AccessDeniedException) {
            return new RefusedException(what + ": permission denied");
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null
                && fse.getReason().contains("Read-only file system")) {
            return new RefusedException(what + ": read-only file system");
        }
        String reason = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason()
                : e.getClass().getSimpleName();
        return new HostUnavailableException(what + ": " + reason, e);
    }

    private String shown(Path path) {
        return path.startsWith(root) ? "/" + root.relativize(path) : path.toString();
    }

    private static String printable(String s) {
        if (s == null) {
            return "";
        }
        String cut = s.length() > 60 ? s.substring(0, 60) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
