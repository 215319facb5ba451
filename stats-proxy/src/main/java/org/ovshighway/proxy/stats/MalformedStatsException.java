package org.ovshighway.proxy.stats;

/**
 * A statistics message whose structure does not validate; the message is relayed unchanged. The
 * message text is the reason logged, with {@code key=value} detail.
 */
final class MalformedStatsException extends Exception {

    MalformedStatsException(String message) {
        super(message, null, false, false);
    }
}
