package io.hostdeck.logs;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Refuses the PCRE2 patterns whose matching can take exponential or high polynomial time on a line
 * that almost matches (catastrophic backtracking), before journalctl runs them over every entry:
 * <ul>
 * <li>a group repeated without bound ({@code *}, {@code +}, <code>{n,}</code>) that itself holds a
 * repetition or an alternation: {@code (a+)+}, {@code (x|xx)*}, {@code (\w+\s?)*};</li>
 * <li>more than {@value #MAX_UNBOUNDED} unbounded repetitions in one pattern ({@code .*.*.*.*.*});</li>
 * <li>back-references, recursion and subroutine calls, which no bound on the above contains.</li>
 * </ul>
 * The whole pattern is read, so an alternative that matches at once ({@code ^x|(a+)+$}) does not
 * hide a costly one: journalctl tries every alternative on every line that the first one misses.
 */
final class GrepCost {

    static final int MAX_UNBOUNDED = 4;

    private GrepCost() {
    }

    /** Why the pattern is refused, or null when it is not. */
    static String problem(String pattern) {
        Deque<int[]> groups = new ArrayDeque<>(); // per open group: {repetitions inside, alternations inside}
        groups.push(new int[2]);
        int unbounded = 0;
        int[] lastClosed = null; // the group just closed, if the previous atom was a group
        int i = 0;
        int n = pattern.length();
        while (i < n) {
            char c = pattern.charAt(i);
            int[] closed = null;
            if (c == '\\') {
                if (i + 1 < n) {
                    char e = pattern.charAt(i + 1);
                    if ((e >= '1' && e <= '9') || e == 'g' || e == 'k') {
                        return "a back-reference (\\" + e + ") can make matching take exponential time";
                    }
                    if (e == 'Q') { // \Q...\E: literal text
                        int end = pattern.indexOf("\\E", i + 2);
                        i = end < 0 ? n : end + 2;
                        lastClosed = null;
                        continue;
                    }
                }
                i += 2;
            } else if (c == '[') {
                i = classEnd(pattern, i);
            } else if (c == '(') {
                if (pattern.startsWith("(?R)", i) || pattern.startsWith("(?&", i) || pattern.startsWith("(?P>", i)
                        || (i + 2 < n && pattern.charAt(i + 1) == '?' && (Character.isDigit(pattern.charAt(i + 2))
                                || pattern.charAt(i + 2) == '+' || pattern.charAt(i + 2) == '-'))) {
                    return "recursion and subroutine calls are not allowed in a log search";
                }
                groups.push(new int[2]);
                i++;
                if (i < n && pattern.charAt(i) == '?') { // (?:  (?i)  (?=  ... : not a quantifier
                    i++;
                }
                lastClosed = null;
                continue;
            } else if (c == ')') {
                if (groups.size() > 1) {
                    closed = groups.pop();
                    // what is inside counts for the enclosing group too
                    groups.peek()[0] += closed[0];
                    groups.peek()[1] += closed[1];
                }
                i++;
            } else if (c == '|') {
                groups.peek()[1]++;
                i++;
            } else if (c == '*' || c == '+' || c == '?' || c == '{') {
                int end = c == '{' ? quantifierEnd(pattern, i) : i + 1;
                if (end < 0) { // a '{' that is no quantifier is a literal
                    i++;
                    lastClosed = null;
                    continue;
                }
                boolean bound = c == '?' || (c == '{' && !pattern.substring(i, end).matches("\\{\\d*,\\}"));
                if (!bound) {
                    unbounded++;
                    if (lastClosed != null && (lastClosed[0] > 0 || lastClosed[1] > 0)) {
                        return "a group repeated without bound holds " + (lastClosed[0] > 0 ? "a repetition" : "alternatives")
                                + " of its own (as in (a+)+ or (a|aa)*), which can make matching take exponential time";
                    }
                }
                groups.peek()[0]++;
                i = end;
                if (i < n && (pattern.charAt(i) == '?' || pattern.charAt(i) == '+')) { // lazy or possessive
                    i++;
                }
                lastClosed = null;
                continue;
            } else {
                i++;
            }
            lastClosed = closed;
        }
        if (unbounded > MAX_UNBOUNDED) {
            return unbounded + " unbounded repetitions (*, +, {n,}); at most " + MAX_UNBOUNDED
                    + " keep a search over the whole journal fast";
        }
        return null;
    }

    /** The index after a character class that starts at {@code start}. */
    private static int classEnd(String p, int start) {
        int i = start + 1;
        if (i < p.length() && p.charAt(i) == '^') {
            i++;
        }
        if (i < p.length() && p.charAt(i) == ']') { // a leading ] is literal
            i++;
        }
        while (i < p.length() && p.charAt(i) != ']') {
            i += p.charAt(i) == '\\' ? 2 : 1;
        }
        return Math.min(p.length(), i + 1);
    }

    /** The index after {n}, {n,} or {n,m} at {@code start}, or -1 when the brace is a literal. */
    private static int quantifierEnd(String p, int start) {
        int close = p.indexOf('}', start);
        if (close < 0 || !p.substring(start, close + 1).matches("\\{\\d+(,\\d*)?\\}|\\{\\d*,\\d+\\}")) {
            return -1;
        }
        return close + 1;
    }
}
