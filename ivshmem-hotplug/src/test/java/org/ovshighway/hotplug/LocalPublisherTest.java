package org.ovshighway.hotplug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ovshighway.guest.DeviceSource;
import org.ovshighway.guest.GuestPort;
import org.ovshighway.guest.abi.RegionIdentity;
import org.ovshighway.guest.abi.RegionInitializer;
import org.ovshighway.guest.abi.RegionLayout;
import org.ovshighway.guest.mapping.IvshmemDevice;
import org.ovshighway.guest.mapping.IvshmemScanner;
import org.ovshighway.guest.mapping.MappedRegion;

/** The publisher's tree read back by the guest library's own scanner and port opener. */
class LocalPublisherTest {
    @TempDir
    Path dir;

    private Path region(String file, String port, String guest) throws IOException {
        Path path = dir.resolve(file);
        RegionLayout layout = RegionLayout.port(2);
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
            raf.setLength(layout.regionSize());
        }
        try (MappedRegion mapping = MappedRegion.map(path)) {
            RegionInitializer.initialize(mapping.segment(), layout, RegionIdentity.port(1, port, guest));
        }
        return path;
    }

    private static List<Path> tree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.sorted().toList();
        }
    }

    @Test
    void guestScannerFindsPublishedRegionsAndUnpublishLeavesTheRootAsItWas() throws Exception {
        Path root = Files.createDirectory(dir.resolve("guest-root"));
        List<Path> before = tree(root);
        LocalPublisher publisher = new LocalPublisher(root);
        LocalPublication a = publisher.publish(region("port-a", "ring-a", "g1"));
        LocalPublication b = publisher.publish(region("port-b", "ring-b", "g1"));
        assertNotEquals(a.address(), b.address());
        assertEquals("0000:00:00.0", a.address());
        assertEquals("0x1af4\n", Files.readString(a.deviceDirectory().resolve("vendor")));
        assertEquals("0x1110\n", Files.readString(a.deviceDirectory().resolve("device")));
        assertEquals(dir.resolve("port-a"), Files.readSymbolicLink(a.resource2()));

        List<IvshmemDevice> devices = new IvshmemScanner(root).scan();
        assertEquals(List.of(a.address(), b.address()), devices.stream().map(IvshmemDevice::address).toList());
        try (GuestPort port = GuestPort.open(DeviceSource.sysfs(root), "ring-b")) {
            assertEquals("ring-b", port.identity().name0());
            assertEquals("g1", port.identity().name1());
        }

        publisher.unpublish(a);
        assertFalse(Files.exists(a.deviceDirectory()));
        assertEquals(1, new IvshmemScanner(root).scan().size());
        // the freed slot is reused
        LocalPublication c = publisher.publish(dir.resolve("port-a"));
        assertEquals(a.address(), c.address());
        publisher.unpublish(c);
        publisher.unpublish(b);
        assertEquals(before, tree(root));
        assertTrue(Files.exists(dir.resolve("port-a")), "the region file itself is not the publisher's");
    }

    @Test
    void aStagedSlotIsWhatTheNextPublicationUsesAndGoesWithTheLastOne() throws Exception {
        Path root = Files.createDirectory(dir.resolve("guest-root"));
        LocalPublisher publisher = new LocalPublisher(root);
        publisher.stage();
        assertFalse(Files.exists(publisher.devicesDirectory()), "nothing published: nothing staged");

        LocalPublication port = publisher.publish(region("port-a", "ring-a", "g1"));
        publisher.stage();
        publisher.stage();
        Path staged = publisher.devicesDirectory().resolve("0000:00:01.0");
        assertEquals(List.of(staged.resolve("device"), staged.resolve("vendor")), tree(staged).subList(1, 3));
        assertEquals(3, tree(staged).size(), "vendor and device, no resource2");
        assertEquals(1, new IvshmemScanner(root).scan().size(), "the guest's scanner passes over a staged slot");

        LocalPublication link = publisher.publish(region("link", "ring-b", "g1"));
        assertEquals(staged, link.deviceDirectory(), "the staged slot");
        assertEquals(dir.resolve("link"), Files.readSymbolicLink(link.resource2()));
        try (GuestPort opened = GuestPort.open(DeviceSource.sysfs(root), "ring-b")) {
            assertEquals("ring-b", opened.identity().name0());
        }

        // staged again, then removed from outside: the next publication makes its own slot
        publisher.stage();
        Path second = publisher.devicesDirectory().resolve("0000:00:02.0");
        Files.delete(second.resolve("vendor"));
        Files.delete(second.resolve("device"));
        Files.delete(second);
        LocalPublication again = publisher.publish(dir.resolve("link"));
        assertEquals("0000:00:02.0", again.address());
        publisher.unpublish(again);

        publisher.stage();
        publisher.unpublish(link);
        publisher.unpublish(port);
        assertEquals(List.of(root), tree(root), "the staged slot went with the last publication");
    }

    @Test
    void aSlotAnEarlierAgentStagedIsRemovedNotLeft() throws Exception {
        Path root = Files.createDirectory(dir.resolve("guest-root"));
        Path file = region("port-a", "ring-a", "g1");
        LocalPublisher lost = new LocalPublisher(root);
        lost.publish(file);
        lost.stage();
        Path left = lost.devicesDirectory().resolve("0000:00:01.0");
        assertTrue(Files.isDirectory(left));
        Path foreign = Files.createDirectory(lost.devicesDirectory().resolve("0000:00:05.0"));
        Files.writeString(foreign.resolve("vendor"), "0x8086\n");

        LocalPublisher restarted = new LocalPublisher(root);
        LocalPublication adopted = restarted.adopt(file);
        assertFalse(Files.exists(left), "the lost agent's staged slot is gone");
        assertTrue(Files.exists(foreign.resolve("vendor")), "a directory that is not a staged slot stays");
        Files.delete(foreign.resolve("vendor"));
        Files.delete(foreign);
        restarted.unpublish(adopted);
        assertEquals(List.of(root), tree(root));
    }

    @Test
    void aRestartedPublisherAdoptsWhatTheLostOneLeftAndCleansItUp() throws Exception {
        Path root = Files.createDirectory(dir.resolve("guest-root"));
        Path fileA = region("port-a", "ring-a", "g1");
        Path fileB = region("port-b", "ring-b", "g1");
        LocalPublication left = new LocalPublisher(root).publish(fileA);
        // the agent that made it is gone; the guest keeps its device
        LocalPublisher restarted = new LocalPublisher(root);
        LocalPublication adopted = restarted.adopt(fileA);
        assertEquals(left.deviceDirectory(), adopted.deviceDirectory(), "same device, not a second one");
        assertEquals(1, new IvshmemScanner(root).scan().size());
        LocalPublication fresh = restarted.adopt(fileB);
        assertNotEquals(adopted.address(), fresh.address(), "nothing to adopt: published anew");
        assertEquals(2, new IvshmemScanner(root).scan().size());
        restarted.unpublish(adopted);
        restarted.unpublish(fresh);
        assertEquals(List.of(root), tree(root), "the adopted publication and its directories are gone");
    }

    @Test
    void directoriesThatExistedBeforeAreKept() throws Exception {
        Path root = Files.createDirectory(dir.resolve("sysfs-like"));
        Files.createDirectories(root.resolve("bus/pci/devices"));
        LocalPublisher publisher = new LocalPublisher(root);
        publisher.unpublish(publisher.publish(region("port-a", "ring-a", "g1")));
        assertTrue(Files.isDirectory(root.resolve("bus/pci/devices")));
        assertEquals(List.of(), new IvshmemScanner(root).scan());
    }

    @Test
    void errorsNameThePath() throws Exception {
        Path missingRoot = dir.resolve("no-such-root");
        IOException e = assertThrows(IOException.class,
                () -> new LocalPublisher(missingRoot).publish(region("port-a", "ring-a", "g1")));
        assertTrue(e.getMessage().contains(missingRoot.toString()), e.getMessage());

        Path root = Files.createDirectory(dir.resolve("root"));
        Path missingFile = dir.resolve("no-such-region");
        e = assertThrows(IOException.class, () -> new LocalPublisher(root).publish(missingFile));
        assertTrue(e.getMessage().contains(missingFile.toString()), e.getMessage());
        assertEquals(List.of(root), tree(root), "a refused publication leaves nothing behind");
    }
}
