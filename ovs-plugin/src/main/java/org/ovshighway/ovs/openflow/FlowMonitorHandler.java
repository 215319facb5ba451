package org.ovshighway.ovs.openflow;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.ovshighway.p2p.flow.FlowEvent;
import org.ovshighway.p2p.flow.GroupEntry;
import org.projectfloodlight.openflow.protocol.OFBarrierReply;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFGroupDescStatsEntry;
import org.projectfloodlight.openflow.protocol.OFGroupDescStatsReply;
import org.projectfloodlight.openflow.protocol.OFStatsReplyFlags;

/**
 * The mirror side of one connection: after the handshake it configures asynchronous messages
 * (group-mod request-forwards only), asks for the group table and starts a flow monitor over every
 * table with its initial dump, then turns what arrives into {@link FlowEvent}s.
 *
 * <p>Groups: OVS's flow monitor reports flows only. A group change by any client reaches this
 * connection as a REQUESTFORWARD (enabled through the async configuration); the handler then
 * re-reads the whole group table (GROUP_DESC) and reports the difference to the last copy. A flow
 * referring to a group can therefore be reported before the group change that came with it; the
 * detector treats an unknown group conservatively. OpenFlow 1.0 has no standard group table, so a
 * 1.0 session reports no groups (flows with group actions still arrive, as Other actions).
 *
 * <p>Anything that makes the mirror untrustworthy (a malformed or unexpected update, a monitor
 * pause, an error answering one of the requests, a listener-invisible decode failure) is logged with
 * the message bytes and the connection is closed; the owner reconnects, which re-requests the
 * initial dump. The listener sees {@link FlowEvent.ResyncStarted} once when the mirror became
 * untrustworthy and {@link FlowEvent.ResyncCompleted} when a full dump has arrived.
 */
public final class FlowMonitorHandler extends ChannelInboundHandlerAdapter {

    /** The negotiated version, for handlers that need it after the handshake. */
    public static final AttributeKey<OpenFlowVersion> VERSION = AttributeKey.valueOf("highway.openflow.version");

    private static final System.Logger LOG = System.getLogger(FlowMonitorHandler.class.getName());
    private static final long XID_ASYNC = 1;
    private static final long XID_SET_CONFIG = 2;
    static final long XID_MONITOR = 3;
    private static final int MONITOR_ID = 1;
    /** Group-description requests use xids from here on, one per request, so a late reply is recognised. */
    static final long XID_GROUPS_FIRST = 0x1000;
    /** Barrier requests ({@link #barrier}) use xids from here on, apart from the group requests'. */
    static final long XID_BARRIERS_FIRST = 0x8000_0000L;

    private static final int OFPT_ERROR = 1;
    /** A dump OVS has not finished by then is not coming (a request was rejected in a way not tied to its xid). */
    private static final long DUMP_TIMEOUT_SECONDS = 10;

    private final MirrorSession session;
    private ScheduledFuture<?> dumpDeadline;
    private OpenFlowVersion version;
    private boolean flowDumpDone;
    private boolean groupDumpDone;
    private long groupXid;
    private long nextGroupXid = XID_GROUPS_FIRST;
    private boolean groupsStale;
    private final Map<Long, GroupEntry> groupsBeingRead = new HashMap<>();
    private long nextBarrierXid = XID_BARRIERS_FIRST;
    /** Barriers sent and not answered yet, oldest first (the switch answers them in order). */
    private final ArrayDeque<PendingBarrier> barriers = new ArrayDeque<>();

    private record PendingBarrier(long xid, CompletableFuture<Void> done) {
    }

