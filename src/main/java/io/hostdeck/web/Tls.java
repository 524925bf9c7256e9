package io.hostdeck.web;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

import org.apache.catalina.connector.Connector;
import org.apache.tomcat.util.descriptor.web.SecurityCollection;
import org.apache.tomcat.util.descriptor.web.SecurityConstraint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

import io.hostdeck.host.tls.SelfSignedCertificate;

/**
 * Optional TLS ({@code hostdeck.tls.enabled}): HTTPS on {@code server.port} with the keystore at
 * {@code hostdeck.tls.keystore}, made self-signed on first start when there is none (replace it
 * with a real one and its password file to stop browser warnings); plain HTTP on
 * {@code hostdeck.tls.redirect-port} only redirects to HTTPS.
 */
@Component
class Tls implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    private static final Logger log = LoggerFactory.getLogger(Tls.class);

    private final boolean enabled;
    private final Path keystore;
    private final int redirectPort;

    Tls(@Value("${hostdeck.tls.enabled:false}") boolean enabled,
            @Value("${hostdeck.tls.keystore:/etc/hostdeck/tls.p12}") String keystore,
            @Value("${hostdeck.tls.redirect-port:8080}") int redirectPort) {
        this.enabled = enabled;
        this.keystore = Path.of(keystore).toAbsolutePath();
        this.redirectPort = redirectPort;
    }

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        if (!enabled) {
            return;
        }
        if (SelfSignedCertificate.ensure(keystore, hostname())) {
            log.warn("made a self-signed TLS certificate at {} (its password in {}); browsers will warn until it is"
                    + " replaced by one they trust", keystore, SelfSignedCertificate.passwordFile(keystore));
        }
        Ssl ssl = new Ssl();
        ssl.setEnabled(true);
        ssl.setKeyStore("file:" + keystore);
        ssl.setKeyStoreType("PKCS12");
        ssl.setKeyStorePassword(SelfSignedCertificate.password(keystore));
        ssl.setKeyAlias(SelfSignedCertificate.ALIAS);
        factory.setSsl(ssl);
        if (redirectPort > 0) {
            Connector http = new Connector(TomcatServletWebServerFactory.DEFAULT_PROTOCOL);
            http.setScheme("http");
            http.setPort(redirectPort);
            http.setSecure(false);
            http.setRedirectPort(factory.getPort());
            factory.addAdditionalConnectors(http);
            factory.addContextCustomizers(context -> {
                SecurityConstraint confidential = new SecurityConstraint();
                confidential.setUserConstraint("CONFIDENTIAL");
                SecurityCollection all = new SecurityCollection();
                all.addPattern("/*");
                confidential.addCollection(all);
                context.addConstraint(confidential);
            });
        }
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
