package io.hostdeck.web;

/** The one-line message a page shows after an action redirected to it ({@code fragments/layout :: flash}). */
public record Flash(String kind, String message) {

    public static Flash ok(String message) {
        return new Flash("ok", message);
    }

    public static Flash error(String message) {
        return new Flash("error", message);
    }
}
