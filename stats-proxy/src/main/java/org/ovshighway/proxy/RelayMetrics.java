package org.ovshighway.proxy;

import java.util.concurrent.atomic.LongAdder;

/** Counters of one proxy, shared by all its connections. */
public final class RelayMetrics {

    final LongAdder connectionsOpened = new LongAdder();
    final LongAdder connectionsClosed = new LongAdder();
    final LongAdder upstreamConnectFailures = new LongAdder();
    final LongAdder malformedCloses = new LongAdder();
    final LongAdder framesTowardSwitch = new LongAdder();
    final LongAdder framesTowardController = new LongAdder();
    final LongAdder holds = new LongAdder();
    final LongAdder holdDeadlinesHit = new LongAdder();
    final LongAdder hookFailures = new LongAdder();

    public long connectionsOpened() {
        return connectionsOpened.sum();
    }

    public long connectionsClosed() {
        return connectionsClosed.sum();
    }

    public long upstreamConnectFailures() {
        return upstreamConnectFailures.sum();
    }

    /** Connections closed because a peer sent bytes that are not OpenFlow frames. */
    public long malformedCloses() {
        return malformedCloses.sum();
    }

    public long framesTowardSwitch() {
        return framesTowardSwitch.sum();
    }

    public long framesTowardController() {
        return framesTowardController.sum();
    }

    /** Frames the {@link HoldDecider} held. */
    public long holds() {
        return holds.sum();
    }

    /** Holds released by the deadline instead of their stage. */
    public long holdDeadlinesHit() {
        return holdDeadlinesHit.sum();
    }

    /** Connections closed because a hook (decider or rewriter) threw. */
    public long hookFailures() {
        return hookFailures.sum();
    }

    @Override
    public String toString() {
        return "connections_opened=" + connectionsOpened() + " connections_closed=" + connectionsClosed()
                + " upstream_connect_failures=" + upstreamConnectFailures() + " malformed_closes=" + malformedCloses()
                + " frames_toward_switch=" + framesTowardSwitch() + " frames_toward_controller=" + framesTowardController()
                + " holds=" + holds() + " hold_deadlines_hit=" + holdDeadlinesHit() + " hook_failures=" + hookFailures();
    }
}
