package org.ovshighway.guest.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sysfs-shaped temp tree stands in for /sys (no ivshmem device on this machine). */
class IvshmemScannerFakeSysfsTest {
    @TempDir
    Path root;

    static Path device(Path root, String address, String vendor, String device) throws IOException {
        Path dir = Files.createDirectories(root.resolve("bus/pci/devices").resolve(address));
        Files.writeString(dir.resolve("vendor"), vendor + "\n");
        Files.writeString(dir.resolve("device"), device + "\n");
        return dir;
    }

    @Test
    void findsOnlyIvshmemDevicesWithABar2() throws IOException {
        Path region = Files.write(root.resolve("region"), new byte[4096]);
        Files.createSymbolicLink(device(root, "0000:00:05.0", "0x1af4", "0x1110").resolve("resource2"), region);
        Files.createSymbolicLink(device(root, "0000:00:04.0", "0x1af4", "0x1110").resolve("resource2"), region);
        Files.writeString(device(root, "0000:00:03.0", "0x8086", "0x100e").resolve("resource2"), "");
        Files.writeString(device(root, "0000:00:06.0", "0x1af4", "0x1000").resolve("resource2"), "");
        device(root, "0000:00:07.0", "0x1af4", "0x1110");
        device(root, "0000:00:08.0", "garbage", "0x1110");

        List<IvshmemDevice> found = new IvshmemScanner(root).scan();

        assertEquals(List.of("0000:00:04.0", "0000:00:05.0"), found.stream().map(IvshmemDevice::address).toList());
        assertTrue(Files.isSameFile(region, found.get(0).resource2()));
    }

    @Test
    void missingPciDirectoryMeansNoDevices() throws IOException {
        assertEquals(List.of(), new IvshmemScanner(root.resolve("nothing")).scan());
    }
}
