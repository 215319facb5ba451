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
import org.ovshighway.proxy.BundleMessage;

/** Bundle bookkeeping on hand-built OpenFlow 1.4 frames. */
class OpenBundlesTest {
    private static final int OF14 = 5;
    private static final int OF13 = 4;

    private static final int BUNDLE_CONTROL = 33;
    private static final int BUNDLE_ADD = 34;

    private static ByteBuf control(int version, long bundleId, int type) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(version).writeByte(BUNDLE_CONTROL).writeShort(16).writeInt(7);
        b.writeInt((int) bundleId).writeShort(type).writeShort(0);
        return b;
    }

    /** A BUNDLE_ADD carrying a 16-byte FLOW_MOD-typed message with xid {@code innerXid}. */
    private static ByteBuf add(long bundleId, long innerXid) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(OF14).writeByte(BUNDLE_ADD).writeShort(32).writeInt(8);
        b.writeInt((int) bundleId).writeShort(0).writeShort(0);
        b.writeByte(OF14).writeByte(14).writeShort(16).writeInt((int) innerXid).writeLong(innerXid * 3);
        return b;
    }

    /** The same in OpenFlow 1.3's ONF extension: EXPERIMENTER 0x4F4E4600, exp_type 2300 control / 2301 add. */
    private static ByteBuf onfControl(long bundleId, int type) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(OF13).writeByte(4).writeShort(24).writeInt(9).writeInt(0x4F4E4600).writeInt(2300);
        b.writeInt((int) bundleId).writeShort(type).writeShort(0);
        return b;
    }

    private static ByteBuf onfAdd(long bundleId, long innerXid) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(OF13).writeByte(4).writeShort(40).writeInt(10).writeInt(0x4F4E4600).writeInt(2301);
        b.writeInt((int) bundleId).writeShort(0).writeShort(0);
        b.writeByte(OF13).writeByte(14).writeShort(16).writeInt((int) innerXid).writeLong(innerXid * 3);
        return b;
    }

    private static BundleMessage read(ByteBuf frame) {
        return BundleMessage.of(frame).orElseThrow();
    }

    private static void seen(OpenBundles bundles, String connection, ByteBuf frame) {
        bundles.seen(connection, frame, read(frame));
    }

    private static Optional<List<ByteBuf>> commit(OpenBundles bundles, String connection, ByteBuf frame) {
        return bundles.committed(connection, read(frame));
    }

    private static long innerXid(ByteBuf inner) {
        return inner.getUnsignedInt(inner.readerIndex() + 4);
    }

    @Test
    void aCommitGetsItsBundlesMessagesInOrder() {
        OpenBundles bundles = new OpenBundles();
        seen(bundles, "c1", control(OF14, 9, BundleMessage.OPEN_REQUEST));
        seen(bundles, "c1", add(9, 101));
        seen(bundles, "c1", add(9, 102));
        seen(bundles, "c1", add(5, 201));   // another bundle of the connection, opened implicitly
        seen(bundles, "c2", add(9, 301));   // the same id on another connection
        Optional<List<ByteBuf>> committed = commit(bundles, "c1", control(OF14, 9, BundleMessage.COMMIT_REQUEST));
        assertTrue(committed.isPresent());
        assertEquals(List.of(101L, 102L), committed.get().stream().map(OpenBundlesTest::innerXid).toList());
        ByteBuf first = committed.get().get(0);
        assertArrayEquals(ByteBufUtil.getBytes(add(9, 101), 16, 16), ByteBufUtil.getBytes(first), "the added message, byte for byte");
        committed.get().forEach(ByteBuf::release);
        assertEquals(Optional.empty(), commit(bundles, "c1", control(OF14, 9, BundleMessage.COMMIT_REQUEST)),
                "a bundle is committed once");
        assertEquals(List.of(201L), commit(bundles, "c1", control(OF14, 5, BundleMessage.COMMIT_REQUEST))
                .orElseThrow().stream().map(OpenBundlesTest::innerXid).toList());
        assertEquals(List.of(301L), commit(bundles, "c2", control(OF14, 9, BundleMessage.COMMIT_REQUEST))
                .orElseThrow().stream().map(OpenBundlesTest::innerXid).toList());
    }

    @Test
    void discardedUnknownAndClosedBundlesCommitNothingKnown() {
        OpenBundles bundles = new OpenBundles();
        seen(bundles, "c1", add(1, 11));
        seen(bundles, "c1", control(OF14, 1, BundleMessage.DISCARD_REQUEST));
        assertEquals(Optional.empty(), commit(bundles, "c1", control(OF14, 1, BundleMessage.COMMIT_REQUEST)));
        assertEquals(Optional.empty(), commit(bundles, "c1", control(OF14, 2, BundleMessage.COMMIT_REQUEST)),
                "never seen: judged as a change of everything");
        seen(bundles, "c1", add(3, 31));
        bundles.closed("c1");
        assertEquals(Optional.empty(), commit(bundles, "c1", control(OF14, 3, BundleMessage.COMMIT_REQUEST)),
                "a bundle of a closed connection is gone");
        seen(bundles, "c1", add(4, 41));
        seen(bundles, "c1", control(OF14, 4, BundleMessage.OPEN_REQUEST));
        assertEquals(List.of(41L), commit(bundles, "c1", control(OF14, 4, BundleMessage.COMMIT_REQUEST)).orElseThrow()
                .stream().map(OpenBundlesTest::innerXid).toList(),
                "an open of a bundle that exists keeps its messages (more judged than applied, never fewer)");
    }

    @Test
    void aBundleTooLargeToCopyIsJudgedAsEverything() {
        OpenBundles bundles = new OpenBundles();
        for (int i = 0; i <= OpenBundles.MAX_MESSAGES; i++) {
            seen(bundles, "c1", add(1, i));
        }
        assertEquals(Optional.empty(), commit(bundles, "c1", control(OF14, 1, BundleMessage.COMMIT_REQUEST)));
    }

    @Test
    void openFlow13OnfBundlesAreKeptTheSameWay() {
        OpenBundles bundles = new OpenBundles();
        seen(bundles, "c1", onfControl(3, BundleMessage.OPEN_REQUEST));
        seen(bundles, "c1", onfAdd(3, 31));
        seen(bundles, "c1", onfAdd(3, 32));
        BundleMessage commit = read(onfControl(3, BundleMessage.COMMIT_REQUEST));
        assertTrue(commit.isControl(BundleMessage.COMMIT_REQUEST));
        List<ByteBuf> committed = bundles.committed("c1", commit).orElseThrow();
        assertEquals(List.of(31L, 32L), committed.stream().map(OpenBundlesTest::innerXid).toList());
        assertArrayEquals(ByteBufUtil.getBytes(onfAdd(3, 31), 24, 16), ByteBufUtil.getBytes(committed.get(0)));
    }

    @Test
    void onlyBundleMessagesAreRead() {
        assertTrue(BundleMessage.of(control(OF14, 1, BundleMessage.OPEN_REQUEST)).isPresent());
        assertTrue(read(add(1, 1)).add());
        assertFalse(BundleMessage.of(control(OF13, 1, BundleMessage.OPEN_REQUEST)).isPresent(), "type 33 of OpenFlow 1.3");
        assertEquals(BundleMessage.COMMIT_REQUEST, read(control(OF14, 1, BundleMessage.COMMIT_REQUEST)).controlType());
        assertEquals(16, read(add(1, 1)).messageOffset());
        assertEquals(24, read(onfAdd(1, 1)).messageOffset());
        ByteBuf otherExperimenter = onfControl(1, 0);
        otherExperimenter.setInt(8, 0x00002320);
        assertFalse(BundleMessage.of(otherExperimenter).isPresent(), "a Nicira message");
        assertFalse(BundleMessage.of(Unpooled.wrappedBuffer(new byte[] {5, 33, 0, 12, 0, 0, 0, 1, 0, 0, 0, 1})).isPresent(),
                "shorter than a control's fixed part");
    }
}
