package org.ovshighway.ovs.memif;

/** A memif control connection could not be established or kept. */
public class MemifException extends Exception {
    private static final long serialVersionUID = 1L;

    public MemifException(String message) {
        super(message);
    }

    public MemifException(String message, Throwable cause) {
        super(message, cause);
    }
}
