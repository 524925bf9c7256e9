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

    private final LogFeeds feeds;
    private final LogReader reader;

    LogsTopic(LogFeeds feeds, LogReader reader) {
        this.feeds = feeds;
        this.reader = reader;
    }

    @Override
    public String name() {
        return "logs";
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
