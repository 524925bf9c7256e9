package io.hostdeck.host.sandbox;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import com.sun.jna.Native;

import io.hostdeck.error.ConflictException;
import io.hostdeck.host.HostProperties;

/**
 * How the target runs {@link SandboxInit}: a Java runtime and Hostdeck's own code, at paths that
 * exist on the target. By default the ones this JVM runs from — right when Hostdeck runs on the
 * host it manages; set {@code hostdeck.sandbox.java} and {@code hostdeck.sandbox.classpath} when
 * the target sees them elsewhere (Hostdeck in a container, for one).
 */
@Component
public class SandboxRuntime {

    static final String BOOT_LAUNCHER = "org.springframework.boot.loader.launch.PropertiesLauncher";

    private final HostProperties host;
    private final String java;
    private final String classpath;

    public SandboxRuntime(HostProperties host, @Value("${hostdeck.sandbox.java:}") String java,
            @Value("${hostdeck.sandbox.classpath:}") String classpath) {
        this.host = host;
        this.java = java.isBlank() ? Path.of(System.getProperty("java.home"), "bin", "java").toString() : java.strip();
        this.classpath = classpath.isBlank() ? ownClasspath() : classpath.strip();
    }

    /**
     * The command that starts SandboxInit with {@code args}; refused with what is missing when the
     * target has no such Java runtime or code.
     */
    public List<String> command(List<String> args) {
        List<String> missing = new ArrayList<>();
        for (String p : paths()) {
            if (!Files.exists(onTarget(p))) {
                missing.add(p);
            }
        }
        if (!missing.isEmpty()) {
            throw new ConflictException("sandboxes need a Java runtime and Hostdeck's code on the target, and it has no "
                    + String.join(", ", missing) + " (see hostdeck.sandbox.java and hostdeck.sandbox.classpath)");
        }
        List<String> argv = new ArrayList<>(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xss512k",
                "-XX:+UseSerialGC", "-Xmx32m", "-cp", classpath));
        if (bootJar()) {
            argv.add("-Dloader.main=" + SandboxInit.class.getName());
            argv.add(BOOT_LAUNCHER);
        } else {
            argv.add(SandboxInit.class.getName());
        }
        argv.addAll(args);
        return argv;
    }

    /** The paths the target must have: the java binary and every class path entry. */
    public Set<String> paths() {
        Set<String> paths = new LinkedHashSet<>();
        paths.add(java);
        paths.addAll(List.of(classpath.split(":")));
        return paths;
    }

    private Path onTarget(String path) {
        return host.rootPath().resolve(path.substring(1));
    }

    private boolean bootJar() {
        return !classpath.contains(":") && classpath.endsWith(".jar") && !classpath.contains("/jna-");
    }

    /**
     * The class path entries that hold SandboxInit and JNA when they are plain directories or
     * jars; inside a Spring Boot jar, that jar (started through its PropertiesLauncher).
     */
    public static String ownClasspath() {
        String own = location(SandboxInit.class.getProtectionDomain().getCodeSource());
        String jna = location(Native.class.getProtectionDomain().getCodeSource());
        if (own != null && jna != null) {
            return own.equals(jna) ? own : own + ":" + jna;
        }
        return System.getProperty("java.class.path"); // a Boot jar: java -jar hostdeck.jar
    }

    private static String location(CodeSource source) {
        try {
            if (source == null || !"file".equals(source.getLocation().getProtocol())) {
                return null;
            }
            return Path.of(source.getLocation().toURI()).toString();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }
}
