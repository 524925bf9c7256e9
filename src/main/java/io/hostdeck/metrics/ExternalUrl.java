package io.hostdeck.metrics;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * A Hostdeck's address as its users reach it ({@code hostdeck.external-url}), which it exports in
 * {@code hostdeck_info} so that a fleet page elsewhere can link to it. Only an absolute http or
 * https URL with a host counts: the fleet page reads these from Prometheus, i.e. from what each
 * host says of itself, and must never turn one into a {@code javascript:} link.
 */
public final class ExternalUrl {

    private ExternalUrl() {
    }

    /** The setting, checked at startup: empty, or an http(s) URL, without its trailing slash. */
    static String check(String setting) {
        String s = setting == null ? "" : setting.strip();
        if (s.isEmpty()) {
            return "";
        }
        return link(s).orElseThrow(() -> new IllegalArgumentException("hostdeck.external-url: '" + setting
                + "' is not an absolute http:// or https:// URL with a host (e.g. https://web-1.example:8443)"));
    }

    /** {@code url} as the base of a link, when it is an absolute http(s) URL with a host and no query or fragment. */
    public static Optional<String> link(String url) {
        if (url == null || url.isBlank() || url.length() > 2048) {
            return Optional.empty();
        }
        try {
            URI u = new URI(url.strip());
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null || u.getRawQuery() != null
                    || u.getRawFragment() != null || u.getRawUserInfo() != null) {
                return Optional.empty();
            }
            String s = u.toString();
            while (s.endsWith("/")) {
                s = s.substring(0, s.length() - 1);
            }
            return Optional.of(s);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
