package io.hostdeck.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.hostdeck.error.InvalidInputException;
import io.hostdeck.security.Scope;

/**
 * The fleet page's filters, from its URL: {@code host}, a regular expression (RE2, anchored, as
 * PromQL's {@code =~}) on the hostname, and {@code label}, any number of {@code NAME=VALUE},
 * {@code NAME!=VALUE}, {@code NAME=~REGEX} or {@code NAME!~REGEX} on the series' target labels.
 * Values go into PromQL only as escaped string literals, so no filter can change a query's shape.
 */
public record FleetFilter(String host, List<String> labels) {

    static final int MAX_LABELS = 8;
    static final int MAX_LENGTH = 256;
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)(=~|!~|!=|=)(.*)", Pattern.DOTALL);
    private static final java.util.Set<String> RESERVED = java.util.Set.of("__name__", "job");

    public FleetFilter {
        host = host == null ? "" : host.strip();
        labels = labels == null ? List.of() : labels.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        check("host", host);
        if (!host.isEmpty()) {
            regex("host", host);
        }
        if (labels.size() > MAX_LABELS) {
            throw new InvalidInputException("label", labels.size() + " label filters, at most " + MAX_LABELS);
        }
        for (String l : labels) {
            check("label", l);
            Matcher m = LABEL.matcher(l);
            if (!m.matches()) {
                throw new InvalidInputException("label", "'" + l + "' is not NAME=VALUE, NAME!=VALUE, NAME=~REGEX or"
                        + " NAME!~REGEX with a label name of letters, digits and _");
            }
            if (RESERVED.contains(m.group(1))) {
                throw new InvalidInputException("label", "'" + m.group(1) + "' is set by Hostdeck (hostdeck.fleet.job), not by a filter");
            }
            if (m.group(2).endsWith("~")) {
                regex("label", m.group(3));
            }
        }
    }

    static FleetFilter none() {
        return new FleetFilter("", List.of());
    }

    public boolean empty() {
        return host.isEmpty() && labels.isEmpty();
    }

    /** The job's matcher and the label filters, for inside a selector's braces. */
    String selector(String job) {
        StringBuilder s = new StringBuilder("job=").append(literal(job));
        for (String l : labels) {
            Matcher m = LABEL.matcher(l);
            m.matches();
            s.append(',').append(m.group(1)).append(m.group(2)).append(literal(m.group(3)));
        }
        return s.toString();
    }

    /** The host filter as a join on hostdeck_info, or "" for every host. */
    String hosts(String selector) {
        return host.isEmpty() ? "" : " and on (instance) last_over_time(hostdeck_info{" + selector + ",hostname=~"
                + literal(host) + "}[" + FleetQueries.INFO_WINDOW + "])";
    }

    /** A scoped grant's units as a matcher on the series' {@code name} ("" for a grant over every unit). */
    static String units(Scope scope) {
        if (scope.all()) {
            return "";
        }
        List<String> alternatives = new ArrayList<>();
        for (String glob : scope.patterns()) {
            StringBuilder re = new StringBuilder();
            for (char c : glob.toCharArray()) {
                switch (c) {
                    case '*' -> re.append(".*");
                    case '?' -> re.append('.');
                    case '.', '\\', '-' -> re.append('\\').append(c);
                    default -> re.append(c);
                }
            }
            alternatives.add(re.toString());
        }
        return ",name=~" + literal(String.join("|", alternatives));
    }

    /** A PromQL string literal: double-quoted, backslash and quote escaped, newlines written as \n. */
    static String literal(String value) {
        StringBuilder s = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '\\' -> s.append("\\\\");
                case '"' -> s.append("\\\"");
                case '\n' -> s.append("\\n");
                default -> s.append(c);
            }
        }
        return s.append('"').toString();
    }

    /** The query string that reproduces this filter, for links and the page's refresh. */
    public String query() {
        StringBuilder q = new StringBuilder();
        if (!host.isEmpty()) {
            q.append("host=").append(enc(host));
        }
        for (String l : labels) {
            q.append(q.isEmpty() ? "" : "&").append("label=").append(enc(l));
        }
        return q.toString();
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void check(String field, String value) {
        if (value.length() > MAX_LENGTH) {
            throw new InvalidInputException(field, "longer than " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new InvalidInputException(field, "contains a control character");
            }
        }
    }

    /** Java's syntax is close to RE2's: what Java refuses, Prometheus would too (and what it alone refuses is its 400). */
    private static void regex(String field, String re) {
        try {
            Pattern.compile(re);
        } catch (PatternSyntaxException e) {
            throw new InvalidInputException(field, "'" + re + "' is not a regular expression: " + e.getDescription());
        }
    }
}
