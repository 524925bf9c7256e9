package io.hostdeck.host.cgroupfs;

/**
 * Cgroup paths as systemd names them ("/", "/system.slice/foo.service"): the one check every read
 * and write of a cgroup file passes first, so that none can reach a file outside the cgroup tree.
 */
final class CgroupPath {

    private CgroupPath() {
    }

    /**
     * A plain cgroup path: "/" or "/a/b", without "..", ".", empty segments or NUL, so that a read
     * or write can never reach a file outside the cgroup tree.
     *
     * @throws IllegalArgumentException otherwise
     */
    static void check(String path) {
        if (path == null || path.isEmpty() || path.charAt(0) != '/') {
            throw new IllegalArgumentException("a cgroup path starts with '/', got '" + path + "'");
        }
        if (path.length() == 1) {
            return;
        }
        if (path.indexOf('\0') >= 0 || path.contains("//") || path.endsWith("/")
                || path.contains("/../") || path.endsWith("/..") || path.contains("/./") || path.endsWith("/.")) {
            throw new IllegalArgumentException("not a plain cgroup path: '" + path.replace('\0', '?') + "'");
        }
        if (path.contains("..")) { // also "a..b": nothing systemd makes, and not worth the doubt
            throw new IllegalArgumentException("not a plain cgroup path: '" + path + "'");
        }
    }

    /** The parent of a checked path other than "/". */
    static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash == 0 ? "/" : path.substring(0, slash);
    }

    /** The directory of a checked path in the hierarchy at {@code tree}. */
    static String in(String tree, String path) {
        return tree + (path.length() == 1 ? "" : path);
    }
}
