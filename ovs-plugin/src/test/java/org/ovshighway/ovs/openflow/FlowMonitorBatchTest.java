package org.ovshighway.ovs.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ovshighway.p2p.flow.FlowEvent;

/**
 * The updates of one flow monitor reply reach a {@link FlowEventBatchListener} as one list, and a
 * plain {@link FlowEventListener} one by one; frames in OVS 3.1's OpenFlow 1.5 format (as captured
 * in {@link MalformedUpdateTest}), the second update a copy of the first at another priority.
 */
class FlowMonitorBatchTest {

    /** Multipart header of an OF1.5 flow monitor reply, xid 0, length patched in. */
    private static final String HEADER = "0613LLLL0000000000100000" + "00000000";
    /** "ADDED table 0 priority PPPP in_port=2 goto_table:1" (48 bytes). */
    private static final String UPDATE = "00300001000000000000PPPP0000000000000000000000000001000c8000000400000002000000000001000801000000";
    private static final String EMPTY_GROUPS = "06130010000010000007000000000000";
    private static final String DUMP_END = "06130010000000030010000000000000";

    private static byte[] reply(int... priorities) {
        StringBuilder hex = new StringBuilder(HEADER.replace("LLLL", String.format("%04x", 16 + 48 * priorities.length)));
        for (int p : priorities) {
            hex.append(UPDATE.replace("PPPP", String.format("%04x", p)));
        }
        return HexFormat.of().parseHex(hex.toString());
    }

    private static final class Recorder implements FlowEventBatchListener {
        final List<Object> received = new ArrayList<>();

        @Override
        public void onFlowEvent(FlowEvent event) {
            received.add(event);
        }

        @Override
        public void onFlowEvents(List<FlowEvent> events) {
            received.add(events);
        }
    }

    private static EmbeddedChannel monitoring(MirrorSession session) {
        EmbeddedChannel ch = new EmbeddedChannel(new OpenFlowFrameDecoder(), new OpenFlowMessageDecoder(), new FlowMonitorHandler(session));
        ch.pipeline().fireUserEventTriggered(new HandshakeCompleted(OpenFlowVersion.OF15));
        ch.writeInbound(Unpooled.wrappedBuffer(HexFormat.of().parseHex(EMPTY_GROUPS)));
        ch.writeInbound(Unpooled.wrappedBuffer(HexFormat.of().parseHex(DUMP_END)));
        assertEquals(ConnectionState.MONITORING, session.state());
        return ch;
    }

    @Test
    void batchListenerReceivesTheUpdatesOfOneReplyTogether() {
        Recorder recorder = new Recorder();
        EmbeddedChannel ch = monitoring(new MirrorSession("br0", recorder));
        ch.writeInbound(Unpooled.wrappedBuffer(reply(20, 21, 22)));
        ch.checkException();
        assertEquals(List.of(new FlowEvent.ResyncStarted(), new FlowEvent.ResyncCompleted()), recorder.received.subList(0, 2));
        assertEquals(3, recorder.received.size(), () -> "received: " + recorder.received);
        List<?> batch = assertInstanceOf(List.class, recorder.received.get(2));
        assertEquals(List.of(20, 21, 22), batch.stream().map(e -> ((FlowEvent.FlowAdded) e).flow().priority()).toList());
        assertTrue(ch.isOpen());
    }

    @Test
    void plainListenerReceivesTheSameUpdatesOneByOne() {
        List<FlowEvent> events = new ArrayList<>();
        EmbeddedChannel ch = monitoring(new MirrorSession("br0", events::add));
        ch.writeInbound(Unpooled.wrappedBuffer(reply(20, 21)));
        ch.checkException();
        assertEquals(4, events.size(), () -> "events: " + events);
        assertEquals(20, assertInstanceOf(FlowEvent.FlowAdded.class, events.get(2)).flow().priority());
        assertEquals(21, assertInstanceOf(FlowEvent.FlowAdded.class, events.get(3)).flow().priority());
    }
}
