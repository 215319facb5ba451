package org.ovshighway.ovs.openflow;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Hand-encoded requests of the monitor connection, byte layouts from OVS's openflow headers
 * (openflowj has no encoder for the Nicira/ONF ones, and one encoding path for all versions keeps
 * the three dialects side by side). Every method returns a complete message with its length set.
 */
final class OpenFlowRequests {

    /**
     * OVS 3.1 rejects OFPFMF_NO_ABBREV in an OpenFlow 1.4+ request (OFPMOFC_BAD_FLAGS), so the
     * standard monitor goes without it: abbreviated updates only describe this connection's own
     * flow mods, and it sends none. NX/ONF take NXFMF_OWN.
     */
    private static final int STANDARD_MONITOR_FLAGS = OpenFlowWire.FMF_INITIAL | OpenFlowWire.FMF_ADD | OpenFlowWire.FMF_REMOVED
            | OpenFlowWire.FMF_MODIFY | OpenFlowWire.FMF_INSTRUCTIONS;
    private static final int NX_MONITOR_FLAGS = STANDARD_MONITOR_FLAGS | OpenFlowWire.FMF_OWN;
    /** miss_send_len only has to be non-zero: OVS sends a service connection no asynchronous message otherwise. */
    private static final int MISS_SEND_LEN = 128;
    private static final int OFPG_ALL = 0xfffffffc;

    private OpenFlowRequests() {
    }

    /** HELLO in the highest offered version with a version-bitmap element (OpenFlow 1.3.1+ negotiation). */
    static ByteBuf hello(ByteBufAllocator alloc, int headerVersion, int bitmap, long xid) {
        ByteBuf b = header(alloc, headerVersion, OpenFlowWire.OFPT_HELLO, xid);
        b.writeShort(1).writeShort(8).writeInt(bitmap);   // OFPHET_VERSIONBITMAP, length, bitmap word
        return finish(b);
    }

    /** A flow monitor over every table, all events, with instructions, initial dump included. */
    static ByteBuf flowMonitor(ByteBufAllocator alloc, OpenFlowVersion v, long xid, int monitorId) {
        ByteBuf b;
        switch (v.dialect()) {
            case STANDARD -> {
                b = multipart(alloc, v, OpenFlowWire.OFPMP14_FLOW_MONITOR, xid);
                b.writeInt(monitorId).writeInt((int) OpenFlowWire.PORT_ANY).writeInt((int) OpenFlowWire.GROUP_ANY);
                b.writeShort(STANDARD_MONITOR_FLAGS).writeByte(OpenFlowWire.TABLE_ALL).writeByte(0);   // command OFPFMC_ADD
                emptyOxmMatch(b);
            }
            case ONF13 -> {
                b = multipart(alloc, v, OpenFlowWire.OFPMP_VENDOR, xid);
                b.writeInt((int) OpenFlowWire.ONF_EXPERIMENTER_ID).writeInt((int) OpenFlowWire.ONFST_FLOW_MONITOR);
                b.writeInt(monitorId).writeShort(NX_MONITOR_FLAGS).writeShort(4);               // match_len of the empty OXM match
                b.writeInt((int) OpenFlowWire.PORT_ANY).writeByte(OpenFlowWire.TABLE_ALL).writeZero(3);
                emptyOxmMatch(b);
            }
            case NICIRA -> {
                b = header(alloc, v.wire(), OpenFlowWire.OFPT10_STATS_REQUEST, xid);
                b.writeShort(OpenFlowWire.OFPMP_VENDOR).writeShort(0).writeInt((int) OpenFlowWire.NX_VENDOR_ID);
                b.writeInt((int) OpenFlowWire.NXST_FLOW_MONITOR).writeZero(4);
                b.writeInt(monitorId).writeShort(NX_MONITOR_FLAGS).writeShort(OpenFlowWire.OF10_PORT_NONE);
                b.writeShort(0).writeByte(OpenFlowWire.TABLE_ALL).writeZero(5);              // empty nx_match
            }
            default -> throw new IllegalArgumentException("no flow monitor for version=" + v);
        }
        return finish(b);
    }

