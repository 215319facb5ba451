package org.ovshighway.proxy;

/** The proxy cannot do what it was asked (listen, read its settings); the message names what and where. */
public final class ProxyException extends RuntimeException {

    public ProxyException(String message) {
        super(message);
    }

    public ProxyException(String message, Throwable cause) {
        super(message, cause);
    }
}
