package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Bundle bookkeeping on hand-built OpenFlow 1.4 frames. */
class OpenBundlesTest {
    private static final int OF14 = 5;
    private static final int OF13 = 4;

    private static ByteBuf control(int version, long bundleId, int type) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(version).writeByte(OpenBundles.BUNDLE_CONTROL).writeShort(16).writeInt(7);
        b.writeInt((int) bundleId).writeShort(type).writeShort(0);
        return b;
    }

    /** A BUNDLE_ADD carrying an 8-byte header of type {@code innerType} with xid {@code innerXid} plus 8 bytes. */
    private static ByteBuf add(long bundleId, long innerXid) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(OF14).writeByte(OpenBundles.BUNDLE_ADD).writeShort(32).writeInt(8);
        b.writeInt((int) bundleId).writeShort(0).writeShort(0);
        b.writeByte(OF14).writeByte(14).writeShort(16).writeInt((int) innerXid).writeLong(innerXid * 3);
        return b;
    }

    private static long innerXid(ByteBuf inner) {
        return inner.getUnsignedInt(inner.readerIndex() + 4);
    }

    @Test
    void aCommitGetsItsBundlesMessagesInOrder() {
        OpenBundles bundles = new OpenBundles();
        bundles.seen("c1", control(OF14, 9, OpenBundles.OPEN_REQUEST));
        bundles.seen("c1", add(9, 101));
        bundles.seen("c1", add(9, 102));
        bundles.seen("c1", add(5, 201));   // another bundle of the connection, opened implicitly
        bundles.seen("c2", add(9, 301));   // the same id on another connection
        Optional<List<ByteBuf>> committed = bundles.committed("c1", control(OF14, 9, OpenBundles.COMMIT_REQUEST));
        assertTrue(committed.isPresent());
        assertEquals(List.of(101L, 102L), committed.get().stream().map(OpenBundlesTest::innerXid).toList());
        ByteBuf first = committed.get().get(0);
        assertArrayEquals(ByteBufUtil.getBytes(add(9, 101), 16, 16), ByteBufUtil.getBytes(first), "the added message, byte for byte");
        committed.get().forEach(ByteBuf::release);
        assertEquals(Optional.empty(), bundles.committed("c1", control(OF14, 9, OpenBundles.COMMIT_REQUEST)),
                "a bundle is committed once");
        assertEquals(List.of(201L), bundles.committed("c1", control(OF14, 5, OpenBundles.COMMIT_REQUEST))
                .orElseThrow().stream().map(OpenBundlesTest::innerXid).toList());
        assertEquals(List.of(301L), bundles.committed("c2", control(OF14, 9, OpenBundles.COMMIT_REQUEST))
                .orElseThrow().stream().map(OpenBundlesTest::innerXid).toList());
    }

    @Test
    void discardedUnknownAndClosedBundlesCommitNothingKnown() {
        OpenBundles bundles = new OpenBundles();
        bundles.seen("c1", add(1, 11));
        bundles.seen("c1", control(OF14, 1, OpenBundles.DISCARD_REQUEST));
        assertEquals(Optional.empty(), bundles.committed("c1", control(OF14, 1, OpenBundles.COMMIT_REQUEST)));
        assertEquals(Optional.empty(), bundles.committed("c1", control(OF14, 2, OpenBundles.COMMIT_REQUEST)),
                "never seen: judged as a change of everything");
        bundles.seen("c1", add(3, 31));
        assertEquals(1, bundles.openCount("c1"));
        bundles.closed("c1");
        assertEquals(0, bundles.openCount("c1"));
        assertEquals(Optional.empty(), bundles.committed("c1", control(OF14, 3, OpenBundles.COMMIT_REQUEST)));
        bundles.seen("c1", add(4, 41));
        bundles.seen("c1", control(OF14, 4, OpenBundles.OPEN_REQUEST));
        assertEquals(List.of(41L), bundles.committed("c1", control(OF14, 4, OpenBundles.COMMIT_REQUEST)).orElseThrow()
                .stream().map(OpenBundlesTest::innerXid).toList(),
                "an open of a bundle that exists keeps its messages (more judged than applied, never fewer)");
    }

    @Test
    void aBundleTooLargeToCopyIsJudgedAsEverything() {
        OpenBundles bundles = new OpenBundles();
        for (int i = 0; i <= OpenBundles.MAX_MESSAGES; i++) {
            bundles.seen("c1", add(1, i));
        }
        assertEquals(Optional.empty(), bundles.committed("c1", control(OF14, 1, OpenBundles.COMMIT_REQUEST)));
    }

    @Test
    void onlyOpenFlow14BundleMessagesAreBundleMessages() {
        assertTrue(OpenBundles.isBundleMessage(control(OF14, 1, OpenBundles.OPEN_REQUEST)));
        assertTrue(OpenBundles.isBundleMessage(add(1, 1)));
        assertFalse(OpenBundles.isBundleMessage(control(OF13, 1, OpenBundles.OPEN_REQUEST)), "type 33 of OpenFlow 1.3");
        assertEquals(OpenBundles.COMMIT_REQUEST, OpenBundles.controlType(control(OF14, 1, OpenBundles.COMMIT_REQUEST)));
        assertEquals(-1, OpenBundles.controlType(add(1, 1)));
        assertEquals(-1, OpenBundles.controlType(control(OF13, 1, OpenBundles.COMMIT_REQUEST)));
        assertFalse(OpenBundles.isBundleMessage(Unpooled.wrappedBuffer(new byte[] {5, 33})), "shorter than a header");
    }
}
