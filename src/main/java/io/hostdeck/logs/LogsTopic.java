package io.hostdeck.logs;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.springframework.stereotype.Component;

import io.hostdeck.error.InvalidInputException;
import io.hostdeck.live.LiveTopic;

/**
 * {@code logs}: new entries of a log view. The argument is the view's query string (its filters,
 * checked like the page's) plus {@code from=CURSOR}, the newest entry the page has; the first
 * message brings every matching entry after it, then each new one follows. After a reconnect the
 * page subscribes again from its newest entry, so it gets what it missed, once.
 */
@Component
class LogsTopic implements LiveTopic {

    static final String PREFIX = "logs:";
    static final int MAX_PER_USER = 8;

    private final LogFeeds feeds;
    private final LogReader reader;
    private final io.hostdeck.security.UnitAccess access;

    LogsTopic(LogFeeds feeds, LogReader reader, io.hostdeck.security.UnitAccess access) {
        this.feeds = feeds;
        this.reader = reader;
        this.access = access;
    }

    /**
     * A limited grant follows a view only of its own units, named in the view (the key is the view's
     * filters as given, so the view a page follows is the one the grant was checked on).
     */
    @Override
    public void authorize(org.springframework.security.core.Authentication grant, String argument) {
        io.hostdeck.security.Scope scope = io.hostdeck.security.Scope.of(grant);
        if (scope.all()) {
            return;
        }
        LogFilter filter = filter(LogFilter.params(argument));
        if (filter.units().isEmpty()) {
            throw new io.hostdeck.error.RefusedException("following every unit's log is for grants over every unit;"
                    + " yours is limited to " + String.join(", ", scope.patterns()) + ": name your units");
        }
        LogFilter scoped = filter.scopedTo(grant, access);
        if (!scoped.units().equals(filter.units())) {
            throw new io.hostdeck.error.RefusedException("name your units as systemd does, not by another name: "
                    + String.join(", ", scoped.units()));
        }
    }

    @Override
    public String name() {
        return "logs";
    }

    /** Each view followed is a journalctl process: one user may hold this many of {@link LogFeeds#MAX_FEEDS}. */
    @Override
    public int maxPerUser() {
        return MAX_PER_USER;
    }

    @Override
    public String key(String argument) {
        return PREFIX + filter(LogFilter.params(argument)).queryString();
    }

    @Override
    public Object snapshot(String key) {
        throw new UnsupportedOperationException("logs topics start from a cursor: see join");
    }

    @Override
    public void join(String key, String argument, Consumer<Object> subscribe) {
        Map<String, List<String>> params = LogFilter.params(argument);
        feeds.join(key, filter(params), LogFilter.cursor(params, "from"), subscribe);
    }

    private LogFilter filter(Map<String, List<String>> params) {
        for (String name : params.keySet()) {
            if (!LogsController.FILTERS.contains(name) && !name.equals("from")) {
                throw new InvalidInputException(name, "not a filter of the log view");
            }
        }
        return LogFilter.parse(params, reader.zone(), Instant.now());
    }
}
