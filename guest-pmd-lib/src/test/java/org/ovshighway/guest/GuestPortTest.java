package org.ovshighway.guest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ovshighway.guest.abi.RegionIdentity;
import org.ovshighway.guest.abi.RegionKind;
import org.ovshighway.guest.abi.RegionLayout;

class GuestPortTest {
    private final RegionFiles files;

    GuestPortTest() throws IOException {
        files = new RegionFiles();
    }

    @AfterEach
    void cleanUp() throws IOException {
        files.close();
    }

    @Test
    void twoEndsOfALinkFoundInADirectoryExchangePacketsBothWays() throws IOException {
        files.create("link-7", RegionLayout.link(true), RegionIdentity.link(7, 1, "vm1-eth0", "vm2-eth0"));
        Files.write(files.dir.resolve("not-a-region"), new byte[8192]);
        try (GuestPort a = GuestPort.open(DeviceSource.files(files.dir), "vm1-eth0");
             GuestPort b = GuestPort.open(DeviceSource.files(files.dir), "vm2-eth0")) {
            assertEquals(0, a.end());
            assertEquals(1, b.end());
            assertEquals(RegionKind.LINK, a.identity().kind());
            byte[][] frames = {"hello".getBytes(), "world!".getBytes()};
            assertEquals(2, a.txBurst(frames, 2));
            PacketBurst burst = new PacketBurst();
            assertEquals(2, b.rxBurst(burst));
            byte[] got = new byte[burst.length(1)];
            burst.packet(1).copyTo(got, 0);
            assertArrayEquals("world!".getBytes(), got);
            assertEquals('h', burst.packet(0).getByte(0));
            // forward what b received back to a (copying TX from RX views)
            assertEquals(2, b.txBurst(burst));
            PacketBurst back = new PacketBurst(8);
            assertEquals(2, a.rxBurst(back));
            assertEquals(5, back.length(0));
            assertEquals(0, a.rxBurst(back));
            PortStats stats = a.stats();
            assertEquals(new PortStats(2, 11, 0, 0, 2, 11, 0, 0, 0, 0, 0), stats);
        }
    }

    @Test
    void reservedBuffersAreWrittenInPlaceAndCommitted() throws IOException {
        files.create("link", RegionLayout.link(true), RegionIdentity.link(1, 1, "p0", "p1"));
        try (GuestPort a = GuestPort.open(DeviceSource.files(files.dir), "p0");
             GuestPort b = GuestPort.open(DeviceSource.files(files.dir), "p1")) {
            PacketBurst tx = new PacketBurst(4);
            assertEquals(4, a.txReserve(tx, 10));
            assertEquals(2048, tx.packet(0).capacity());
            for (int k = 0; k < 3; k++) {
                tx.packet(k).putLong(0, 1000 + k);
                tx.packet(k).setLength(60);
            }
            assertEquals(3, a.txCommit(tx, 3));
            assertThrows(IllegalStateException.class, () -> a.txCommit(tx));
            PacketBurst rx = new PacketBurst();
            assertEquals(3, b.rxBurst(rx));
            assertEquals(1002, rx.packet(2).getLong(0));
            assertEquals(60, rx.packet(2).length());
            assertThrows(IndexOutOfBoundsException.class, () -> rx.packet(2).getLong(56));
            assertThrows(IllegalStateException.class, () -> rx.packet(0).putByte(0, (byte) 1));
            assertThrows(IndexOutOfBoundsException.class, () -> rx.packet(3));
        }
    }

