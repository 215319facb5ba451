package org.ovshighway.ovs.openflow;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFMessage;

/**
 * Turns one framed OpenFlow message into an {@link InboundMessage}. Flow-monitor replies, monitor
 * pause/resume notices and request-forwards are recognised by their headers and decoded here
 * (openflowj cannot); everything else goes to openflowj's generic reader. A flow-monitor message
 * that does not decode becomes {@link InboundMessage.Malformed} carrying its bytes, never an
 * exception, so the handler decides how to recover; other messages openflowj rejects are
 * {@link InboundMessage.Unhandled}, because Highway does not depend on them.
 */
public final class OpenFlowMessageDecoder extends MessageToMessageDecoder<ByteBuf> {

    private final Map<OpenFlowVersion, FlowUpdateDecoder> updateDecoders = new EnumMap<>(OpenFlowVersion.class);

    public OpenFlowMessageDecoder() {
        super(ByteBuf.class);
        for (OpenFlowVersion v : OpenFlowVersion.values()) {
            updateDecoders.put(v, FlowUpdateDecoder.forVersion(v));
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        out.addAll(decode(frame));
    }

    /** Decodes one whole message (the frame decoder guarantees its length); does not release {@code frame}. */
    public List<InboundMessage> decode(ByteBuf frame) {
        int start = frame.readerIndex();
        int wire = frame.getUnsignedByte(start);
        int type = frame.getUnsignedByte(start + 1);
        long xid = frame.getUnsignedInt(start + 4);
        int length = frame.readableBytes();
        OpenFlowVersion version = OpenFlowVersion.fromWire(wire).orElse(null);
        MonitorMessage kind = version == null ? MonitorMessage.NONE : classify(frame, start, version, type, length);
        try {
            switch (kind) {
                case UPDATES -> {
                    int bodyOffset = version.dialect() == OpenFlowVersion.MonitorDialect.STANDARD ? 16 : 24;
                    if (length < bodyOffset) {
                        throw new MalformedUpdateException("flow monitor reply shorter than its header: length=" + length);
                    }
                    boolean more = (frame.getUnsignedShort(start + 10) & OpenFlowWire.REPLY_MORE) != 0;
                    ByteBuf body = frame.slice(start + bodyOffset, length - bodyOffset);
                    return List.copyOf(updateDecoders.get(version).decode(body, xid, more));
                }
                case PAUSED -> {
                    return List.of(new InboundMessage.FlowMonitorPaused(xid));
                }
                case RESUMED -> {
                    return List.of(new InboundMessage.FlowMonitorResumed(xid));
                }
                case GROUP_DESC_15 -> {
                    if (length < 16) {
                        throw new MalformedUpdateException("group description reply shorter than its header: length=" + length);
                    }
                    boolean more = (frame.getUnsignedShort(start + 10) & OpenFlowWire.REPLY_MORE) != 0;
                    return List.of(new InboundMessage.GroupDescReply(xid, more,
                            Of15GroupDescDecoder.decode(frame.slice(start + 16, length - 16), xid)));
                }
                case REQUEST_FORWARD -> {
                    return List.of(new InboundMessage.RequestForwarded(xid));
                }
                case NONE -> {
                    return List.of(parseGeneric(frame, start, wire, type, xid));
                }
                default -> throw new IllegalStateException("unhandled message kind: " + kind);
            }
        } catch (MalformedUpdateException | RuntimeException e) {
            // A RuntimeException here is a model constraint (e.g. an out-of-range id) the decoder did not pre-check.
            return List.of(new InboundMessage.Malformed(xid, e.getMessage(), ByteBufUtil.getBytes(frame, start, length)));
        }
    }

    private enum MonitorMessage { NONE, UPDATES, PAUSED, RESUMED, REQUEST_FORWARD, GROUP_DESC_15 }

    private static MonitorMessage classify(ByteBuf f, int s, OpenFlowVersion version, int type, int length) {
        switch (version.dialect()) {
            case STANDARD -> {
                if (type == OpenFlowWire.OFPT11_MULTIPART_REPLY && length >= 10
                        && f.getUnsignedShort(s + 8) == OpenFlowWire.OFPMP14_FLOW_MONITOR) {
                    return MonitorMessage.UPDATES;
                }
                if (type == OpenFlowWire.OFPT14_REQUESTFORWARD) {
                    return MonitorMessage.REQUEST_FORWARD;
                }
                if (version == OpenFlowVersion.OF15 && type == OpenFlowWire.OFPT11_MULTIPART_REPLY && length >= 10
                        && f.getUnsignedShort(s + 8) == OpenFlowWire.OFPMP_GROUP_DESC) {
                    return MonitorMessage.GROUP_DESC_15;
                }
            }
            case ONF13 -> {
                if (type == OpenFlowWire.OFPT11_MULTIPART_REPLY && length >= 24 && f.getUnsignedShort(s + 8) == OpenFlowWire.OFPMP_VENDOR
                        && f.getUnsignedInt(s + 16) == OpenFlowWire.ONF_EXPERIMENTER_ID
                        && f.getUnsignedInt(s + 20) == OpenFlowWire.ONFST_FLOW_MONITOR) {
                    return MonitorMessage.UPDATES;
                }
                if (type == OpenFlowWire.OFPT_VENDOR && length >= 16 && f.getUnsignedInt(s + 8) == OpenFlowWire.ONF_EXPERIMENTER_ID) {
                    long expType = f.getUnsignedInt(s + 12);
                    if (expType == OpenFlowWire.ONFT_FLOW_MONITOR_PAUSED) return MonitorMessage.PAUSED;
                    if (expType == OpenFlowWire.ONFT_FLOW_MONITOR_RESUMED) return MonitorMessage.RESUMED;
                    if (expType == OpenFlowWire.ONFT_REQUESTFORWARD) return MonitorMessage.REQUEST_FORWARD;
                }
            }
            case NICIRA -> {
                if (type == OpenFlowWire.OFPT10_STATS_REPLY && length >= 24 && f.getUnsignedShort(s + 8) == OpenFlowWire.OFPMP_VENDOR
                        && f.getUnsignedInt(s + 12) == OpenFlowWire.NX_VENDOR_ID
                        && f.getUnsignedInt(s + 16) == OpenFlowWire.NXST_FLOW_MONITOR) {
                    return MonitorMessage.UPDATES;
                }
                if (type == OpenFlowWire.OFPT_VENDOR && length >= 16 && f.getUnsignedInt(s + 8) == OpenFlowWire.NX_VENDOR_ID) {
                    long subtype = f.getUnsignedInt(s + 12);
                    if (subtype == OpenFlowWire.NXT_FLOW_MONITOR_PAUSED) return MonitorMessage.PAUSED;
                    if (subtype == OpenFlowWire.NXT_FLOW_MONITOR_RESUMED) return MonitorMessage.RESUMED;
                    if (subtype == OpenFlowWire.NXT_REQUESTFORWARD) return MonitorMessage.REQUEST_FORWARD;
                }
            }
        }
        return MonitorMessage.NONE;
    }

    private static InboundMessage parseGeneric(ByteBuf frame, int start, int wire, int type, long xid) {
        ByteBuf copy = frame.slice(start, frame.readableBytes());
        try {
            OFMessage message = OFFactories.getGenericReader().readFrom(copy);
            if (message == null) {
                return new InboundMessage.Unhandled(xid, wire, type, "openflowj returned no message");
            }
            return new InboundMessage.Parsed(message);
        } catch (OFParseError | RuntimeException e) {
            return new InboundMessage.Unhandled(xid, wire, type, "openflowj: " + e.getMessage());
        }
    }
}
