package io.hostdeck.web;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.hostdeck.error.InvalidInputException;

/**
 * A JSON request body of the API, checked into the string values the feature's own parsers take
 * (the same parsers as the pages' forms): a field the endpoint does not know is refused, as is a
 * value that is an object or array.
 */
public final class JsonBody {

    private JsonBody() {
    }

    /** The body's string, number and boolean values as strings; the booleans in {@code flags} are left out. */
    public static Map<String, String> strings(Map<String, Object> body, Set<String> fields, Set<String> flags) {
        Map<String, String> out = new LinkedHashMap<>();
        if (body == null) {
            return out;
        }
        for (Map.Entry<String, Object> e : body.entrySet()) {
            String name = e.getKey();
            if (!fields.contains(name) && !flags.contains(name)) {
                throw new InvalidInputException(name.length() > 40 ? name.substring(0, 40) + "…" : name,
                        "not a field of this request; its fields: " + String.join(", ", union(fields, flags)));
            }
            Object v = e.getValue();
            if (flags.contains(name)) {
                if (v != null && !(v instanceof Boolean)) {
                    throw new InvalidInputException(name, "is true or false");
                }
                continue;
            }
            if (v == null) {
                continue;
            }
            if (!(v instanceof String) && !(v instanceof Number) && !(v instanceof Boolean)) {
                throw new InvalidInputException(name, "is a string or a number, not an object or a list");
            }
            out.put(name, v.toString());
        }
        return out;
    }

    /** A boolean flag of the body, false when absent. */
    public static boolean flag(Map<String, Object> body, String name) {
        return body != null && Boolean.TRUE.equals(body.get(name));
    }

    private static java.util.List<String> union(Set<String> a, Set<String> b) {
        java.util.List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        java.util.Collections.sort(all);
        return all;
    }
}
