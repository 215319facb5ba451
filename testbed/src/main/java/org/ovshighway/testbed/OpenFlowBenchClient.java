package org.ovshighway.testbed;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A minimal OpenFlow 1.3 controller-side client for benchmarks: HELLO, BARRIER round trips,
 * bulk FLOW_MODs and single port-to-port rules over one blocking TCP or unix-socket connection. Single-threaded: it only reads when it waits
 * for a barrier reply, answering ECHO requests and counting ERRORs on the way.
 */
final class OpenFlowBenchClient implements AutoCloseable {

    static final byte OF13 = 4;
    private static final int HELLO = 0;
    private static final int ERROR = 1;
    private static final int ECHO_REQUEST = 2;
    private static final int ECHO_REPLY = 3;
    private static final int FLOW_MOD = 14;
    private static final int BARRIER_REQUEST = 20;
    private static final int BARRIER_REPLY = 21;
    static final int OFPFC_ADD = 0;
    static final int OFPFC_DELETE_STRICT = 4;
    /** OFPP_LOCAL in OpenFlow 1.3. */
    static final int LOCAL = 0xFFFFFFFE;
    /** An eth_type argument meaning "do not match the EtherType". */
    static final int ANY_ETH_TYPE = -1;
    /** FLOW_MOD ADD: 48 bytes fixed, 32 bytes match (in_port, eth_type, ipv4_dst), 24 bytes apply_actions(output:2). */
    static final int FLOW_MOD_LENGTH = 104;

    private final SocketChannel channel;
    private final ByteBuffer in = ByteBuffer.allocateDirect(1 << 20);
    private int xid = 1;
    private long errors;

    private OpenFlowBenchClient(SocketChannel channel) {
        this.channel = channel;
        in.flip();
    }

