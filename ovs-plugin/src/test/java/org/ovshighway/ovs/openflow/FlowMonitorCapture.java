package org.ovshighway.ovs.openflow;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.ovshighway.ovs.testing.PrivateOvs;
import org.ovshighway.p2p.flow.FlowEvent;

/**
 * The tool that captured the test resources {@code flowmon-<version>.hex}: starts a private OVS
 * (testbed/ovs-up), connects the real monitor pipeline with a recorder tapped right after the frame
 * decoder, runs a fixed scenario of ovs-ofctl commands and writes every flow-monitor frame OVS sent
 * as one hex line, preceded by a {@code #} line naming the step that caused it.
 *
 * <p>Run as root from the module directory, once per version:
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) org.ovshighway.ovs.openflow.FlowMonitorCapture OF15 src/test/resources/flowmon-of15.hex}.
 */
public final class FlowMonitorCapture {

    /** Scenario steps: ovs-ofctl arguments (bridge br0, OpenFlow 1.3 for the ovs-ofctl side so groups work). */
    static final List<String[]> STEPS = List.of(
            new String[] {"add-flow", "table=0,priority=20,in_port=2,actions=goto_table:1"},
            new String[] {"add-flow", "table=1,priority=5,ip,nw_dst=10.0.0.1,actions=set_field:aa:bb:cc:dd:ee:ff->eth_dst,group:1"},
            new String[] {"mod-flows", "table=0,in_port=1,actions=output:3"},
            new String[] {"add-flow", "table=2,priority=1,actions=learn(table=3,NXM_OF_ETH_DST[]),resubmit(,3)"},
            new String[] {"add-flow", "table=0,priority=30,in_port=3,idle_timeout=1,actions=drop"},
            new String[] {"del-flows", "table=0,in_port=2"});

    private FlowMonitorCapture() {
    }

    public static void main(String[] args) throws Exception {
        OpenFlowVersion version = OpenFlowVersion.valueOf(args[0]);
        Path out = Path.of(args[1]);
        List<String> lines = new ArrayList<>();
        String[] step = {"initial dump (before: table=0,priority=10,in_port=1,actions=output:2; group 1 indirect output:3)"};
        try (PrivateOvs ovs = PrivateOvs.start("br0")) {
            ovs.ofctl("-O", "OpenFlow13", "add-group", "br0", "group_id=1,type=indirect,bucket=output:3");
            ovs.ofctl("-O", "OpenFlow13", "add-flow", "br0", "table=0,priority=10,in_port=1,actions=output:2");
            CountDownLatch dumped = new CountDownLatch(1);
            MirrorSession session = new MirrorSession("br0", e -> {
                if (e instanceof FlowEvent.ResyncCompleted) {
                    dumped.countDown();
                }
            });
            OpenFlowChannelInitializer init = new OpenFlowChannelInitializer(EnumSet.of(version), session, Duration.ofSeconds(30));
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
            try {
                Channel ch = new Bootstrap().group(group).channel(EpollDomainSocketChannel.class)
                        .handler(new ChannelInitializer<Channel>() {
                            @Override
                            protected void initChannel(Channel c) {
                                init.configure(c.pipeline());
                                c.pipeline().addAfter(OpenFlowChannelInitializer.FRAME_DECODER, "recorder", new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                        ByteBuf f = (ByteBuf) msg;
                                        int type = f.getUnsignedByte(f.readerIndex() + 1);
                                        if (type != 2 && type != 3) {   // everything but echo request/reply
                                            synchronized (lines) {
                                                lines.add("# " + step[0]);
                                                lines.add(ByteBufUtil.hexDump(f));
                                            }
                                        }
                                        ctx.fireChannelRead(msg);
                                    }
                                });
                            }
                        })
                        .connect(new DomainSocketAddress(ovs.managementSocket("br0").toString())).sync().channel();
                if (!dumped.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("no initial dump");
                }
                for (String[] s : STEPS) {
                    synchronized (lines) {
                        step[0] = "ovs-ofctl -O OpenFlow13 " + s[0] + " br0 " + s[1];
                    }
                    ovs.ofctl("-O", "OpenFlow13", s[0], "br0", s[1]);
                    Thread.sleep(s[1].contains("idle_timeout") ? 3500 : 300);
                }
                synchronized (lines) {
                    step[0] = "ovs-ofctl -O OpenFlow13 mod-group br0 group_id=1,type=indirect,bucket=output:4";
                }
                ovs.ofctl("-O", "OpenFlow13", "mod-group", "br0", "group_id=1,type=indirect,bucket=output:4");
                Thread.sleep(300);
                ch.close().sync();
            } finally {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            }
        }
        List<String> header = List.of(
                "# Flow-monitor frames captured from real OVS " + ovsVersion() + " by FlowMonitorCapture, monitor version " + version + ".",
                "# Private userspace OVS (testbed/ovs-up), bridge br0, netdev datapath; one hex line per OpenFlow message.");
        List<String> all = new ArrayList<>(header);
        all.addAll(lines);
        Files.write(out, all);
        System.out.println("wrote " + out + " messages=" + lines.size() / 2);
    }

    private static String ovsVersion() throws Exception {
        Process p = new ProcessBuilder("ovs-vswitchd", "--version").start();
        String first = new String(p.getInputStream().readAllBytes()).lines().findFirst().orElse("unknown");
        p.waitFor();
        return first.replaceAll(".*\\) ", "").trim();
    }
}
