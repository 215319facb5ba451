package org.ovshighway.guest.mapping;

import java.nio.file.Path;

/**
 * An ivshmem-plain PCI device found in sysfs.
 *
 * @param address   PCI address (directory name, e.g. {@code 0000:00:04.0})
 * @param resource2 its BAR2 file: the region, to be mmapped (read() gives EIO)
 */
public record IvshmemDevice(String address, Path resource2) {
}