    /** GROUP_DESC multipart request for every group (OpenFlow 1.3+; 1.5 names the group, OFPG_ALL). */
    static ByteBuf groupDesc(ByteBufAllocator alloc, OpenFlowVersion v, long xid) {
        if (v == OpenFlowVersion.OF10) {
            throw new IllegalArgumentException("GROUP_DESC needs OpenFlow 1.3 or later: version=" + v);
        }
        ByteBuf b = multipart(alloc, v, OpenFlowWire.OFPMP_GROUP_DESC, xid);
        if (v == OpenFlowVersion.OF15) {
            b.writeInt(OFPG_ALL).writeZero(4);
        }
        return finish(b);
    }

    /**
     * Asynchronous-message configuration: nothing but request-forwards of group mods (so group
     * changes by any client become visible), in both roles. OpenFlow 1.4+ OFPT_SET_ASYNC, else the
     * Nicira NXT_SET_ASYNC_CONFIG2, which takes the same properties.
     */
    static ByteBuf asyncConfig(ByteBufAllocator alloc, OpenFlowVersion v, long xid) {
        ByteBuf b;
        if (v.dialect() == OpenFlowVersion.MonitorDialect.STANDARD) {
            b = header(alloc, v.wire(), OpenFlowWire.OFPT13_SET_ASYNC, xid);
        } else {
            b = header(alloc, v.wire(), OpenFlowWire.OFPT_VENDOR, xid);
            b.writeInt((int) OpenFlowWire.NX_VENDOR_ID).writeInt((int) OpenFlowWire.NXT_SET_ASYNC_CONFIG2);
        }
        int[][] props = {
            {OpenFlowWire.ACPT_PACKET_IN_SLAVE, 0}, {OpenFlowWire.ACPT_PACKET_IN_MASTER, 0},
            {OpenFlowWire.ACPT_PORT_STATUS_SLAVE, 0}, {OpenFlowWire.ACPT_PORT_STATUS_MASTER, 0},
            {OpenFlowWire.ACPT_FLOW_REMOVED_SLAVE, 0}, {OpenFlowWire.ACPT_FLOW_REMOVED_MASTER, 0},
            {OpenFlowWire.ACPT_REQUESTFORWARD_SLAVE, OpenFlowWire.RFR_GROUP_MOD_BIT},
            {OpenFlowWire.ACPT_REQUESTFORWARD_MASTER, OpenFlowWire.RFR_GROUP_MOD_BIT},
        };
        for (int[] p : props) {
            b.writeShort(p[0]).writeShort(8).writeInt(p[1]);
        }
        return finish(b);
    }

    /** SET_CONFIG with a non-zero miss_send_len, which enables asynchronous messages on a service connection. */
    static ByteBuf setConfig(ByteBufAllocator alloc, OpenFlowVersion v, long xid) {
        ByteBuf b = header(alloc, v.wire(), OpenFlowWire.OFPT_SET_CONFIG, xid);
        b.writeShort(0).writeShort(MISS_SEND_LEN);
        return finish(b);
    }

    /** BARRIER_REQUEST: its reply comes after everything the switch sent for earlier requests and changes. */
    static ByteBuf barrier(ByteBufAllocator alloc, OpenFlowVersion v, long xid) {
        int type = v == OpenFlowVersion.OF10 ? OpenFlowWire.OFPT10_BARRIER_REQUEST : OpenFlowWire.OFPT11_BARRIER_REQUEST;
        return finish(header(alloc, v.wire(), type, xid));
    }

    private static ByteBuf multipart(ByteBufAllocator alloc, OpenFlowVersion v, int mpType, long xid) {
        ByteBuf b = header(alloc, v.wire(), OpenFlowWire.OFPT11_MULTIPART_REQUEST, xid);
        b.writeShort(mpType).writeShort(0).writeZero(4);
        return b;
    }

    private static void emptyOxmMatch(ByteBuf b) {
        b.writeShort(1).writeShort(4).writeZero(4);
    }

    private static ByteBuf header(ByteBufAllocator alloc, int version, int type, long xid) {
        ByteBuf b = alloc.buffer(64);
        b.writeByte(version).writeByte(type).writeShort(0).writeInt((int) xid);
        return b;
    }

    private static ByteBuf finish(ByteBuf b) {
        b.setShort(2, b.readableBytes());
        return b;
    }
}
