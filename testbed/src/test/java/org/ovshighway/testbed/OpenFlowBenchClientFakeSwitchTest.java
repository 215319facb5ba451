package org.ovshighway.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The non-blocking barrier watch of {@link OpenFlowBenchClient} against a fake switch on a unix
 * socket (the tests with OVS-DPDK run the real one, too slowly for these cases): replies that
 * arrive in pieces, an ECHO in between, an ERROR for the rule.
 */
class OpenFlowBenchClientFakeSwitchTest {

    private static ByteBuffer frame(int type, int xid, int length) {
        ByteBuffer b = ByteBuffer.allocate(length);
        b.put(OpenFlowBenchClient.OF13).put((byte) type).putShort((short) length).putInt(xid);
        b.position(length).flip();
        return b;
    }

    private static void write(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** Reads one frame from the client; returns {type, xid}. */
    private static int[] read(SocketChannel ch) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(8);
        while (head.hasRemaining()) {
            ch.read(head);
        }
        int length = head.getShort(2) & 0xFFFF;
        ByteBuffer rest = ByteBuffer.allocate(length - 8);
        while (rest.hasRemaining()) {
            ch.read(rest);
        }
        return new int[] {head.get(1) & 0xFF, head.getInt(4)};
    }

    private static boolean pollUntil(OpenFlowBenchClient client, OpenFlowBenchClient.PendingRuleChange change)
            throws IOException, InterruptedException {
        for (int i = 0; i < 2000; i++) {
            if (client.barrierArrived(change)) {
                return true;
            }
            Thread.sleep(1);
        }
        return false;
    }

    @Test
    void theBarrierReplyIsSeenWithoutBlockingEvenWhenItArrivesInPieces() throws Exception {
        Path dir = Files.createTempDirectory("of-fake");
        Path socket = dir.resolve("switch.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            CompletableFuture<OpenFlowBenchClient> connecting = CompletableFuture.supplyAsync(() -> {
                try {
                    return OpenFlowBenchClient.connect(UnixDomainSocketAddress.of(socket));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (SocketChannel sw = server.accept()) {
                assertEquals(0, read(sw)[0], "HELLO");
                write(sw, frame(0, 0, 8));
                try (OpenFlowBenchClient client = connecting.get()) {
                    var change = client.sendPortRule(OpenFlowBenchClient.OFPFC_DELETE_STRICT, 40000, 1, 0x0806);
                    assertEquals(14, read(sw)[0], "FLOW_MOD");
                    int barrierXid = read(sw)[1];
                    assertFalse(client.barrierArrived(change), "no reply yet: it must return, not wait");
                    // an ECHO request, then the barrier reply split in two writes
                    write(sw, frame(2, 77, 8));
                    ByteBuffer reply = frame(21, barrierXid, 8);
                    write(sw, reply.slice(0, 3));
                    assertFalse(pollUntilFalseOnce(client, change), "half a reply is no reply");
                    write(sw, reply.slice(3, 5));
                    assertTrue(pollUntil(client, change));
                    assertTrue(change.barrierNanos >= change.sentNanos);
                    assertEquals(new int[] {3, 77}[0], read(sw)[0], "the ECHO was answered");
                    assertEquals(change.barrierNanos, client.awaitBarrier(change).barrierNanos(), "already seen");

                    var refused = client.sendPortRule(OpenFlowBenchClient.OFPFC_DELETE_STRICT, 40000, 1, 0x0806);
                    read(sw);
                    int xid = read(sw)[1];
                    write(sw, frame(1, 0, 12));
                    write(sw, frame(21, xid, 8));
                    IOException e = assertThrows(IOException.class, () -> pollUntil(client, refused));
                    assertTrue(e.getMessage().contains("refused a rule: command=4 priority=40000"), e.getMessage());
                }
            }
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
    }

    /** One poll (after giving the partial write time to arrive). */
    private static boolean pollUntilFalseOnce(OpenFlowBenchClient client, OpenFlowBenchClient.PendingRuleChange change)
            throws IOException, InterruptedException {
        Thread.sleep(20);
        return client.barrierArrived(change);
    }
}
