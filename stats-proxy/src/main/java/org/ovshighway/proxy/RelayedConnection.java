package org.ovshighway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.DecoderException;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One relayed OpenFlow connection: the switch side and the controller side, frames relayed as they
 * are in both directions, the hold of frames toward the switch, backpressure and close propagation.
 *
 * <p>Both channels run on the same event loop; every method runs there, so no state needs locks.
 *
 * <p>Backpressure: a side reads only while the other side's outbound buffer is below its high
 * water mark, and the controller side reads nothing while a hold is on, so memory per connection
 * is bounded by the water mark plus one read, whatever the peers do.
 */
public final class RelayedConnection {

    private static final System.Logger LOG = System.getLogger(RelayedConnection.class.getName());

    /** The connection's lifecycle. */
    private enum State {
        /** Relaying frames toward the switch as they come. */
        PASSING,
        /** A frame toward the switch waits for its stage; it and every later one are queued. */
        HOLDING,
        /** Both sides are closed or closing; frames that still arrive are dropped. */
        CLOSED
    }

    private final String name;
    private final RelayPolicy policy;
    private final StatsRewriter rewriter;
    private final BarrierTracker barriers;
    private Channel switchChannel;
    private Channel controllerChannel;

    private State state = State.PASSING;
    // While HOLDING: the frame the decider held (relayed first on release) and the frames after it,
    // not yet shown to the decider.
    private ByteBuf heldFrame;
    private final ArrayDeque<ByteBuf> queued = new ArrayDeque<>();
    private long holdGeneration;
    private long holdStartNanos;
    private ScheduledFuture<?> holdTimer;
    // The controller closed while a hold was on: close the switch side once the queue is relayed.
    private boolean closeSwitchAfterRelease;

    RelayedConnection(String name, RelayPolicy policy) {
        this.name = Objects.requireNonNull(name, "name");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.rewriter = Objects.requireNonNull(policy.rewriters().newConnection(name), "rewriter");
        this.barriers = new BarrierTracker(name, policy.appliedChanges());
    }

    public String name() {
        return name;
    }

    /** Starts relaying between two active channels on the same event loop. */
    void start(Channel switchSide, Channel controllerSide) {
        this.switchChannel = switchSide;
        this.controllerChannel = controllerSide;
        policy.metrics().connectionsOpened.increment();
        LOG.log(System.Logger.Level.INFO, "relaying: connection=" + name + " switch=" + peer(switchSide)
                + " controller=" + peer(controllerSide));
        updateReading();
    }

    boolean isHolding() {
        return state == State.HOLDING;
    }

    void received(Side from, ByteBuf frame) {
        if (state == State.CLOSED) {
            frame.release();
            return;
        }
        if (from == Side.SWITCH) {
            towardController(frame);
        } else if (state == State.HOLDING) {
            queued.add(frame);
        } else {
            decideAndForward(frame);
        }
    }

    private void decideAndForward(ByteBuf frame) {
        CompletionStage<?> stage;
        try {
            // before the decider: a held change is pending from the moment it is held
            boolean earlierApplied = barriers.towardSwitch(frame);
            stage = policy.holdDecider().holdBefore(name, frame, earlierApplied);
        } catch (RuntimeException e) {
            frame.release();
            hookFailed("hold decider or applied-changes listener threw", e);
            return;
        }
        if (stage == null || isDone(stage)) {
            towardSwitch(frame);
        } else {
            startHold(frame, stage);
        }
    }

