package io.hostdeck.cgroups;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.hostdeck.error.InvalidInputException;

/**
 * The top table's query, from the URL: {@code sort} (cpu, memory, io, tasks, path) and
 * {@code depth} (1..16, path components below the root), as systemd-cgtop's --order and --depth.
 */
record CgroupView(String sort, int depth) {

    static final List<String> SORTS = List.of("cpu", "memory", "io", "tasks", "path");
    static final int MAX_DEPTH = 16;

    static CgroupView of(String sort, String depth) {
        String s = sort == null || sort.isBlank() ? "cpu" : sort.strip().toLowerCase(Locale.ROOT);
        if (!SORTS.contains(s)) {
            throw new InvalidInputException("sort", "'" + abbreviate(s) + "' is not one of " + SORTS);
        }
        int d;
        try {
            d = depth == null || depth.isBlank() ? 3 : Integer.parseInt(depth.strip());
        } catch (NumberFormatException e) {
            throw new InvalidInputException("depth", "'" + abbreviate(depth) + "' is not a number");
        }
        if (d < 1 || d > MAX_DEPTH) {
            throw new InvalidInputException("depth", d + " is outside 1.." + MAX_DEPTH);
        }
        return new CgroupView(s, d);
    }

    /** The rows to show, the top ones first as cgtop orders them (largest first; path alphabetical). */
    List<CgroupRates> rows(Map<String, CgroupRates> latest) {
        List<CgroupRates> rows = new ArrayList<>();
        for (CgroupRates r : latest.values()) {
            if (depthOf(r.path()) <= depth) {
                rows.add(r);
            }
        }
        Comparator<CgroupRates> byPath = Comparator.comparing(CgroupRates::path);
        Comparator<CgroupRates> order = switch (sort) {
            case "memory" -> Comparator.comparing((CgroupRates r) -> value(r.memoryBytes())).reversed();
            case "io" -> Comparator.comparing((CgroupRates r) -> value(r.ioReadPerSec()) + value(r.ioWritePerSec())).reversed();
            case "tasks" -> Comparator.comparing((CgroupRates r) -> value(r.tasks())).reversed();
            case "path" -> byPath;
            default -> Comparator.comparing((CgroupRates r) -> value(r.cpuPercent())).reversed();
        };
        rows.sort(order.thenComparing(byPath));
        return rows;
    }

    /**
     * The link to page {@code number} of this view ({@code layout} top or tree) at {@code paging}'s
     * size: what is the default left out.
     */
    public String pageLink(String layout, io.hostdeck.web.Paging paging, int number) {
        java.util.StringJoiner q = new java.util.StringJoiner("&");
        if (!layout.equals("top")) {
            q.add("view=" + layout);
        }
        if (!sort.equals("cpu")) {
            q.add("sort=" + sort);
        }
        if (depth != 3) {
            q.add("depth=" + depth);
        }
        String page = paging.query(number);
        if (!page.isEmpty()) {
            q.add(page);
        }
        return q.length() == 0 ? "/cgroups" : "/cgroups?" + q;
    }

    public static int depthOf(String path) {
        if ("/".equals(path)) {
            return 0;
        }
        int n = 0;
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '/') {
                n++;
            }
        }
        return n;
    }

    private static double value(Number n) {
        return n == null ? -1 : n.doubleValue();
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
