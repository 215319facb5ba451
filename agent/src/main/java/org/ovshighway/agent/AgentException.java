package org.ovshighway.agent;

/** The agent could not start; the message names the port or endpoint and what failed. */
public final class AgentException extends Exception {

    AgentException(String message, Throwable cause) {
        super(message, cause);
    }
}