    /**
     * The address of an OpenFlow target as ovs-ofctl spells it: {@code unix:PATH} (a bridge's
     * management socket) or {@code tcp:HOST:PORT}.
     */
    static SocketAddress parseTarget(String target) {
        if (target.startsWith("unix:") && target.length() > 5) {
            return UnixDomainSocketAddress.of(target.substring(5));
        }
        int colon = target.lastIndexOf(':');
        if (target.startsWith("tcp:") && colon > 4) {
            try {
                return new InetSocketAddress(target.substring(4, colon), Integer.parseInt(target.substring(colon + 1)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("OpenFlow target=" + target + ": bad port", e);
            }
        }
        throw new IllegalArgumentException("OpenFlow target=" + target + " must be unix:PATH or tcp:HOST:PORT");
    }

    static OpenFlowBenchClient connect(SocketAddress address) throws IOException {
        SocketChannel channel = SocketChannel.open(address);
        if (address instanceof InetSocketAddress) {
            channel.socket().setTcpNoDelay(true);
        }
        OpenFlowBenchClient client = new OpenFlowBenchClient(channel);
        ByteBuffer hello = ByteBuffer.allocate(8);
        header(hello, HELLO, 8, 0);
        hello.flip();
        client.writeAll(hello);
        while (client.readFrame() != HELLO) {
            // the switch's HELLO comes first; anything else before it is skipped
        }
        return client;
    }

    long errors() {
        return errors;
    }

    /** One BARRIER round trip; returns its time in nanoseconds. */
    long barrierRoundTrip() throws IOException {
        ByteBuffer barrier = ByteBuffer.allocate(8);
        int id = xid++;
        header(barrier, BARRIER_REQUEST, 8, id);
        barrier.flip();
        long start = System.nanoTime();
        writeAll(barrier);
        awaitBarrier(id);
        return System.nanoTime() - start;
    }

    /**
     * Sends {@code count} FLOW_MOD ADDs (distinct ipv4_dst) and a BARRIER, waits for its reply;
     * returns the nanoseconds from the first byte sent to the reply.
     */
    long flowModsThenBarrier(int count, int batch) throws IOException {
        ByteBuffer out = ByteBuffer.allocateDirect(batch * FLOW_MOD_LENGTH + 8);
        long start = System.nanoTime();
        for (int sent = 0; sent < count; ) {
            out.clear();
            int n = Math.min(batch, count - sent);
            for (int i = 0; i < n; i++) {
                flowMod(out, xid++, 0x0A000000 + sent + i);
            }
            sent += n;
            out.flip();
            writeAll(out);
        }
        out.clear();
        int id = xid++;
        header(out, BARRIER_REQUEST, 8, id);
        out.flip();
        writeAll(out);
        awaitBarrier(id);
        return System.nanoTime() - start;
    }

    /** Deletes every flow of every table and waits until the switch has done it. */
    void deleteAllFlows() throws IOException {
        ByteBuffer out = ByteBuffer.allocate(64);
        header(out, FLOW_MOD, 56, xid++);
        out.putLong(0).putLong(0);
        out.put((byte) 0xFF).put((byte) 3); // all tables, OFPFC_DELETE
        out.putShort((short) 0).putShort((short) 0).putShort((short) 0);
        out.putInt(0xFFFFFFFF).putInt(0xFFFFFFFF).putInt(0xFFFFFFFF); // buffer, out_port ANY, out_group ANY
        out.putShort((short) 0).putShort((short) 0);
        out.putShort((short) 1).putShort((short) 4).putInt(0); // empty OXM match, padded
        out.flip();
        writeAll(out);
        barrierRoundTrip();
    }

    /** When a rule change was written and when the switch's barrier reply after it arrived (System.nanoTime). */
    record RuleChange(long sentNanos, long barrierNanos) {
    }

    /**
     * One FLOW_MOD on table 0 matching {@code in_port} (and {@code eth_type} unless
     * {@link #ANY_ETH_TYPE}) at {@code priority}: {@link #OFPFC_ADD} with apply_actions
     * output to each of {@code outputs} (an add of an equal match and priority replaces the
     * actions, as {@code ovs-ofctl add-flow} does), or {@link #OFPFC_DELETE_STRICT}. A BARRIER
     * goes out in the same write; returns once its reply came.
     *
     * @throws IOException when the switch answered with an ERROR
     */
    RuleChange portRule(int command, int priority, int inPort, int ethType, int... outputs) throws IOException {
        PendingRuleChange change = sendPortRule(command, priority, inPort, ethType, outputs);
        return awaitBarrier(change);
    }

    /** A rule change written with its BARRIER, whose reply may not have come yet. */
    static final class PendingRuleChange {
        final long sentNanos;
        final int barrierXid;
        final long errorsBefore;
        final String description;
        /** When the barrier reply was read; 0 = not yet. */
        long barrierNanos;

        PendingRuleChange(long sentNanos, int barrierXid, long errorsBefore, String description) {
            this.sentNanos = sentNanos;
            this.barrierXid = barrierXid;
            this.errorsBefore = errorsBefore;
            this.description = description;
        }
    }

    /**
     * As {@link #portRule} without waiting: writes the FLOW_MOD and its BARRIER and returns. Watch
     * the reply with {@link #barrierArrived} (never blocks) or {@link #awaitBarrier}.
     */
    PendingRuleChange sendPortRule(int command, int priority, int inPort, int ethType, int... outputs) throws IOException {
        if (command != OFPFC_ADD && command != OFPFC_DELETE_STRICT) {
            throw new IllegalArgumentException("portRule command=" + command + " must be ADD (0) or DELETE_STRICT (4)");
        }
        if (command == OFPFC_ADD && outputs.length == 0) {
            throw new IllegalArgumentException("portRule: an ADD needs at least one output port, inPort=" + inPort);
        }
        int matchLength = 4 + 8 + (ethType == ANY_ETH_TYPE ? 0 : 6);
        int matchPadded = (matchLength + 7) / 8 * 8;
        int instructions = command == OFPFC_ADD ? 8 + 16 * outputs.length : 0;
        int length = 48 + matchPadded + instructions;
        ByteBuffer out = ByteBuffer.allocate(length + 8);
        header(out, FLOW_MOD, length, xid++);
        out.putLong(0).putLong(0); // cookie, cookie mask
        out.put((byte) 0).put((byte) command);
        out.putShort((short) 0).putShort((short) 0).putShort((short) priority); // idle, hard, priority
        out.putInt(0xFFFFFFFF).putInt(0xFFFFFFFF).putInt(0xFFFFFFFF); // no buffer, out_port ANY, out_group ANY
        out.putShort((short) 0).putShort((short) 0); // flags, pad
        out.putShort((short) 1).putShort((short) matchLength); // OXM match, length without padding
        out.putInt(0x80000004).putInt(inPort);
        if (ethType != ANY_ETH_TYPE) {
            out.putInt(0x80000A02).putShort((short) ethType);
        }
        for (int i = matchLength; i < matchPadded; i++) {
            out.put((byte) 0);
        }
        if (command == OFPFC_ADD) {
            out.putShort((short) 4).putShort((short) instructions).putInt(0); // APPLY_ACTIONS
            for (int port : outputs) {
                out.putShort((short) 0).putShort((short) 16).putInt(port).putShort((short) 0xFFFF); // OUTPUT
                out.putShort((short) 0).putInt(0); // pad
            }
        }
        int barrier = xid++;
        header(out, BARRIER_REQUEST, 8, barrier);
        out.flip();
        long errorsBefore = errors;
        long sent = System.nanoTime();
        writeAll(out);
        return new PendingRuleChange(sent, barrier, errorsBefore, "command=" + command + " priority=" + priority
                + " in_port=" + inPort + " eth_type=" + ethType + " outputs=" + java.util.Arrays.toString(outputs));
    }

    /**
     * Reads what the switch sent so far without blocking; true once the reply to {@code change}'s
     * barrier came (its time is when this call read it: a caller polling every few microseconds
     * sees it that late at most).
     *
     * @throws IOException when the switch answered the rule with an ERROR
     */
    boolean barrierArrived(PendingRuleChange change) throws IOException {
        if (change.barrierNanos != 0) {
            return true;
        }
        channel.configureBlocking(false);
        try {
            while (true) {
                if (!frameBuffered()) {
                    in.compact();
                    int read = channel.read(in);
                    in.flip();
                    if (read < 0) {
                        throw new IOException("switch closed the connection");
                    }
                    if (!frameBuffered()) {
                        return false;
                    }
                }
                if (readFrame() == BARRIER_REPLY && lastXid == change.barrierXid) {
                    change.barrierNanos = System.nanoTime();
                    refusedUnlessClean(change);
                    return true;
                }
            }
        } finally {
            channel.configureBlocking(true);
        }
    }

    /** Blocks until the reply to {@code change}'s barrier came (at once when it already did). */
    RuleChange awaitBarrier(PendingRuleChange change) throws IOException {
        if (change.barrierNanos == 0) {
            awaitBarrier(change.barrierXid);
            change.barrierNanos = System.nanoTime();
            refusedUnlessClean(change);
        }
        return new RuleChange(change.sentNanos, change.barrierNanos);
    }

    private void refusedUnlessClean(PendingRuleChange change) throws IOException {
        if (errors != change.errorsBefore) {
            throw new IOException("the switch refused a rule: " + change.description);
        }
    }

    /** Whether a whole frame is in the input buffer (readFrame then does not read the channel). */
    private boolean frameBuffered() {
        int start = in.position();
        return in.remaining() >= 8 && in.remaining() >= Math.max(8, in.getShort(start + 2) & 0xFFFF);
    }

    private static void flowMod(ByteBuffer out, int id, int ipv4Dst) {
        header(out, FLOW_MOD, FLOW_MOD_LENGTH, id);
        out.putLong(0).putLong(0); // cookie, cookie mask
        out.put((byte) 0).put((byte) 0); // table 0, OFPFC_ADD
        out.putShort((short) 0).putShort((short) 0).putShort((short) 100); // idle, hard, priority
        out.putInt(0xFFFFFFFF).putInt(0).putInt(0); // no buffer, out_port, out_group
        out.putShort((short) 0).putShort((short) 0); // flags, pad
        out.putShort((short) 1).putShort((short) 26); // OXM match, length without padding
        out.putInt(0x80000004).putInt(1); // in_port=1
        out.putInt(0x80000A02).putShort((short) 0x0800); // eth_type=ipv4
        out.putInt(0x80001804).putInt(ipv4Dst); // ipv4_dst
        out.putShort((short) 0).putInt(0); // pad to 32
        out.putShort((short) 4).putShort((short) 24).putInt(0); // APPLY_ACTIONS
        out.putShort((short) 0).putShort((short) 16).putInt(2).putShort((short) 0xFFFF); // OUTPUT:2
        out.putShort((short) 0).putInt(0); // pad
    }

    private static void header(ByteBuffer out, int type, int length, int id) {
        out.put(OF13).put((byte) type).putShort((short) length).putInt(id);
    }

    private void awaitBarrier(int id) throws IOException {
        while (true) {
            int type = readFrame();
            if (type == BARRIER_REPLY && lastXid == id) {
                return;
            }
        }
    }

    private int lastXid;

    /** Reads one frame, handles ECHO and ERROR, and returns its type. */
    private int readFrame() throws IOException {
        fill(8);
        int start = in.position();
        int type = in.get(start + 1) & 0xFF;
        int length = in.getShort(start + 2) & 0xFFFF;
        lastXid = in.getInt(start + 4);
        if (length < 8) {
            throw new IOException("bad frame from switch: length=" + length);
        }
        fill(length);
        if (type == ECHO_REQUEST) {
            ByteBuffer reply = ByteBuffer.allocate(length);
            for (int i = 0; i < length; i++) {
                reply.put(in.get(start + i));
            }
            reply.put(1, (byte) ECHO_REPLY);
            reply.flip();
            writeAll(reply);
        } else if (type == ERROR) {
            errors++;
        }
        in.position(start + length);
        return type;
    }

    private void fill(int bytes) throws IOException {
        if (in.remaining() >= bytes) {
            return;
        }
        in.compact();
        while (in.position() < bytes) {
            if (channel.read(in) < 0) {
                throw new IOException("switch closed the connection");
            }
        }
        in.flip();
    }

    private void writeAll(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
