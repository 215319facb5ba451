package org.ovshighway.agent;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One wait shared by steps that run one after another: each step may wait what the earlier ones
 * left, and only the time the steps themselves take counts against it, not the other work between
 * them. A stop uses one for ovs-vswitchd applying the ring ports' deletions: a dead vswitchd costs
 * the whole stop one wait, a running one milliseconds per port, and an unplug that waits for its
 * guest between two deletions takes nothing from it (it did while the wait was a deadline: the
 * next port found nothing left and reported a running vswitchd as not applying its deletion).
 *
 * <p>Not thread-safe: the stopping thread owns it.
 */
final class WaitBudget {
    private final LongSupplier nanoTime;
    private long remainingNanos;

    WaitBudget(Duration total) {
        this(total, System::nanoTime);
    }

    /** Test seam: {@code nanoTime} in place of {@link System#nanoTime}. */
    WaitBudget(Duration total, LongSupplier nanoTime) {
        Objects.requireNonNull(total, "total");
        if (total.isNegative()) {
            throw new IllegalArgumentException("wait budget must not be negative: total=" + total);
        }
        this.remainingNanos = total.toNanos();
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** What is left, zero once spent. */
    Duration remaining() {
        return Duration.ofNanos(remainingNanos);
    }

    /** Runs {@code step} with what is left and charges the time it took, also when it throws. */
    void spend(Consumer<Duration> step) {
        long started = nanoTime.getAsLong();
        try {
            step.accept(remaining());
        } finally {
            remainingNanos = Math.max(0, remainingNanos - Math.max(0, nanoTime.getAsLong() - started));
        }
    }
}
