package org.ovshighway.proxy;

import java.time.Duration;
import java.util.Objects;

/**
 * What every relayed connection of one proxy shares: the hooks, the hold deadline and the counters.
 *
 * @param holdDeadline   longest time a held frame waits for its stage; then it is relayed anyway and
 *                       {@link RelayMetrics#holdDeadlinesHit()} counts it
 * @param appliedChanges hears when the switch has applied each connection's flow changes
 */
public record RelayPolicy(HoldDecider holdDecider, StatsRewriter.Factory rewriters, Duration holdDeadline,
                          RelayMetrics metrics, AppliedChangesListener appliedChanges) {

    public static final Duration DEFAULT_HOLD_DEADLINE = Duration.ofSeconds(5);

    public RelayPolicy {
        Objects.requireNonNull(holdDecider, "holdDecider");
        Objects.requireNonNull(rewriters, "rewriters");
        Objects.requireNonNull(holdDeadline, "holdDeadline");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(appliedChanges, "appliedChanges");
        if (holdDeadline.isNegative() || holdDeadline.isZero()) {
            throw new IllegalArgumentException("hold deadline must be positive: holdDeadline=" + holdDeadline);
        }
    }

    /** A policy whose applied changes nobody hears. */
    public RelayPolicy(HoldDecider holdDecider, StatsRewriter.Factory rewriters, Duration holdDeadline,
                       RelayMetrics metrics) {
        this(holdDecider, rewriters, holdDeadline, metrics, AppliedChangesListener.NONE);
    }

    /** Plain byte-exact relay: no holds, no rewriting. */
    public static RelayPolicy plain() {
        return new RelayPolicy(HoldDecider.NEVER, name -> StatsRewriter.NONE, DEFAULT_HOLD_DEADLINE, new RelayMetrics());
    }
}
