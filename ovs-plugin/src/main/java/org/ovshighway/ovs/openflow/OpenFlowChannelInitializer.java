package org.ovshighway.ovs.openflow;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The monitor connection's pipeline, stage by stage (inbound top to bottom):
 * <ol>
 *   <li>{@value #FRAME_DECODER}: cuts the stream into OpenFlow messages by header length;</li>
 *   <li>{@value #MESSAGE_DECODER}: one {@link InboundMessage} per message (flow updates by hand, the rest by openflowj);</li>
 *   <li>{@value #MESSAGE_ENCODER}: outbound openflowj messages to bytes;</li>
 *   <li>{@value #IDLE}: reader-idle events for liveness;</li>
 *   <li>{@value #HANDSHAKE}: HELLO exchange and version choice, then leaves;</li>
 *   <li>{@value #ECHO}: echo requests and replies, silence detection;</li>
 *   <li>{@value #MONITOR}: async config, group table, flow monitor, events to the {@link MirrorSession}.</li>
 * </ol>
 */
public final class OpenFlowChannelInitializer extends ChannelInitializer<Channel> {

    public static final String FRAME_DECODER = "openflow-frame-decoder";
    public static final String MESSAGE_DECODER = "openflow-message-decoder";
    public static final String MESSAGE_ENCODER = "openflow-message-encoder";
    public static final String IDLE = "idle";
    public static final String HANDSHAKE = "handshake";
    public static final String ECHO = "echo";
    public static final String MONITOR = "flow-monitor";

    private final Set<OpenFlowVersion> versions;
    private final MirrorSession session;
    private final Duration echoInterval;

    public OpenFlowChannelInitializer(Set<OpenFlowVersion> versions, MirrorSession session, Duration echoInterval) {
        this.versions = Set.copyOf(versions);
        this.session = session;
        this.echoInterval = echoInterval;
    }

    @Override
    protected void initChannel(Channel ch) {
        configure(ch.pipeline());
    }

    /** Adds the stages to {@code pipeline} (tools that tap the pipeline, e.g. to record frames, call this directly). */
    public void configure(ChannelPipeline pipeline) {
        pipeline
                .addLast(FRAME_DECODER, new OpenFlowFrameDecoder())
                .addLast(MESSAGE_DECODER, new OpenFlowMessageDecoder())
                .addLast(MESSAGE_ENCODER, new OpenFlowMessageEncoder())
                .addLast(IDLE, new IdleStateHandler(echoInterval.toMillis(), 0, 0, TimeUnit.MILLISECONDS))
                .addLast(HANDSHAKE, new HandshakeHandler(versions))
                .addLast(ECHO, new EchoHandler())
                .addLast(MONITOR, new FlowMonitorHandler(session));
    }
}
