package io.hostdeck.host.runtime;

/**
 * Whether a runtime's API answers on the target.
 *
 * @param runtime   docker or podman
 * @param socket    its API socket, under the target's root
 * @param present   whether the socket file is there
 * @param answering whether it answered the last call
 * @param problem   why not, "" when it answered
 */
public record RuntimeStatus(String runtime, String socket, boolean present, boolean answering, String problem) {
}
