package org.ovshighway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * A controller that stops reading (a test socket standing in for a stuck controller) while the
 * "switch" (another test socket) keeps sending: the proxy stops reading too, so the sender stalls
 * after a bounded amount instead of the proxy buffering everything; once the controller reads
 * again, every byte arrives, in order.
 */
class BackpressureSocketTest {

    private static final long STALL_BOUND_BYTES = 64L << 20;
    private static final long GIVE_UP_BYTES = 256L << 20;

    @Test
    void stuckControllerStallsTheSenderAtABoundAndLosesNothing() throws Exception {
        try (ServerSocket controller = new ServerSocket()) {
            controller.setReceiveBufferSize(64 * 1024);
            controller.bind(new InetSocketAddress("127.0.0.1", 0));
            try (OpenFlowProxy proxy = OpenFlowProxy.start(new ProxyConfig(
                    List.of(new ProxyRoute(OvsTestSupport.anyLoopbackPort(),
                            OpenFlowTarget.parse("tcp:127.0.0.1:" + controller.getLocalPort()))),
                    Optional.empty(), RelayPolicy.plain(), Optional.empty(), ProxyConfig.DEFAULT_CONNECT_TIMEOUT));
                 SocketChannel sw = SocketChannel.open(proxy.southboundAddress(0));
                 Socket stuck = controller.accept()) {
                sw.configureBlocking(false);
                byte[] frame = Frames.bytes(4, 19, 1, 65535);
                ByteBuffer out = ByteBuffer.wrap(frame);
                CRC32 sent = new CRC32();
                long written = 0;
                int idle = 0;
                // Write until the sender makes no progress for about 2 s, or the give-up bound.
                while (idle < 200 && written < GIVE_UP_BYTES) {
                    int start = out.position();
                    int n = sw.write(out);
                    if (n > 0) {
                        sent.update(frame, start, n);
                        written += n;
                        idle = 0;
                    } else {
                        idle++;
                        Thread.sleep(10);
                    }
                    if (!out.hasRemaining()) {
                        out.rewind();
                    }
                }
                System.out.println("backpressure: sender stalled after written=" + written + " bytes");
                assertTrue(written < STALL_BOUND_BYTES, "sender stalled at a bound: written=" + written);
                assertTrue(written > 65535, "sender got some data through: written=" + written);

                // The controller reads again (its own thread); the sender finishes its frame and closes.
                java.util.concurrent.CompletableFuture<long[]> reader = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    CRC32 received = new CRC32();
                    long count = 0;
                    try {
                        InputStream in = stuck.getInputStream();
                        stuck.setSoTimeout(20_000);
                        byte[] buf = new byte[256 * 1024];
                        int n;
                        while ((n = in.read(buf)) > 0) {
                            received.update(buf, 0, n);
                            count += n;
                        }
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    return new long[]{count, received.getValue()};
                });
                sw.configureBlocking(true);
                if (out.position() != 0) {
                    int start = out.position();
                    int tail = out.remaining();
                    while (out.hasRemaining()) {
                        sw.write(out);
                    }
                    sent.update(frame, start, tail);
                    written += tail;
                }
                sw.shutdownOutput();
                long[] result = reader.get(60, java.util.concurrent.TimeUnit.SECONDS);
                long count = result[0];
                long receivedCrc = result[1];
                assertEquals(written, count, "every byte relayed once the controller reads again");
                assertEquals(sent.getValue(), receivedCrc, "in order, unchanged");
            }
        }
    }
}