    public FlowMonitorHandler(MirrorSession session) {
        this.session = Objects.requireNonNull(session, "session");
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof HandshakeCompleted(OpenFlowVersion negotiated))) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        version = negotiated;
        ctx.channel().attr(VERSION).set(version);
        session.dumpStarting(version);
        ctx.write(OpenFlowRequests.asyncConfig(ctx.alloc(), version, XID_ASYNC));
        ctx.write(OpenFlowRequests.setConfig(ctx.alloc(), version, XID_SET_CONFIG));
        if (version == OpenFlowVersion.OF10) {
            groupDumpDone = true;
        } else {
            requestGroups(ctx);
        }
        ctx.write(OpenFlowRequests.flowMonitor(ctx.alloc(), version, XID_MONITOR, MONITOR_ID));
        ctx.flush();
        dumpDeadline = ctx.executor().schedule(() -> {
            if (!dumpComplete() && ctx.channel().isActive()) {
                resync(ctx, "initial dump incomplete after " + DUMP_TIMEOUT_SECONDS + " s: flows=" + flowDumpDone
                        + " groups=" + groupDumpDone, null);
            }
        }, DUMP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Sends a BARRIER on this connection; {@code done} completes once its reply arrived, after every
     * update the switch sent before it was delivered to the session's listener. Fails when the
     * initial dump is not complete (the mirror is not trustworthy yet) or the connection closes first.
     * Runs on the channel's event loop.
     */
    void barrier(ChannelHandlerContext ctx, CompletableFuture<Void> done) {
        if (!dumpComplete()) {
            done.completeExceptionally(new IllegalStateException("flow mirror not complete: channel=" + ctx.channel()
                    + " flows=" + flowDumpDone + " groups=" + groupDumpDone));
            return;
        }
        long xid = nextBarrierXid++;
        barriers.add(new PendingBarrier(xid, done));
        ctx.writeAndFlush(OpenFlowRequests.barrier(ctx.alloc(), version, xid));
    }

    private void onBarrierReply(long xid) {
        if (barriers.stream().noneMatch(b -> b.xid() == xid)) {
            LOG.log(System.Logger.Level.DEBUG, "barrier reply with an unknown xid ignored: xid={0}", xid);
            return;
        }
        PendingBarrier answered;
        do {
            answered = barriers.poll();
            // a barrier the switch answered with an error is covered by the later one's reply
            answered.done().complete(null);
        } while (answered.xid() != xid);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (dumpDeadline != null) {
            dumpDeadline.cancel(false);
        }
        PendingBarrier unanswered;
        while ((unanswered = barriers.poll()) != null) {
            unanswered.done().completeExceptionally(new IllegalStateException(
                    "flow monitor connection closed before the barrier reply: channel=" + ctx.channel()
                            + " xid=" + unanswered.xid()));
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof InboundMessage in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        switch (in) {
            case InboundMessage.FlowMonitorReply reply -> onUpdates(ctx, reply);
            case InboundMessage.Parsed(OFGroupDescStatsReply reply) -> onGroups(ctx, reply);
            case InboundMessage.GroupDescReply reply -> onGroupsPart(ctx, reply.xid(), reply.more(), reply.groups());
            case InboundMessage.Parsed(OFErrorMsg error) -> onError(ctx, error);
            case InboundMessage.Parsed(OFBarrierReply reply) -> onBarrierReply(reply.getXid());
            case InboundMessage.RequestForwarded rf -> {
                if (version == OpenFlowVersion.OF10) {
                    LOG.log(System.Logger.Level.DEBUG, "group change ignored: OpenFlow 1.0 session has no group table");
                } else if (groupXid == 0) {
                    requestGroups(ctx);
                    ctx.flush();
                } else {
                    groupsStale = true;
                }
            }
            case InboundMessage.FlowMonitorPaused p ->
                resync(ctx, "flow monitor paused by the switch (its buffer for this connection filled): updates were lost", null);
            case InboundMessage.FlowMonitorResumed r ->
                resync(ctx, "flow monitor resumed without a pause on this connection", null);
            case InboundMessage.Malformed m -> resync(ctx, m.problem(), m.bytes());
            case InboundMessage.Unhandled u -> {
                if (u.xid() != 0 && u.xid() == groupXid) {
                    resync(ctx, "group description reply not decodable: " + u.why(), null);
                } else if (u.type() == OFPT_ERROR && !dumpComplete()) {
                    // OVS 3.1 answers some rejected requests with an OpenFlow 1.0 Nicira error and xid 0.
                    resync(ctx, "switch sent an error during the initial dump: " + u.why(), null);
                } else {
                    LOG.log(System.Logger.Level.DEBUG, "ignored message: channel={0} {1}", ctx.channel(), u);
                }
            }
            case InboundMessage.Parsed p ->
                LOG.log(System.Logger.Level.DEBUG, "ignored message: channel={0} type={1}", ctx.channel(), p.message().getType());
        }
    }

    private void onUpdates(ChannelHandlerContext ctx, InboundMessage.FlowMonitorReply reply) {
        boolean dump = reply.xid() == XID_MONITOR && !flowDumpDone;
        if (reply.xid() != XID_MONITOR && reply.xid() != 0) {
            resync(ctx, "flow monitor reply with an unexpected xid: xid=" + reply.xid(), null);
            return;
        }
        List<FlowEvent> batch = new ArrayList<>(reply.updates().size());
        for (FlowUpdate u : reply.updates()) {
            FlowEvent event = switch (u.kind()) {
                case INITIAL -> new FlowEvent.FlowAdded(u.entry());
                // NX and ONF dumps say ADDED for the initial flows; a live ADDED outside a dump is a real add.
                case ADDED -> new FlowEvent.FlowAdded(u.entry());
                case MODIFIED -> new FlowEvent.FlowModified(u.entry());
                case REMOVED -> new FlowEvent.FlowRemoved(u.key(), u.reason());
            };
            if (!dump && u.kind() == FlowUpdate.Kind.INITIAL) {
                session.deliverAll(batch);
                resync(ctx, "INITIAL update outside the initial dump: " + u.key(), null);
                return;
            }
            batch.add(event);
        }
        // One reply is one batch: OVS sends the updates of a bundle or a dump many to a message.
        session.deliverAll(batch);
        if (dump && !reply.more()) {
            flowDumpDone = true;
            maybeComplete(ctx);
        }
    }

    private void onGroups(ChannelHandlerContext ctx, OFGroupDescStatsReply reply) {
        List<GroupEntry> groups = new ArrayList<>();
        for (OFGroupDescStatsEntry e : reply.getEntries()) {
            try {
                groups.add(GroupConverter.convert(e));
            } catch (MalformedUpdateException ex) {
                resync(ctx, ex.getMessage(), null);
                return;
            }
        }
        onGroupsPart(ctx, reply.getXid(), reply.getFlags().contains(OFStatsReplyFlags.REPLY_MORE), groups);
    }

    private void onGroupsPart(ChannelHandlerContext ctx, long xid, boolean more, List<GroupEntry> groups) {
        if (xid != groupXid) {
            LOG.log(System.Logger.Level.DEBUG, "stale group description reply ignored: xid={0} expected={1}", xid, groupXid);
            return;
        }
        groups.forEach(g -> groupsBeingRead.put(g.groupId(), g));
        if (more) {
            return;
        }
        groupXid = 0;
        Map<Long, GroupEntry> snapshot = new HashMap<>(groupsBeingRead);
        groupsBeingRead.clear();
        session.groupTable(snapshot);
        if (!groupDumpDone) {
            groupDumpDone = true;
            maybeComplete(ctx);
        }
        if (groupsStale) {
            groupsStale = false;
            requestGroups(ctx);
            ctx.flush();
        }
    }

    private void onError(ChannelHandlerContext ctx, OFErrorMsg error) {
        long xid = error.getXid();
        if (xid == XID_MONITOR || (xid != 0 && xid == groupXid) || !dumpComplete()) {
            resync(ctx, "switch rejected a monitor request: xid=" + xid + " error=" + error, null);
        } else {
            LOG.log(System.Logger.Level.WARNING, "switch reported an error: channel={0} xid={1} error={2}", ctx.channel(), xid, error);
        }
    }

    private void requestGroups(ChannelHandlerContext ctx) {
        groupXid = nextGroupXid++;
        groupsBeingRead.clear();
        ctx.write(OpenFlowRequests.groupDesc(ctx.alloc(), version, groupXid));
    }

    private boolean dumpComplete() {
        return flowDumpDone && groupDumpDone;
    }

    private void maybeComplete(ChannelHandlerContext ctx) {
        if (dumpComplete()) {
            if (dumpDeadline != null) {
                dumpDeadline.cancel(false);
            }
            session.dumpCompleted();
        }
    }

    private void resync(ChannelHandlerContext ctx, String problem, byte[] bytes) {
        LOG.log(System.Logger.Level.WARNING, "resynchronising flow mirror: channel={0} version={1} problem={2}{3}",
                ctx.channel(), version, problem, bytes == null ? "" : " bytes=" + HexFormat.of().formatHex(bytes));
        session.resyncNeeded(problem);
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(System.Logger.Level.WARNING, "connection failed, resynchronising: channel=" + ctx.channel(), cause);
        session.resyncNeeded(String.valueOf(cause));
        ctx.close();
    }
}