    private static boolean isDone(CompletionStage<?> stage) {
        try {
            return stage.toCompletableFuture().isDone();
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    private void startHold(ByteBuf frame, CompletionStage<?> stage) {
        state = State.HOLDING;
        heldFrame = frame;
        long generation = ++holdGeneration;
        holdStartNanos = System.nanoTime();
        policy.metrics().holds.increment();
        updateReading();
        holdTimer = controllerChannel.eventLoop().schedule(() -> deadlineHit(generation),
                policy.holdDeadline().toNanos(), TimeUnit.NANOSECONDS);
        stage.whenComplete((value, error) -> controllerChannel.eventLoop().execute(() -> {
            if (error != null && generation == holdGeneration && state == State.HOLDING) {
                LOG.log(System.Logger.Level.WARNING, "hold stage failed, relaying anyway: connection=" + name
                        + " error=" + error);
            }
            release(generation);
        }));
    }

    private void deadlineHit(long generation) {
        if (generation != holdGeneration || state != State.HOLDING) {
            return;
        }
        policy.metrics().holdDeadlinesHit.increment();
        LOG.log(System.Logger.Level.WARNING, "hold deadline hit, relaying held frames: connection=" + name
                + " deadlineMs=" + policy.holdDeadline().toMillis() + " queued=" + (queued.size() + 1)
                + " heldMs=" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - holdStartNanos));
        release(generation);
    }

    private void release(long generation) {
        if (generation != holdGeneration || state != State.HOLDING) {
            return;
        }
        if (holdTimer != null) {
            holdTimer.cancel(false);
            holdTimer = null;
        }
        state = State.PASSING;
        ByteBuf first = heldFrame;
        heldFrame = null;
        towardSwitch(first);
        // Later frames meet the decider in order; one of them may start the next hold.
        while (state == State.PASSING && !queued.isEmpty()) {
            decideAndForward(queued.poll());
        }
        if (state == State.CLOSED) {
            return;
        }
        switchChannel.flush();
        if (state == State.PASSING && closeSwitchAfterRelease) {
            closeAfterFlush(switchChannel);
            closed();
            return;
        }
        updateReading();
    }

    private void towardSwitch(ByteBuf frame) {
        try {
            rewriter.towardSwitch(frame);
        } catch (RuntimeException e) {
            frame.release();
            hookFailed("statistics rewriter threw on a frame toward the switch", e);
            return;
        }
        policy.metrics().framesTowardSwitch.increment();
        switchChannel.write(frame, switchChannel.voidPromise());
        if (!switchChannel.isWritable()) {
            updateReading();
        }
    }

    private void towardController(ByteBuf frame) {
        try {
            barriers.towardController(frame);
            rewriter.towardController(frame);
        } catch (RuntimeException e) {
            frame.release();
            hookFailed("statistics rewriter or applied-changes listener threw on a frame toward the controller", e);
            return;
        }
        policy.metrics().framesTowardController.increment();
        controllerChannel.write(frame, controllerChannel.voidPromise());
        if (!controllerChannel.isWritable()) {
            updateReading();
        }
    }

    /** The peer's address for log lines; a Unix socket peer is unnamed, so its local path is shown. */
    private static String peer(Channel channel) {
        String remote = String.valueOf(channel.remoteAddress());
        return remote.isEmpty() || "null".equals(remote) ? "unix:" + channel.localAddress() : remote;
    }

    void readComplete(Side from) {
        if (state == State.CLOSED) {
            return;
        }
        channel(from.other()).flush();
    }

    /** Each side reads only while the other can take more; the controller side not while holding. */
    void updateReading() {
        if (state == State.CLOSED || switchChannel == null) {
            return;
        }
        switchChannel.config().setAutoRead(controllerChannel.isWritable());
        controllerChannel.config().setAutoRead(switchChannel.isWritable() && state == State.PASSING
                && !closeSwitchAfterRelease);
    }

    void inactive(Side side) {
        if (state == State.CLOSED || switchChannel == null) {
            return;
        }
        OpenFlowFrameSplitter splitter = channel(side).pipeline().get(OpenFlowFrameSplitter.class);
        int incomplete = splitter == null ? 0 : splitter.incompleteAtClose();
        LOG.log(incomplete > 0 ? System.Logger.Level.WARNING : System.Logger.Level.INFO,
                "peer closed: connection=" + name + " side=" + side.name().toLowerCase(java.util.Locale.ROOT)
                        + " peer=" + channel(side).remoteAddress()
                        + (incomplete > 0 ? " droppedIncompleteFrameBytes=" + incomplete : ""));
        if (side == Side.CONTROLLER && state == State.HOLDING) {
            // What the controller sent before closing still reaches the switch, in order.
            closeSwitchAfterRelease = true;
            return;
        }
        closeAfterFlush(channel(side.other()));
        closed();
    }

    void failed(Side side, Throwable cause) {
        if (state == State.CLOSED) {
            return;
        }
        if (switchChannel == null) {
            // Not started yet: the dialing code closes the accepted side when the dial fails.
            LOG.log(System.Logger.Level.WARNING, "error before relaying started: connection=" + name
                    + " side=" + side.name().toLowerCase(java.util.Locale.ROOT) + " error=" + cause);
            return;
        }
        Throwable reason = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (reason instanceof MalformedFrameException) {
            policy.metrics().malformedCloses.increment();
        }
        LOG.log(System.Logger.Level.WARNING, "closing connection: connection=" + name + " side="
                + side.name().toLowerCase(java.util.Locale.ROOT) + " peer=" + channel(side).remoteAddress()
                + " reason=" + reason.getMessage() + " error=" + reason.getClass().getSimpleName());
        channel(side).close();
        if (side == Side.CONTROLLER && state == State.HOLDING) {
            // The good frames before the bad bytes still reach the switch, in order, as without the proxy.
            closeSwitchAfterRelease = true;
            updateReading();
            return;
        }
        closeAfterFlush(channel(side.other()));
        closed();
    }

    private void hookFailed(String what, RuntimeException e) {
        policy.metrics().hookFailures.increment();
        LOG.log(System.Logger.Level.ERROR, "closing connection: connection=" + name + " reason=" + what, e);
        switchChannel.close();
        controllerChannel.close();
        closed();
    }

    private void closed() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        policy.metrics().connectionsClosed.increment();
        barriers.closed();
        if (holdTimer != null) {
            holdTimer.cancel(false);
            holdTimer = null;
        }
        if (heldFrame != null) {
            heldFrame.release();
            heldFrame = null;
        }
        ByteBuf frame;
        while ((frame = queued.poll()) != null) {
            frame.release();
        }
    }

    /** Closes {@code channel} after everything already written to it went out. */
    private static void closeAfterFlush(Channel channel) {
        if (channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    private Channel channel(Side side) {
        return side == Side.SWITCH ? switchChannel : controllerChannel;
    }
}
