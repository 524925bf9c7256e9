package io.hostdeck.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileInputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.hostdeck.HostdeckApplication;
import io.hostdeck.host.tls.SelfSignedCertificate;
import io.hostdeck.support.TestUsers;
import io.hostdeck.testbed.Testbed;
import io.hostdeck.testbed.TestbedExtension;

/**
 * TLS on: the first start makes a self-signed certificate (owner-only), serves HTTPS with it, and
 * plain HTTP only redirects there. A second app of its own, on free ports.
 */
@ExtendWith(TestbedExtension.class)
class TlsIT {

    @TempDir
    Path dir;

    @Test
    void firstStartMakesACertificateServesHttpsWithItAndRedirectsHttp() throws Exception {
        Testbed testbed = TestbedExtension.shared();
        Path keystore = dir.resolve("tls.p12");
        int https = freePort();
        int http = freePort();
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(HostdeckApplication.class).run(
                "--server.port=" + https, "--hostdeck.tls.enabled=true", "--hostdeck.tls.keystore=" + keystore,
                "--hostdeck.tls.redirect-port=" + http, "--hostdeck.host.root=" + testbed.root(),
                "--hostdeck.host.bus=" + testbed.busAddress(), "--hostdeck.users-file=" + TestUsers.write(),
                "--hostdeck.audit.file=" + dir.resolve("audit.log"))) {
            assertThat(Files.getPosixFilePermissions(keystore)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE);
            assertThat(Files.getPosixFilePermissions(SelfSignedCertificate.passwordFile(keystore)))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (var in = new FileInputStream(keystore.toFile())) {
                ks.load(in, SelfSignedCertificate.password(keystore).toCharArray());
            }
            Certificate mine = ks.getCertificate(SelfSignedCertificate.ALIAS);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks); // trust exactly the certificate just made
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            HttpClient client = HttpClient.newBuilder().sslContext(ssl).followRedirects(HttpClient.Redirect.NEVER).build();

            HttpResponse<String> login = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + https + "/login"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).isEqualTo(200);
            SSLSession session = login.sslSession().orElseThrow();
            assertThat(session.getPeerCertificates()[0]).isEqualTo(mine);
            assertThat(((X509Certificate) mine).getSubjectX500Principal().getName()).startsWith("CN=");

            HttpResponse<String> plain = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + http + "/login"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(plain.statusCode()).isBetween(301, 308);
            assertThat(plain.headers().firstValue("Location")).hasValue("https://localhost:" + https + "/login");
        }
        assertThat(SelfSignedCertificate.ensure(keystore, "x")).as("a second start keeps it").isFalse();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
