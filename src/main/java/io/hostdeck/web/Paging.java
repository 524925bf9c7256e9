package io.hostdeck.web;

import java.util.List;

import io.hostdeck.error.InvalidInputException;

/**
 * A page of a long list, from the URL: {@code page} (1-based) and {@code size} (rows a page), so a
 * paged view stays a bookmark. The lists sort and filter everything first and render only the rows
 * of the page asked for: at 10,000 units or cgroups, rendering every row was most of a page's time.
 */
public record Paging(int page, int size) {

    /** Rows a page when the URL gives none. */
    public static final int DEFAULT_SIZE = 200;
    /** The most rows a page may ask for. */
    public static final int MAX_SIZE = 1000;
    /** The highest page number taken (a guard against numbers that mean nothing). */
    public static final int MAX_PAGE = 1_000_000;

    /** Every row on one page: what the JSON API answers when the URL asks for no page. */
    public static final Paging ALL = new Paging(1, Integer.MAX_VALUE);

    /** From the URL's values, either absent; 400 naming the parameter for anything else than a number in range. */
    public static Paging of(String page, String size) {
        return new Paging(number("page", page, 1, MAX_PAGE, 1), number("size", size, 1, MAX_SIZE, DEFAULT_SIZE));
    }

    /** Whether the URL asked for a page at all (the JSON API answers the whole list when it did not). */
    public static boolean asked(String page, String size) {
        return !(page == null || page.isBlank()) || !(size == null || size.isBlank());
    }

    private static int number(String name, String value, int min, int max, int absent) {
        if (value == null || value.isBlank()) {
            return absent;
        }
        String v = value.strip();
        String shown = v.length() <= 20 ? v : v.substring(0, 20) + "…";
        if (!v.matches("[+-]?[0-9]+")) {
            throw new InvalidInputException(name, "'" + shown + "' is not a whole number; " + min + ".." + max);
        }
        if (v.replaceFirst("^[+-]?0*", "").length() > 9) {
            throw new InvalidInputException(name, shown + " is outside " + min + ".." + max);
        }
        long n = Long.parseLong(v);
        if (n < min || n > max) {
            throw new InvalidInputException(name, n + " is outside " + min + ".." + max);
        }
        return (int) n;
    }

    /** The rows of this page out of {@code all} (already filtered and sorted), with the count of them all. */
    public <T> Page<T> of(List<T> all) {
        int from = (int) Math.min((long) (page - 1) * size, all.size());
        int to = Math.min(from + size, all.size());
        return new Page<>(all.subList(from, to), all.size(), this);
    }

    /** {@code page=N&size=M} as the URL carries them: defaults left out; empty for page 1 at the default size. */
    public String query(int pageNumber) {
        StringBuilder q = new StringBuilder();
        if (pageNumber > 1) {
            q.append("page=").append(pageNumber);
        }
        if (size != DEFAULT_SIZE) {
            q.append(q.isEmpty() ? "" : "&").append("size=").append(size);
        }
        return q.toString();
    }

    /** A page's place among the pages, and the links of the pager under and over its table. */
    public record Links(Page<?> page, String first, String previous, String next, String last) {
    }

    /** One page of a list: its rows, how many rows match in all, and where it stands among the pages. */
    public record Page<T>(List<T> rows, int total, Paging paging) {

        public int number() {
            return paging.page();
        }

        /** The number of pages (at least 1, an empty list being one empty page). */
        public int pages() {
            return Math.max(1, (int) ((total + (long) paging.size() - 1) / paging.size()));
        }

        /** 1-based position of the page's first row (0 when it has none). */
        public int first() {
            return rows.isEmpty() ? 0 : (number() - 1) * paging.size() + 1;
        }

        public int last() {
            return rows.isEmpty() ? 0 : first() + rows.size() - 1;
        }

        public boolean hasPrevious() {
            return number() > 1;
        }

        /** The page before this one: the last page when this one is past the end (a bookmark of a list that shrank). */
        public int previous() {
            return Math.max(1, Math.min(number() - 1, pages()));
        }

        public boolean hasNext() {
            return number() < pages();
        }

        /** The pager's links, each {@code link} of a page number; null where there is no such page. */
        public Links links(java.util.function.IntFunction<String> link) {
            return new Links(this, hasPrevious() ? link.apply(1) : null, hasPrevious() ? link.apply(previous()) : null,
                    hasNext() ? link.apply(number() + 1) : null, hasNext() ? link.apply(pages()) : null);
        }

        /** Whether the list needs pages at all (more rows than one page holds, or a page past the first asked for). */
        public boolean paged() {
            return pages() > 1 || number() > 1;
        }
    }
}
