package io.hostdeck.logs;

import java.util.List;

/**
 * One page of a log view, newest first.
 *
 * @param rows   the entries
 * @param older  cursor for the page of older entries, or null when there are none
 * @param newer  cursor for the page of newer entries, or null when this page reaches the newest
 * @param follow whether the page may follow new entries live (it shows the newest, and the range is open)
 */
record LogPage(List<LogRow> rows, String older, String newer, boolean follow) {
}
