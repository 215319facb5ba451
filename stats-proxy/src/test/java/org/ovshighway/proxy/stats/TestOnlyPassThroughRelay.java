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
                StatsRewriter rewriter;
                synchronized (this) {
                    rewriter = factory.newConnection("test-relay-" + (++connections));
                    channels.add(client);
                }
                Thread up = Thread.ofPlatform().daemon().name("relay-up").unstarted(() -> connectAndPump(client, rewriter));
                synchronized (this) {
                    threads.add(up);
                }
                up.start();
            }
        } catch (IOException closed) {
            // server closed: the relay is shutting down
        }
    }

    /**
     * Connects to the switch only once the client's first frame (its HELLO) is in hand: OVS drops
     * a connection whose HELLO does not come within about a second, which a loaded test machine
     * could otherwise miss between connect and the first relayed frame.
     */
    private void connectAndPump(SocketChannel client, StatsRewriter rewriter) {
        try {
            byte[] first = readFrame(client);
            if (first == null) {
                client.close();
                return;
            }
            SocketChannel sw = SocketChannel.open(StandardProtocolFamily.UNIX);
            synchronized (this) {
                channels.add(sw);
            }
            sw.connect(UnixDomainSocketAddress.of(switchSocket));
            Thread down = Thread.ofPlatform().daemon().name("relay-down").unstarted(() -> pump(sw, client, rewriter, false, null));
            synchronized (this) {
                threads.add(down);
            }
            down.start();
            pump(client, sw, rewriter, true, first);
        } catch (IOException e) {
            try {
                client.close();
            } catch (IOException ignored) {
                // already failing; the client sees the connection close
            }
        }
    }

    /** Relays frames until either side closes; {@code first}, when given, is relayed before reading more. */
    private static void pump(SocketChannel from, SocketChannel to, StatsRewriter rewriter, boolean towardSwitch, byte[] first) {
        try (from; to) {
            byte[] frame = first != null ? first : readFrame(from);
            while (frame != null) {
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
                frame = readFrame(from);
            }
        } catch (IOException e) {
            // either side closed: closing both ends (try-with-resources) ends the other pump too
        }
    }

    /** One whole OpenFlow frame, or null at end of stream. */
    private static byte[] readFrame(SocketChannel from) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        if (!readFully(from, header)) {
            return null;
        }
        int length = header.getShort(2) & 0xffff;
        if (length < HEADER) {
            throw new IOException("OpenFlow length below header size: length=" + length);
        }
        byte[] frame = new byte[length];
        header.flip().get(frame, 0, HEADER);
        return readFully(from, ByteBuffer.wrap(frame, HEADER, length - HEADER)) ? frame : null;
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
