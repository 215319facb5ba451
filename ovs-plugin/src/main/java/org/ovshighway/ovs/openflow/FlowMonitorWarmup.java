package org.ovshighway.ovs.openflow;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Objects;

/**
 * Runs the flow monitor's receive path on scratch frames so that the first real flow change after
 * an agent start is decoded by compiled code: the pipeline a {@link BridgeFlowMonitor} connection
 * uses (frame decoder, message decoder, {@link FlowMonitorHandler} with its own
 * {@link MirrorSession}) on an {@link EmbeddedChannel}, fed OpenFlow 1.5 flow monitor replies in the
 * format OVS sends, delivering to a scratch listener. Nothing leaves the process.
 *
 * <p>The scratch table: {@code in_port=A actions=output:B} and {@code in_port=B actions=drop} at
 * priority 10, so A -> B is point-to-point; each cycle adds a breaker
 * {@code priority=40000,in_port=A,dl_type=0x0806 actions=LOCAL} (A's ARP goes elsewhere, A -> B is
 * no longer point-to-point) and removes it again: the flow changes that start and end a bypass.
 */
public final class FlowMonitorWarmup {
    /** OFPRR_DELETE: the breaker goes as a controller's delete would take it. */
    static final int REASON_DELETE = 2;
    static final int PRIORITY_PATH = 10;
    static final int PRIORITY_BREAKER = 40000;
    static final long PORT_LOCAL = 0xfffffffeL;

    private static final int OXM_IN_PORT = 0x80000004;
    private static final int OXM_ETH_TYPE = 0x80000a02;
    private static final int ETH_TYPE_ARP = 0x0806;

    private final int portA;
    private final int portB;

    /** Scratch tables between OpenFlow ports {@code portA} and {@code portB} (1..0xffffff00, distinct). */
    public FlowMonitorWarmup(int portA, int portB) {
        if (portA < 1 || portB < 1 || portA == portB) {
            throw new IllegalArgumentException("warm-up ports must be distinct OpenFlow ports: portA=" + portA
                    + " portB=" + portB);
        }
        this.portA = portA;
        this.portB = portB;
    }

    /**
     * Connects a scratch session delivering to {@code listener}, sends it the initial dump, then
     * {@code cycles} times the breaker added and removed (one reply each). Stops early, with the
     * cycles done so far, when the thread is interrupted.
     *
     * @return cycles completed
     * @throws IllegalStateException when the handler closed the scratch connection (a frame it did not accept)
     */
    public int run(FlowEventListener listener, int cycles) {
        Objects.requireNonNull(listener, "listener");
        MirrorSession session = new MirrorSession("highway-warmup", listener);
        EmbeddedChannel ch = new EmbeddedChannel(new OpenFlowFrameDecoder(), new OpenFlowMessageDecoder(),
                new FlowMonitorHandler(session));
        try {
            ch.pipeline().fireUserEventTriggered(new HandshakeCompleted(OpenFlowVersion.OF15));
            ch.releaseOutbound();
            feed(ch, multipart(OpenFlowWire.OFPMP_GROUP_DESC, FlowMonitorHandler.XID_GROUPS_FIRST, Unpooled.EMPTY_BUFFER));
            feed(ch, initialDump());
            if (session.state() != ConnectionState.MONITORING) {
                throw new IllegalStateException("warm-up dump not taken: state=" + session.state());
            }
            int done = 0;
            while (done < cycles && !Thread.currentThread().isInterrupted()) {
                feed(ch, breaker(StandardFlowUpdateDecoder.EVENT_ADDED));
                feed(ch, breaker(StandardFlowUpdateDecoder.EVENT_REMOVED));
                done++;
            }
            return done;
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    private static void feed(EmbeddedChannel ch, ByteBuf frame) {
        ch.writeInbound(frame);
        ch.releaseOutbound();
        if (!ch.isOpen()) {
            throw new IllegalStateException("warm-up frame refused: the scratch flow monitor connection closed");
        }
    }

    ByteBuf initialDump() {
        ByteBuf body = Unpooled.buffer();
        update(body, StandardFlowUpdateDecoder.EVENT_INITIAL, 0, PRIORITY_PATH, portA, false, portB);
        update(body, StandardFlowUpdateDecoder.EVENT_INITIAL, 0, PRIORITY_PATH, portB, false, -1);
        return multipart(OpenFlowWire.OFPMP14_FLOW_MONITOR, FlowMonitorHandler.XID_MONITOR, body);
    }

    ByteBuf breaker(int event) {
        ByteBuf body = Unpooled.buffer();
        int reason = event == StandardFlowUpdateDecoder.EVENT_REMOVED ? REASON_DELETE : 0;
        update(body, event, reason, PRIORITY_BREAKER, portA, true, PORT_LOCAL);
        return multipart(OpenFlowWire.OFPMP14_FLOW_MONITOR, 0, body);
    }

    /** ofp_multipart_reply header (16 bytes), flags 0, then {@code body}. */
    private static ByteBuf multipart(int type, long xid, ByteBuf body) {
        ByteBuf frame = Unpooled.buffer(16 + body.readableBytes());
        frame.writeByte(OpenFlowVersion.OF15.wire()).writeByte(OpenFlowWire.OFPT11_MULTIPART_REPLY)
                .writeShort(16 + body.readableBytes()).writeInt((int) xid);
        frame.writeShort(type).writeShort(0).writeInt(0);
        frame.writeBytes(body);
        body.release();
        return frame;
    }

    /**
     * One ofp_flow_update_full in table 0 (see {@link StandardFlowUpdateDecoder}): match
     * {@code in_port} (and ARP when {@code arp}), instructions apply-actions output:{@code out}, or
     * none (drop) when {@code out} is negative.
     */
    private static void update(ByteBuf body, int event, int reason, int priority, int inPort, boolean arp, long out) {
        int matchLength = 4 + 8 + (arp ? 6 : 0);
        int matchPadded = (matchLength + 7) & ~7;
        int instructions = out < 0 ? 0 : 8 + 16;
        int length = 24 + matchPadded + instructions;
        body.writeShort(length).writeShort(event).writeByte(0).writeByte(reason).writeShort(0).writeShort(0)
                .writeShort(priority).writeInt(0).writeLong(0);
        body.writeShort(1).writeShort(matchLength).writeInt(OXM_IN_PORT).writeInt(inPort);
        if (arp) {
            body.writeInt(OXM_ETH_TYPE).writeShort(ETH_TYPE_ARP);
        }
        body.writeZero(matchPadded - matchLength);
        if (out >= 0) {
            // OFPIT_APPLY_ACTIONS with one OFPAT_OUTPUT (max_len 0xffff: no buffering)
            body.writeShort(4).writeShort(instructions).writeInt(0);
            body.writeShort(0).writeShort(16).writeInt((int) out).writeShort(0xffff).writeZero(6);
        }
    }
}
