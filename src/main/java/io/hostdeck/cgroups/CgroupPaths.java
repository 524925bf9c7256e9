package io.hostdeck.cgroups;

import io.hostdeck.error.InvalidInputException;

/** A cgroup path from a URL, WebSocket message or form, checked before it is used anywhere. */
public final class CgroupPaths {

    static final int MAX_LENGTH = 4096;

    private CgroupPaths() {
    }

    static String require(String field, String raw) {
        String p = raw == null || raw.isEmpty() ? "/" : raw;
        if (!p.startsWith("/")) {
            p = "/" + p;
        }
        if (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.length() > MAX_LENGTH) {
            throw new InvalidInputException(field, "longer than " + MAX_LENGTH + " characters");
        }
        if (p.contains("//") || p.equals("/..") || p.contains("/../") || p.endsWith("/..") || p.contains("/./")
                || p.endsWith("/.")) {
            throw new InvalidInputException(field, "'" + shown(p) + "' is not a cgroup path (no empty, . or .. parts)");
        }
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new InvalidInputException(field, "contains a control character");
            }
        }
        return p;
    }

    /**
     * The unit whose own cgroup this is (system.slice/nginx.service), or null: a sub-cgroup inside a
     * unit's (system.slice/db.service/app-evil.service, which a delegated unit may create) is not a
     * unit of that name, whatever it is called; it belongs to db.service
     * ({@link io.hostdeck.security.UnitAccess#ownerOf}, which decides every scope check).
     */
    public static String unit(String path) {
        String owner = io.hostdeck.security.UnitAccess.ownerOf(path);
        if (owner == null) {
            return null;
        }
        java.util.List<String> parts = java.util.Arrays.stream(path.split("/")).filter(p -> !p.isEmpty()).toList();
        return parts.indexOf(owner) == parts.size() - 1 ? owner : null;
    }

    private static String shown(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
