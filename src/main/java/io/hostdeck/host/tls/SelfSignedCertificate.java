package io.hostdeck.host.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.hostdeck.host.HostUnavailableException;

/**
 * Makes a self-signed certificate and its key, as Cockpit does on first start: the JDK's own
 * keytool (argument array), an EC P-256 key, valid 825 days, for the machine's name, localhost
 * and 127.0.0.1, in an owner-only PKCS12 keystore whose random password is in an owner-only file
 * beside it.
 */
public final class SelfSignedCertificate {

    public static final String ALIAS = "hostdeck";

    private SelfSignedCertificate() {
    }

    /** The keystore's password, from the file beside it. */
    public static String password(Path keystore) {
        try {
            return Files.readString(passwordFile(keystore), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new HostUnavailableException("cannot read " + passwordFile(keystore) + ": " + e.getMessage(), e);
        }
    }

    public static Path passwordFile(Path keystore) {
        return keystore.resolveSibling(keystore.getFileName() + ".password");
    }

    /** Creates the keystore unless it exists; true when it made one. */
    public static boolean ensure(Path keystore, String hostname) {
        if (Files.exists(keystore)) {
            return false;
        }
        if (!hostname.matches("[A-Za-z0-9][A-Za-z0-9.-]{0,252}")) {
            hostname = "localhost";
        }
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        try {
            Files.createDirectories(keystore.toAbsolutePath().getParent());
            Path pw = passwordFile(keystore);
            Files.deleteIfExists(pw);
            Files.createFile(pw, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(pw, password + "\n");
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            ProcessBuilder b = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", ALIAS,
                    "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "825", "-dname", "CN=" + hostname,
                    "-ext", "SAN=dns:" + hostname + ",dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                    "-keystore", keystore.toString(), "-storepass:env", "HOSTDECK_STOREPASS"))
                    .redirectErrorStream(true);
            b.environment().put("HOSTDECK_STOREPASS", password); // not on the command line, where ps shows it
            Process p = b.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readNBytes(16 * 1024), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new HostUnavailableException("keytool could not make a certificate: " + out.strip());
            }
            Files.setPosixFilePermissions(keystore, PosixFilePermissions.fromString("rw-------"));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostUnavailableException("interrupted while making a TLS certificate", e);
        } catch (IOException e) {
            throw new HostUnavailableException("cannot make a TLS certificate at " + keystore + ": " + e.getMessage(), e);
        }
    }

}
