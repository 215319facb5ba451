package org.ovshighway.guest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ovshighway.guest.abi.PciAddress;
import org.ovshighway.guest.abi.RegionHeaderDescriptor;
import org.ovshighway.guest.mapping.IvshmemDevice;
import org.ovshighway.guest.mapping.IvshmemScanner;

/**
 * Where a guest looks for regions: ivshmem devices in sysfs (a VM, or a process guest given a
 * sysfs-shaped directory), or region files in a directory.
 */
public sealed interface DeviceSource permits DeviceSource.Sysfs, DeviceSource.Directory {

    /** ivshmem devices under {@code /sys}. */
    static DeviceSource sysfs() {
        return new Sysfs(IvshmemScanner.DEFAULT_ROOT);
    }

    /** ivshmem devices under {@code root}/bus/pci/devices (a VM: {@code /sys}). */
    static DeviceSource sysfs(Path root) {
        return new Sysfs(root);
    }

    /**
     * Region files directly in {@code dir} (e.g. {@code /dev/shm}): regular files that start with
     * the Highway magic; other files are never mapped.
     */
    static DeviceSource files(Path dir) {
        return new Directory(dir);
    }

    /** The files to try, in a stable order. */
    List<Path> candidates() throws IOException;

    /**
     * The file of the device at {@code address} if this source has devices at PCI addresses (it
     * may not exist yet), else null. Lets a guest go straight to the device an ATTACH names
     * instead of listing every candidate.
     */
    default Path device(PciAddress address) {
        return null;
    }

    /** ivshmem devices found by {@link IvshmemScanner}. */
    record Sysfs(Path root) implements DeviceSource {
        @Override
        public List<Path> candidates() throws IOException {
            List<Path> paths = new ArrayList<>();
            for (IvshmemDevice device : new IvshmemScanner(root).scan()) {
                paths.add(device.resource2());
            }
            return paths;
        }

        /** {@code <root>/bus/pci/devices/<address>/resource2}. */
        @Override
        public Path device(PciAddress address) {
            // one resolve: this runs on the establish path of every link
            return root.resolve("bus/pci/devices/" + address.sysfsName() + "/resource2");
        }
    }

    /** Region files in one directory. */
    record Directory(Path dir) implements DeviceSource {
        @Override
        public List<Path> candidates() throws IOException {
            List<Path> paths = new ArrayList<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
                for (Path file : stream) {
                    if (Files.isRegularFile(file) && startsWithMagic(file)) {
                        paths.add(file);
                    }
                }
            } catch (NoSuchFileException e) {
                return List.of();
            }
            paths.sort(null);
            return paths;
        }

        private static boolean startsWithMagic(Path file) {
            try (InputStream in = Files.newInputStream(file)) {
                byte[] head = in.readNBytes(Long.BYTES);
                return head.length == Long.BYTES
                        && ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getLong() == RegionHeaderDescriptor.MAGIC;
            } catch (IOException e) {
                return false;
            }
        }
    }
}
