package org.ovshighway.proxy.stats;

import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Logs at most one warning per interval for one connection, with how many were suppressed in
 * between: a peer sending a stream of bad replies must not flood the log.
 */
final class RateLimitedLog {

    private static final System.Logger LOG = System.getLogger(RateLimitedLog.class.getName());

    /** Writes a line to the System.Logger of this class at WARNING. */
    static final Consumer<String> SYSTEM_LOGGER = line -> LOG.log(System.Logger.Level.WARNING, line);

    private final String connection;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final Consumer<String> sink;
    private long lastLogged;
    private boolean loggedOnce;
    private long suppressed;

    RateLimitedLog(String connection, long intervalNanos, LongSupplier nanoClock, Consumer<String> sink) {
        this.connection = connection;
        this.intervalNanos = intervalNanos;
        this.nanoClock = nanoClock;
        this.sink = sink;
    }

    /** Logs {@code reason} unless another message was logged less than an interval ago; returns whether it logged. */
    boolean warn(String reason) {
        long now = nanoClock.getAsLong();
        if (loggedOnce && now - lastLogged < intervalNanos) {
            suppressed++;
            return false;
        }
        sink.accept("statistics reply relayed unchanged: connection=" + connection + " reason=" + reason
                + " suppressedSinceLast=" + suppressed);
        loggedOnce = true;
        lastLogged = now;
        suppressed = 0;
        return true;
    }
}
