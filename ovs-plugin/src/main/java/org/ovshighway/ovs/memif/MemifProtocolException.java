package org.ovshighway.ovs.memif;

/**
 * The memif peer broke the protocol (a message of the wrong size, an unknown type, a field
 * out of range, a message the current state does not allow) or refused the connection.
 */
public final class MemifProtocolException extends MemifException {
    private static final long serialVersionUID = 1L;

    public MemifProtocolException(String message) {
        super(message);
    }
}
