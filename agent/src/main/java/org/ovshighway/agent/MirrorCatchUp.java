package org.ovshighway.agent;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.ovshighway.proxy.AppliedChangesListener;

/**
 * Whether the flow mirror (the detector behind the flow monitor) already holds every flow change
 * the controller proxy relayed: then a pair may be linked at once instead of after the quiet
 * margin ({@link BypassController}).
 *
 * <p>How it is known, in two steps. (1) The proxy reports when OVS has answered, on each
 * controller's connection, a BARRIER the controller sent after its changes
 * ({@link AppliedChangesListener}): OVS handles one connection's messages in order, so those
 * changes are applied, and OVS queued their flow-monitor updates to the monitor connection while
 * applying them. (2) Once no connection has unconfirmed changes, a BARRIER is sent on the monitor
 * connection; its reply comes after those updates, and the monitor delivers updates to the
 * detector before it completes the barrier ({@link org.ovshighway.ovs.openflow.BridgeFlowMonitor#barrier}).
 *
 * <p>The epoch counts the moments a connection gained unconfirmed changes; a monitor barrier
 * vouches only for the epoch it was sent in, so a change relayed and confirmed while it was in
 * flight waits for the next one. A connection that closed with unconfirmed changes may still
 * have them applied later with nothing to tell when: for {@code untrackedQuiet} after that, only the
 * time margin counts. A controller that never sends barriers keeps its connection unconfirmed, and
 * only the time margin counts.
 *
 * <p>Thread-safe: the proxy's event loops report, the monitor's completes barriers, the bypass
 * controller's thread asks {@link #mirrored} and the hold decider {@link #mirroredBefore}.
 */
final class MirrorCatchUp implements AppliedChangesListener, BypassController.RelayedChanges {
    private static final System.Logger LOG = System.getLogger(MirrorCatchUp.class.getName());

    private final Supplier<CompletionStage<Void>> monitorBarrier;
    private final Runnable onCaughtUp;
    private final LongSupplier clock;
    private final long untrackedQuietNanos;

    private final Set<String> unconfirmed = new HashSet<>();
    /** For each unconfirmed connection: the epoch it became unconfirmed in. */
    private final Map<String, Long> pendingSince = new HashMap<>();
    /** The unconfirmed connections that became so while the mirror held every relayed change. */
    private final Set<String> mirroredWhenPending = new HashSet<>();
    private long epoch;
    /** The epoch the last completed monitor barrier vouches for. */
    private long mirroredEpoch;
    /** The epoch of the monitor barrier in flight, -1 when none. */
    private long barrierEpoch = -1;
    private long lastUntracked;

    /**
     * @param monitorBarrier sends a barrier on the flow monitor's connection (completes after the updates before its reply)
     * @param onCaughtUp     told (outside any lock) each time the mirror caught up: look at the pairs again
     * @param untrackedQuiet how long a connection that closed with unconfirmed changes keeps the mirror from counting as caught up
     */
    MirrorCatchUp(Supplier<CompletionStage<Void>> monitorBarrier, Runnable onCaughtUp, Duration untrackedQuiet,
                  LongSupplier clock) {
        this.monitorBarrier = Objects.requireNonNull(monitorBarrier, "monitorBarrier");
        this.onCaughtUp = Objects.requireNonNull(onCaughtUp, "onCaughtUp");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.untrackedQuietNanos = untrackedQuiet.toNanos();
        this.lastUntracked = clock.getAsLong() - untrackedQuietNanos;
    }

    /** Whether every flow change the proxy relayed is in the mirror now. Any thread. */
    @Override
    public synchronized boolean mirrored() {
        return unconfirmed.isEmpty() && mirroredEpoch == epoch && clock.getAsLong() - lastUntracked >= untrackedQuietNanos;
    }

    /**
     * Whether the mirror held every relayed change when {@code connection} last gained an
     * unconfirmed one, and nothing was relayed elsewhere since: asked by the hold decider about the
     * change that made the connection pending (the relay says whether it did).
     */
    @Override
    public synchronized boolean mirroredBefore(String connection) {
        Long since = pendingSince.get(connection);
        return since != null && since == epoch && unconfirmed.size() == 1 && mirroredWhenPending.contains(connection);
    }

    @Override
    public synchronized void changesPending(String connection) {
        if (mirrored()) {
            mirroredWhenPending.add(connection);
        } else {
            mirroredWhenPending.remove(connection);
        }
        unconfirmed.add(connection);
        epoch++;
        pendingSince.put(connection, epoch);
    }

    @Override
    public void changesApplied(String connection) {
        long sendFor;
        synchronized (this) {
            forget(connection);
            sendFor = barrierDue();
        }
        sendBarrier(sendFor);
    }

    @Override
    public void closed(String connection, boolean pending) {
        long sendFor;
        synchronized (this) {
            forget(connection);
            if (pending) {
                epoch++;
                lastUntracked = clock.getAsLong();
                LOG.log(System.Logger.Level.INFO, "controller connection closed with flow changes no barrier reply"
                        + " confirmed: connection=" + connection + "; links wait the quiet margin");
            }
            sendFor = barrierDue();
        }
        sendBarrier(sendFor);
    }

    /** Under the lock. */
    private void forget(String connection) {
        unconfirmed.remove(connection);
        pendingSince.remove(connection);
        mirroredWhenPending.remove(connection);
    }

    /** Under the lock: the epoch a monitor barrier must be sent for now, or -1. */
    private long barrierDue() {
        if (!unconfirmed.isEmpty() || mirroredEpoch == epoch || barrierEpoch == epoch) {
            return -1;
        }
        barrierEpoch = epoch;
        return epoch;
    }

    private void sendBarrier(long forEpoch) {
        if (forEpoch < 0) {
            return;
        }
        monitorBarrier.get().whenComplete((ok, error) -> {
            boolean caught;
            synchronized (this) {
                if (barrierEpoch == forEpoch) {
                    barrierEpoch = -1;
                }
                if (error != null) {
                    LOG.log(System.Logger.Level.DEBUG, () -> "flow monitor barrier failed (links wait the quiet margin): "
                            + error);
                    return;
                }
                if (forEpoch == epoch) {
                    mirroredEpoch = forEpoch;
                }
                caught = mirrored();
            }
            if (caught) {
                onCaughtUp.run();
            }
        });
    }
}
