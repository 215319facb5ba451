package org.ovshighway.proxy.stats;

import java.util.function.LongSupplier;

/**
 * Logs at most one warning per interval for one connection, with how many were suppressed in
 * between: a peer sending a stream of bad replies must not flood the log.
 */
final class RateLimitedLog {

    private static final System.Logger LOG = System.getLogger(RateLimitedLog.class.getName());

    private final String connection;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private long lastLogged;
    private boolean loggedOnce;
    private long suppressed;

    RateLimitedLog(String connection, long intervalNanos, LongSupplier nanoClock) {
        this.connection = connection;
        this.intervalNanos = intervalNanos;
        this.nanoClock = nanoClock;
    }

    /** Logs {@code reason} unless another message was logged less than an interval ago; returns whether it logged. */
    boolean warn(String reason) {
        long now = nanoClock.getAsLong();
        if (loggedOnce && now - lastLogged < intervalNanos) {
            suppressed++;
            return false;
        }
        LOG.log(System.Logger.Level.WARNING, "statistics reply relayed unchanged: connection={0} reason={1} suppressedSinceLast={2}",
                connection, reason, suppressed);
        loggedOnce = true;
        lastLogged = now;
        suppressed = 0;
        return true;
    }
}
