package org.ovshighway.hotplug.libvirt;

/**
 * The device XML Highway hot-plugs: an ivshmem-plain device whose BAR2 is
 * {@code /dev/shm/<name>} from offset 0,
 * <pre>
 * &lt;shmem name='NAME'&gt;&lt;model type='ivshmem-plain'/&gt;&lt;size unit='b'&gt;SIZE&lt;/size&gt;&lt;/shmem&gt;
 * </pre>
 * No address: libvirt picks the first free PCI slot. libvirt matches a detach request by name.
 */
public final class ShmemDeviceXml {
    /** QEMU's ivshmem BAR must be a power of two; libvirt refuses anything else. */
    public static final long MIN_SIZE = 4096;

    private ShmemDeviceXml() {
    }

    /**
     * The device XML for {@code name} of {@code sizeBytes}.
     *
     * @throws IllegalArgumentException naming name and size when the name is invalid or the size
     *                                  is not a power of two of at least 4096
     */
    public static String render(String name, long sizeBytes) {
        ShmemName.check(name);
        checkSize(name, sizeBytes);
        return "<shmem name='" + name + "'><model type='ivshmem-plain'/><size unit='b'>" + sizeBytes
                + "</size></shmem>";
    }

    static void checkSize(String name, long sizeBytes) {
        if (sizeBytes < MIN_SIZE || Long.bitCount(sizeBytes) != 1) {
            throw new IllegalArgumentException("shmem size must be a power of two >= " + MIN_SIZE + ": name=" + name
                    + " size=" + sizeBytes);
        }
    }
}