    @Test
    void indexedAccessorsAndViewsReachTheSameBytesWithTheSameChecks() throws IOException {
        files.create("link", RegionLayout.link(true), RegionIdentity.link(1, 1, "p0", "p1"));
        try (GuestPort a = GuestPort.open(DeviceSource.files(files.dir), "p0");
             GuestPort b = GuestPort.open(DeviceSource.files(files.dir), "p1")) {
            PacketBurst tx = new PacketBurst(4);
            assertEquals(2, a.txReserve(tx, 2));
            byte[] head = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
            tx.copyFrom(0, head, 0, head.length);
            tx.putShort(0, 12, (short) 0x88B5);
            tx.setLength(0, 64);
            tx.packet(1).copyFrom(MemorySegment.ofArray(head), 4, 8);
            tx.putInt(1, 8, 0xCAFEBABE);
            tx.setLength(1, 12);
            assertEquals(2048, tx.capacity(1));
            assertThrows(IndexOutOfBoundsException.class, () -> tx.putLong(1, 2044, 1L));
            assertThrows(IndexOutOfBoundsException.class, () -> tx.setLength(0, 2049));
            assertThrows(IndexOutOfBoundsException.class, () -> tx.putByte(2, 0, (byte) 1));
            PacketView stale = tx.packet(1);
            assertEquals(2, a.txCommit(tx));
            // a view of a committed reservation no longer reaches the buffer the receiver owns now
            assertThrows(IndexOutOfBoundsException.class, () -> stale.putByte(0, (byte) 1));

            PacketBurst rx = new PacketBurst();
            assertEquals(2, b.rxBurst(rx));
            assertEquals(64, rx.length(0));
            assertEquals(rx.packet(0).getLong(0), rx.getLong(0, 0));
            assertEquals(0x0102030405060708L, rx.getLong(0, 0));
            assertEquals((short) 0x88B5, rx.getShort(0, 12));
            assertEquals(12, rx.packet(1).length());
            assertEquals(0x05060708, rx.getInt(1, 0));
            assertEquals(0xCAFEBABE, rx.packet(1).getInt(8));
            assertEquals(12, rx.capacity(1));
            byte[] copy = new byte[12];
            rx.copyTo(1, copy, 0);
            assertArrayEquals(new byte[] {5, 6, 7, 8, 9, 10, 11, 12, (byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE},
                    copy);
            assertEquals(12, rx.asSegment(1).byteSize());
            assertThrows(IndexOutOfBoundsException.class, () -> rx.getInt(1, 9));
            assertThrows(IndexOutOfBoundsException.class, () -> rx.getByte(1, -1));
            assertThrows(IndexOutOfBoundsException.class, () -> rx.getByte(2, 0));
            assertThrows(IllegalStateException.class, () -> rx.putLong(0, 0, 1L));
            assertThrows(IllegalStateException.class, () -> rx.setLength(0, 10));
            assertThrows(IllegalStateException.class, () -> rx.copyFrom(0, head, 0, 4));
        }
    }

    @Test
    void oneWayLinkGivesTheReceivingEndNoTransmitRing() throws IOException {
        files.create("oneway", RegionLayout.link(false), RegionIdentity.link(3, 1, "src", "dst"));
        try (GuestPort dst = GuestPort.open(DeviceSource.files(files.dir), "dst")) {
            assertFalse(dst.canTransmit());
            assertTrue(dst.canReceive());
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> dst.txBurst(new byte[][] {{1}}, 1));
            assertTrue(e.getMessage().contains("port=dst"), e.getMessage());
        }
    }

    @Test
    void linkRegionFoundThroughAFakeSysfsTreeAsAVmWouldSeeIt(@org.junit.jupiter.api.io.TempDir Path sysfs)
            throws IOException {
        Path region = files.create("shm-link", RegionLayout.link(true), RegionIdentity.link(9, 4, "left", "right"));
        Path dev = Files.createDirectories(sysfs.resolve("bus/pci/devices/0000:00:04.0"));
        Files.writeString(dev.resolve("vendor"), "0x1af4\n");
        Files.writeString(dev.resolve("device"), "0x1110\n");
        Files.createSymbolicLink(dev.resolve("resource2"), region);
        try (GuestPort right = GuestPort.open(DeviceSource.sysfs(sysfs), "right");
             GuestPort left = GuestPort.open(DeviceSource.files(files.dir), "left")) {
            assertEquals(9, right.identity().linkId());
            assertEquals(4, right.identity().generation());
            assertEquals(1, left.txBurst(new byte[][] {new byte[64]}, 1));
            assertEquals(1, right.rxBurst(new PacketBurst()));
        }
    }

    @Test
    void unknownPortListsEveryCandidateAndWhy() throws IOException {
        files.create("a", RegionLayout.link(true), RegionIdentity.link(1, 1, "x", "y"));
        Path broken = files.create("b", RegionLayout.link(true), RegionIdentity.link(2, 1, "z", "w"));
        byte[] content = Files.readAllBytes(broken);
        content[8] = 9;
        Files.write(broken, content);
        PortNotFoundException e = assertThrows(PortNotFoundException.class,
                () -> GuestPort.open(DeviceSource.files(files.dir), "nobody"));
        assertTrue(e.getMessage().contains("port=nobody"), e.getMessage());
        assertTrue(e.getMessage().contains("name0=x name1=y"), e.getMessage());
        assertTrue(e.getMessage().contains("field=versionMajor"), e.getMessage());
    }

    @Test
    void newestLinkGenerationWins() throws IOException {
        files.create("old", RegionLayout.link(true), RegionIdentity.link(1, 1, "m", "n"));
        files.create("new", RegionLayout.link(true), RegionIdentity.link(1, 2, "m", "n"));
        try (GuestPort m = GuestPort.open(DeviceSource.files(files.dir), "m")) {
            assertEquals(2, m.identity().generation());
            assertTrue(m.path().endsWith("new"));
        }
    }

    @Test
    void framesLargerThanABufferAreRefusedWithDetail() throws IOException {
        files.create("l", RegionLayout.link(true), RegionIdentity.link(1, 1, "s", "t"));
        try (GuestPort s = GuestPort.open(DeviceSource.files(files.dir), "s"); Arena arena = Arena.ofConfined()) {
            MemorySegment big = arena.allocate(4096);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> s.txBurst(new MemorySegment[] {big}, 1));
            assertTrue(e.getMessage().contains("length=4096"), e.getMessage());
            assertEquals(0, s.stats().txPackets());
        }
    }
}
