package org.ovshighway.ovs.ovsdb;

/**
 * A failure talking to OVSDB or an error reported by OVS itself (a transaction error, or an
 * Interface whose {@code error} column is set). The message names the object concerned in
 * {@code key=value} form, e.g. {@code port=vm1 bridge=br0 error=...}.
 */
public class OvsdbException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OvsdbException(String message) {
        super(message);
    }

    public OvsdbException(String message, Throwable cause) {
        super(message, cause);
    }
}
