package org.ovshighway.ovs.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ovshighway.p2p.flow.FlowEvent;

/**
 * Damaged versions of frames captured from OVS 3.1 (see {@link CapturedFlowMonitorDecoderTest}):
 * the decoder must name the problem and keep the bytes, and the monitor handler must resynchronise
 * (ResyncStarted, connection closed) without an exception escaping.
 */
class MalformedUpdateTest {

    /** OF1.5 live update "ADDED table 0 priority 20 in_port=2 goto_table:1" from flowmon-of15.hex. */
    private static final String OF15_ADD =
            "061300400000000000100000000000000030000100000000000000140000000000000000000000000001000c8000000400000002000000000001000801000000";

    private static byte[] of15Add() {
        return HexFormat.of().parseHex(OF15_ADD);
    }

    private static InboundMessage decodeOne(byte[] frame) {
        List<InboundMessage> out = new OpenFlowMessageDecoder().decode(Unpooled.wrappedBuffer(frame));
        assertEquals(1, out.size(), () -> "messages: " + out);
        return out.get(0);
    }

    @Test
    void intactCaptureDecodes() {
        InboundMessage.FlowMonitorReply reply = assertInstanceOf(InboundMessage.FlowMonitorReply.class, decodeOne(of15Add()));
        assertEquals(1, reply.updates().size());
    }

    @Test
    void truncatedUpdateIsMalformedWithItsBytes() {
        byte[] frame = Arrays.copyOf(of15Add(), 56);
        frame[2] = 0;
        frame[3] = 56;
        InboundMessage.Malformed m = assertInstanceOf(InboundMessage.Malformed.class, decodeOne(frame));
        assertTrue(m.problem().contains("update length invalid: length=48"), m.problem());
        assertTrue(m.problem().contains("OFPMP_FLOW_MONITOR OF15"), m.problem());
        assertEquals(HexFormat.of().formatHex(frame), m.hex());
    }

    @Test
    void matchLengthBeyondUpdateIsMalformed() {
        byte[] frame = of15Add();
        frame[16 + 24 + 3] = (byte) 0x40;   // ofp_match length 0x0c -> 0x40
        InboundMessage.Malformed m = assertInstanceOf(InboundMessage.Malformed.class, decodeOne(frame));
        assertTrue(m.problem().contains("ofp_match length out of bounds: length=64"), m.problem());
    }

    @Test
    void unknownEventIsMalformed() {
        byte[] frame = of15Add();
        frame[16 + 3] = 9;   // event ADDED -> 9
        InboundMessage.Malformed m = assertInstanceOf(InboundMessage.Malformed.class, decodeOne(frame));
        assertTrue(m.problem().contains("unexpected flow update event: event=9"), m.problem());
    }

    @Test
    void instructionOverrunningItsUpdateIsMalformed() {
        byte[] frame = of15Add();
        frame[16 + 40 + 3] = 0x10;   // goto_table instruction length 8 -> 16
        InboundMessage.Malformed m = assertInstanceOf(InboundMessage.Malformed.class, decodeOne(frame));
        assertTrue(m.problem().contains("instruction length invalid"), m.problem());
    }

    @Test
    void tableIdOutOfRangeIsMalformed() {
        byte[] frame = of15Add();
        frame[16 + 4] = (byte) 0xff;
        InboundMessage.Malformed m = assertInstanceOf(InboundMessage.Malformed.class, decodeOne(frame));
        assertTrue(m.problem().contains("table id out of range: table=255"), m.problem());
    }

    @Test
    void handlerResynchronisesOnMalformedUpdateWithoutThrowing() {
        List<FlowEvent> events = new ArrayList<>();
        MirrorSession session = new MirrorSession("br0", events::add);
        EmbeddedChannel ch = new EmbeddedChannel(new OpenFlowFrameDecoder(), new OpenFlowMessageDecoder(), new FlowMonitorHandler(session));
        ch.pipeline().fireUserEventTriggered(new HandshakeCompleted(OpenFlowVersion.OF15));
        assertEquals(List.of(new FlowEvent.ResyncStarted()), events);
        assertEquals(ConnectionState.DUMPING, session.state());

        byte[] frame = of15Add();
        frame[16 + 3] = 9;
        ch.writeInbound(Unpooled.wrappedBuffer(frame));

        assertFalse(ch.isOpen(), "connection closed to resynchronise");
        ch.checkException();   // nothing escaped the pipeline
        // A resync was already open and nothing was delivered since, so no second ResyncStarted.
        assertEquals(List.of(new FlowEvent.ResyncStarted()), events);
    }

    @Test
    void malformedUpdateWhileMonitoringStartsAResync() {
        List<FlowEvent> events = new ArrayList<>();
        MirrorSession session = new MirrorSession("br0", events::add);
        EmbeddedChannel ch = new EmbeddedChannel(new OpenFlowFrameDecoder(), new OpenFlowMessageDecoder(), new FlowMonitorHandler(session));
        ch.pipeline().fireUserEventTriggered(new HandshakeCompleted(OpenFlowVersion.OF15));
        // OF1.5 empty group table (xid 0x1000) and empty end of the initial dump (xid 3), OVS's formats.
        ch.writeInbound(Unpooled.wrappedBuffer(HexFormat.of().parseHex("06130010000010000007000000000000")));
        ch.writeInbound(Unpooled.wrappedBuffer(HexFormat.of().parseHex("06130010000000030010000000000000")));
        assertEquals(ConnectionState.MONITORING, session.state());
        ch.writeInbound(Unpooled.wrappedBuffer(of15Add()));
        byte[] bad = of15Add();
        bad[16 + 3] = 9;
        ch.writeInbound(Unpooled.wrappedBuffer(bad));
        ch.checkException();
        assertFalse(ch.isOpen());
        assertEquals(4, events.size(), () -> "events: " + events);
        assertEquals(new FlowEvent.ResyncCompleted(), events.get(1));
        assertInstanceOf(FlowEvent.FlowAdded.class, events.get(2));
        assertEquals(new FlowEvent.ResyncStarted(), events.get(3));
    }
}
