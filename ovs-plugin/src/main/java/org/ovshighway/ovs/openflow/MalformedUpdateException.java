package org.ovshighway.ovs.openflow;

/** A flow-monitor update, match or instruction list that does not follow its format; the message says where. */
public final class MalformedUpdateException extends Exception {

    private static final long serialVersionUID = 1L;

    public MalformedUpdateException(String message) {
        super(message);
    }

    public MalformedUpdateException(String message, Throwable cause) {
        super(message, cause);
    }
}
