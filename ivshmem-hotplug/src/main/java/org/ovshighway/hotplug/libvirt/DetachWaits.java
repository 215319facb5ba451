package org.ovshighway.hotplug.libvirt;

import java.time.Duration;
import java.util.Objects;

/**
 * How long an unplug waits for its guest to release the device. Each unplug waits up to
 * {@code timeout} from its request; once {@link #share} has been called (the owner's stop), every
 * unplug, those already waiting included, also ends at one deadline shared by all. Why: a guest
 * that does not answer ACPI (hung, paused, a kernel without hot-plug) holds each of its devices for
 * the whole timeout, and a stop unplugs one device after another (each link region twice, each VM
 * ring port once): with per-device waits a few such devices outlast a service manager's stop
 * timeout, which then kills the agent before it has removed its OVS ports and files.
 *
 * <p>Times are {@link System#nanoTime} values passed in, compared by difference.
 */
final class DetachWaits {
    /** The shared deadline; written once by {@link #share}, read by every waiting unplug. */
    private record Shared(long deadlineNanos, Duration budget) {
    }

    private final Duration timeout;
    private volatile Shared shared;

    DetachWaits(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("detach timeout must be positive: timeout=" + timeout);
        }
        this.timeout = timeout;
    }

    /**
     * From {@code nowNanos} on, every unplug ends by {@code nowNanos + wait} at the latest. Only the
     * first call counts (a stop that is asked again does not move its deadline).
     *
     * @return whether this call set the deadline
     */
    synchronized boolean share(long nowNanos, Duration wait) {
        Objects.requireNonNull(wait, "wait");
        if (wait.isNegative()) {
            throw new IllegalArgumentException("shared detach wait must not be negative: wait=" + wait);
        }
        if (shared != null) {
            return false;
        }
        shared = new Shared(nowNanos + wait.toNanos(), wait);
        return true;
    }

    /** Whether an unplug requested at {@code requestedNanos} has waited long enough at {@code nowNanos}. */
    boolean over(long requestedNanos, long nowNanos) {
        if (nowNanos - requestedNanos > timeout.toNanos()) {
            return true;
        }
        Shared s = shared;
        return s != null && nowNanos - s.deadlineNanos > 0;
    }

    /** The waits in force, for the message of an unplug that gave up: {@code timeoutMs=… [stopWaitMs=…]}. */
    String describe() {
        Shared s = shared;
        return "timeoutMs=" + timeout.toMillis()
                + (s == null ? "" : " stopWaitMs=" + s.budget().toMillis() + " (one wait shared by every unplug of the stop)");
    }
}
