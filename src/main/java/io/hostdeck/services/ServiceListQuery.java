package io.hostdeck.services;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import io.hostdeck.error.InvalidInputException;

/**
 * The filters of the services list, all from the query string so a filtered view is a bookmark:
 * {@code type} (service, socket, ..., or all; services when not given, as Cockpit's list), {@code state}
 * (active, failed, ..., or an enablement such as enabled or masked), free text {@code q} over name
 * and description, and {@code sort}: a column's name, descending with a leading {@code -}.
 */
record ServiceListQuery(String type, String state, String q, String sort) {

    /** The sortable columns, by their name in the URL. */
    static final List<String> SORTS = List.of("name", "description", "load", "state", "enablement", "pid", "since",
            "cpu", "memory", "tasks");

    /** A column of the list: its name in {@code sort}, its header, whether it holds numbers. */
    record Column(String key, String label, boolean num) {
    }

    static final List<Column> COLUMNS = List.of(new Column("name", "Unit", false),
            new Column("description", "Description", false), new Column("load", "Load", false),
            new Column("state", "State", false), new Column("enablement", "Enablement", false),
            new Column("pid", "Main PID", true), new Column("since", "Since", false), new Column("cpu", "CPU %", true),
            new Column("memory", "Memory", true), new Column("tasks", "Tasks", true));

    static final List<String> TYPES = List.of("service", "socket", "timer", "target", "mount", "path", "slice",
            "scope", "device", "automount", "swap");
    static final List<String> STATES = List.of("active", "inactive", "failed", "activating", "deactivating",
            "reloading", "maintenance", "enabled", "disabled", "static", "masked", "not-loaded");
    static final int MAX_TEXT = 200;

    static ServiceListQuery of(String type, String state, String q) {
        return of(type, state, q, null);
    }

    static ServiceListQuery of(String type, String state, String q, String sort) {
        String t = type == null || type.isBlank() ? "service" : type.strip().toLowerCase(Locale.ROOT);
        String order = blankToEmpty(sort).toLowerCase(Locale.ROOT);
        if (!order.isEmpty() && !SORTS.contains(order.startsWith("-") ? order.substring(1) : order)) {
            throw new InvalidInputException("sort", "'" + abbreviate(order) + "' is not a column; one of " + SORTS
                    + ", with a leading - for descending");
        }
        String s = blankToEmpty(state).toLowerCase(Locale.ROOT);
        String text = blankToEmpty(q);
        if (!t.equals("all") && !TYPES.contains(t)) {
            throw new InvalidInputException("type", "'" + abbreviate(t) + "' is not a unit type; one of " + TYPES
                    + " or all");
        }
        if (!s.isEmpty() && !STATES.contains(s)) {
            throw new InvalidInputException("state", "'" + abbreviate(s) + "' is not a state; one of " + STATES);
        }
        if (text.length() > MAX_TEXT) {
            throw new InvalidInputException("q", "longer than " + MAX_TEXT + " characters");
        }
        if (text.codePoints().anyMatch(Character::isISOControl)) {
            throw new InvalidInputException("q", "contains a control character");
        }
        return new ServiceListQuery(t, s, text, order);
    }

    boolean matches(UnitRow row) {
        if (!type.equals("all") && !row.type().equals(type)) {
            return false;
        }
        if (!state.isEmpty() && !state.equals(row.activeState()) && !state.equals(row.enablement())
                && !(state.equals("not-loaded") && !row.loaded())) {
            return false;
        }
        if (!q.isEmpty()) {
            String needle = q.toLowerCase(Locale.ROOT);
            return row.name().toLowerCase(Locale.ROOT).contains(needle)
                    || row.description().toLowerCase(Locale.ROOT).contains(needle);
        }
        return true;
    }

    /** The rows in the asked order (by name when none); rows without a value go last either way. */
    List<UnitRow> sorted(List<UnitRow> rows) {
        if (sort.isEmpty() || sort.equals("name")) {
            return rows;
        }
        boolean descending = sort.startsWith("-");
        Comparator<UnitRow> order = switch (descending ? sort.substring(1) : sort) {
            case "description" -> by(UnitRow::description, descending);
            case "load" -> by(UnitRow::loadState, descending);
            case "state" -> by(r -> r.activeState() + " " + r.subState(), descending);
            case "enablement" -> by(UnitRow::enablement, descending);
            case "pid" -> by(UnitRow::mainPid, descending);
            case "since" -> by(UnitRow::since, descending);
            case "cpu" -> by(UnitRow::cpuPercent, descending);
            case "memory" -> by(UnitRow::memoryBytes, descending);
            case "tasks" -> by(UnitRow::tasks, descending);
            default -> by(UnitRow::name, descending);
        };
        return rows.stream().sorted(order.thenComparing(UnitRow::name)).toList();
    }

    /** The value of {@code sort} a column's header links to: ascending first, descending when already ascending. */
    public String sortLink(String column) {
        return sort.equals(column) || (sort.isEmpty() && column.equals("name")) ? "-" + column : column;
    }

    /** This query's URL parameters with {@code sort} set to {@code sortValue}; empty and default ones left out. */
    public String linkWith(String sortValue) {
        java.util.StringJoiner query = new java.util.StringJoiner("&");
        if (!type.equals("service")) {
            query.add("type=" + encode(type));
        }
        if (!state.isEmpty()) {
            query.add("state=" + encode(state));
        }
        if (!q.isEmpty()) {
            query.add("q=" + encode(q));
        }
        if (!sortValue.isEmpty() && !sortValue.equals("name")) {
            query.add("sort=" + encode(sortValue));
        }
        return query.toString();
    }

    /**
     * The link to page {@code number} of this view at {@code paging}'s size: filters and sort kept,
     * defaults left out.
     */
    public String pageLink(io.hostdeck.web.Paging paging, int number) {
        return join("/services", linkWith(sort), paging.query(number));
    }

    /** The link to re-sort by {@code sortValue}: back to the first page, at the same page size. */
    public String sortLink(io.hostdeck.web.Paging paging, String column) {
        return join("/services", linkWith(sortLink(column)), paging.query(1));
    }

    static String join(String path, String... parts) {
        java.util.StringJoiner query = new java.util.StringJoiner("&");
        for (String p : parts) {
            if (!p.isEmpty()) {
                query.add(p);
            }
        }
        return query.length() == 0 ? path : path + "?" + query;
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static <T extends Comparable<? super T>> Comparator<UnitRow> by(Function<UnitRow, T> key, boolean descending) {
        Comparator<T> values = descending ? Comparator.<T>reverseOrder() : Comparator.<T>naturalOrder();
        return Comparator.comparing(key, Comparator.nullsLast(values));
    }

    private static String blankToEmpty(String s) {
        return s == null ? "" : s.strip();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
