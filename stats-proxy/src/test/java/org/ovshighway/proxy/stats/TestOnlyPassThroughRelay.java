package org.ovshighway.proxy.stats;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ovshighway.proxy.StatsRewriter;

/**
 * TEST ONLY: a blocking pass-through between OpenFlow clients connecting on a free loopback TCP
 * port and a bridge's management unix socket, showing every complete frame to a
 * {@link StatsRewriter} (the production relay is the Netty one of {@code org.ovshighway.proxy}).
 * Two threads per connection; the rewriter's calls are serialised on the rewriter, which stands
 * in for the single event loop the production relay calls it from.
 */
final class TestOnlyPassThroughRelay implements AutoCloseable {

    private static final int HEADER = 8;

    private final ServerSocketChannel server;
    private final Path switchSocket;
    private final StatsRewriter.Factory factory;
    private final List<Thread> threads = new ArrayList<>();
    private final List<SocketChannel> channels = new ArrayList<>();
    private int connections;

    private TestOnlyPassThroughRelay(ServerSocketChannel server, Path switchSocket, StatsRewriter.Factory factory) {
        this.server = server;
        this.switchSocket = switchSocket;
        this.factory = factory;
    }

    /** Listens on 127.0.0.1 at a port the kernel picks; each accepted client gets its own switch connection. */
    static TestOnlyPassThroughRelay start(Path switchSocket, StatsRewriter.Factory factory) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        TestOnlyPassThroughRelay relay = new TestOnlyPassThroughRelay(server, switchSocket, factory);
        Thread acceptor = Thread.ofPlatform().daemon().name("relay-accept").start(relay::acceptLoop);
        synchronized (relay) {
            relay.threads.add(acceptor);
        }
        return relay;
    }

    int port() throws IOException {
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    /** The ovs-ofctl target of this relay. */
    String target() throws IOException {
        return "tcp:127.0.0.1:" + port();
    }

    private void acceptLoop() {
        try {
            while (true) {
                SocketChannel client = server.accept();
                SocketChannel sw = SocketChannel.open(StandardProtocolFamily.UNIX);
                sw.connect(UnixDomainSocketAddress.of(switchSocket));
                StatsRewriter rewriter;
                synchronized (this) {
                    rewriter = factory.newConnection("test-relay-" + (++connections));
                    channels.add(client);
                    channels.add(sw);
                }
                Thread up = Thread.ofPlatform().daemon().name("relay-up").unstarted(() -> pump(client, sw, rewriter, true));
                Thread down = Thread.ofPlatform().daemon().name("relay-down").unstarted(() -> pump(sw, client, rewriter, false));
                synchronized (this) {
                    threads.add(up);
                    threads.add(down);
                }
                up.start();
                down.start();
            }
        } catch (IOException closed) {
            // server closed: the relay is shutting down
        }
    }

    private static void pump(SocketChannel from, SocketChannel to, StatsRewriter rewriter, boolean towardSwitch) {
        try (from; to) {
            ByteBuffer header = ByteBuffer.allocate(HEADER);
            while (readFully(from, header.clear())) {
                int length = header.getShort(2) & 0xffff;
                if (length < HEADER) {
                    throw new IOException("OpenFlow length below header size: length=" + length);
                }
                byte[] frame = new byte[length];
                header.flip().get(frame, 0, HEADER);
                if (!readFully(from, ByteBuffer.wrap(frame, HEADER, length - HEADER))) {
                    return;
                }
                ByteBuf buf = Unpooled.wrappedBuffer(frame);
                synchronized (rewriter) {
                    if (towardSwitch) {
                        rewriter.towardSwitch(buf);
                    } else {
                        rewriter.towardController(buf);
                    }
                }
                ByteBuffer out = ByteBuffer.wrap(frame);
                while (out.hasRemaining()) {
                    to.write(out);
                }
            }
        } catch (IOException e) {
            // either side closed: closing both ends (try-with-resources) ends the other pump too
        }
    }

    private static boolean readFully(SocketChannel ch, ByteBuffer dst) throws IOException {
        while (dst.hasRemaining()) {
            if (ch.read(dst) < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public synchronized void close() throws IOException, InterruptedException {
        server.close();
        for (SocketChannel ch : channels) {
            ch.close();
        }
        for (Thread t : threads) {
            t.join(5000);
        }
    }
}
