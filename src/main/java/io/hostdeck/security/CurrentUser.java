package io.hostdeck.security;

/** The logged-in user as templates see it: {@code currentUser.may('OPERATOR')} decides which buttons show. */
public record CurrentUser(String name, Role role) {

    public boolean may(String needed) {
        return Role.parse(needed).map(role::includes).orElse(false);
    }
}
