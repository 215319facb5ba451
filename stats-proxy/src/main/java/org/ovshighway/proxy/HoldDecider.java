package org.ovshighway.proxy;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletionStage;

/**
 * Decides, per frame a controller sends toward the switch, whether that frame (a FLOW_MOD or a
 * bundle commit that breaks a live bypass) must wait until the bypass has been reverted. A held
 * frame and every later frame of the same connection are relayed, in order, once the returned
 * stage completes or the proxy's hold deadline passes (the deadline is counted and logged).
 *
 * <p>Called from the connection's event loop: must not block, must not modify or retain
 * {@code frame}.
 */
@FunctionalInterface
public interface HoldDecider {

    /** Returns {@code null} to relay {@code frame} now, or the stage it must wait for. */
    CompletionStage<?> holdBefore(String connectionName, ByteBuf frame);

    /**
     * The relay's call: as {@link #holdBefore(String, ByteBuf)}, told whether the switch has
     * confirmed, by a barrier reply, every flow change relayed on this connection before
     * {@code frame} ({@link AppliedChangesListener}). A decider that does not need it ignores it.
     */
    default CompletionStage<?> holdBefore(String connectionName, ByteBuf frame, boolean earlierChangesApplied) {
        return holdBefore(connectionName, frame);
    }

    /** Never holds. */
    HoldDecider NEVER = (connectionName, frame) -> null;
}
