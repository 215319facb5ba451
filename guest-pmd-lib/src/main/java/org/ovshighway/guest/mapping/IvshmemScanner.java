package org.ovshighway.guest.mapping;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds ivshmem-plain devices (PCI vendor 0x1af4, device 0x1110) under
 * {@code <root>/bus/pci/devices/*}. The root is {@code /sys} in a VM; a process guest points it
 * at a directory of the same shape (with {@code resource2} a symlink to the region file), so both
 * run this very code.
 */
public final class IvshmemScanner {
    /** Red Hat / virtio vendor id. */
    public static final int VENDOR_ID = 0x1af4;
    /** ivshmem device id. */
    public static final int DEVICE_ID = 0x1110;
    /** Default sysfs root. */
    public static final Path DEFAULT_ROOT = Path.of("/sys");

    private final Path root;

    public IvshmemScanner(Path root) {
        this.root = root;
    }

    /** The sysfs root scanned. */
    public Path root() {
        return root;
    }

    /**
     * The ivshmem devices present now, sorted by PCI address; empty when the devices directory
     * does not exist. Device directories without a readable vendor/device/resource2 are skipped.
     */
    public List<IvshmemDevice> scan() throws IOException {
        Path devices = root.resolve("bus/pci/devices");
        List<IvshmemDevice> found = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(devices)) {
            for (Path device : stream) {
                if (readId(device.resolve("vendor")) == VENDOR_ID && readId(device.resolve("device")) == DEVICE_ID) {
                    Path resource2 = device.resolve("resource2");
                    if (Files.exists(resource2)) {
                        found.add(new IvshmemDevice(device.getFileName().toString(), resource2));
                    }
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        found.sort((a, b) -> a.address().compareTo(b.address()));
        return found;
    }

    /** The id in a sysfs id file ("0x1af4\n"), or -1 if absent or not an id. */
    private static int readId(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (text.startsWith("0x") || text.startsWith("0X")) {
                text = text.substring(2);
            }
            return Integer.parseInt(text, 16);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
