package org.ovshighway.hotplug;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Gives a process guest its regions the way a VM gets ivshmem-plain devices: a sysfs-shaped
 * tree under a root directory,
 * <pre>
 * &lt;root&gt;/bus/pci/devices/0000:00:SS.0/vendor     "0x1af4\n"
 *                                    /device     "0x1110\n"
 *                                    /resource2  symlink to the region file
 * </pre>
 * which the guest library scans with {@code IvshmemScanner(root)} /
 * {@code DeviceSource.sysfs(root)}, exactly as it scans {@code /sys} in a VM.
 *
 * <p>Slot SS (two hex digits, 00..1f, like the 32 slots of PCI bus 0) is the first whose
 * directory does not exist; the directory is created atomically, so two publishers on one root
 * never share a slot. The device directory is complete once {@code resource2} exists (written
 * last): a scanner skips a directory without it. {@link #unpublish} removes exactly what
 * {@link #publish} made: the device directory and its entries, and, once this publisher's last
 * publication is gone, the {@code bus/pci/devices} directories it had to create (when empty).
 * Every error names the path at fault. Thread-safe.
 *
 * <p>{@link #stage} makes the next slot's directory, {@code vendor} and {@code device} ahead of
 * time (while something is published), so that the next {@link #publish} only adds
 * {@code resource2}: one symlink instead of about ten file operations (0.7 ms cold here) on a
 * link's establish path. A staged slot goes with the last publication; a staged slot an earlier
 * agent left (a device directory with exactly {@code vendor} and {@code device}) is removed by
 * {@link #stage} and {@link #adopt}.
 */
public final class LocalPublisher {
    /** Red Hat / virtio vendor id, as sysfs writes it. */
    public static final String VENDOR = "0x1af4\n";
    /** ivshmem device id, as sysfs writes it. */
    public static final String DEVICE = "0x1110\n";
    /** The BAR a guest maps. */
    public static final String RESOURCE2 = "resource2";
    /** PCI slots on bus 0. */
    public static final int SLOTS = 32;

    private static final System.Logger LOG = System.getLogger(LocalPublisher.class.getName());
    private static final byte[] VENDOR_BYTES = VENDOR.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DEVICE_BYTES = DEVICE.getBytes(StandardCharsets.US_ASCII);
    /** The device directory name of each slot, "0000:00:SS.0". */
    private static final String[] ADDRESSES = new String[SLOTS];

    static {
        for (int slot = 0; slot < SLOTS; slot++) {
            ADDRESSES[slot] = String.format("0000:00:%02x.0", slot);
        }
    }

    private final Path root;
    /** Guarded by this: parent directories this publisher created (deepest first), and publications alive. */
    private final List<Path> createdParents = new ArrayList<>();
    private final Set<Path> live = new HashSet<>();
    /** Guarded by this: the device directory made ahead for the next publication, or null. */
    private Path staged;

    /** A publisher for the tree under {@code root}, which must be an existing directory when publishing. */
    public LocalPublisher(Path root) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    }

    /** The root a guest passes to {@code DeviceSource.sysfs(root)}. */
    public Path root() {
        return root;
    }

    /** {@code <root>/bus/pci/devices}. */
    public Path devicesDirectory() {
        return root.resolve("bus").resolve("pci").resolve("devices");
    }

    /**
     * Publishes {@code regionFile} (an existing regular file) in the first free slot.
     *
     * @throws IOException naming the root, the file or the device directory when the root is not a
     *                     directory, the file is missing, every slot is taken, or writing fails
     *                     (anything made before the failure is removed again)
     */
    public synchronized LocalPublication publish(Path regionFile) throws IOException {
        Objects.requireNonNull(regionFile, "regionFile");
        Path file = regionFile.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new NoSuchFileException(root.toString(), null, "publish root is not an existing directory");
        }
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "region file to publish is not an existing regular file");
        }
        Path devices = devicesDirectory();
        LocalPublication ready = publishStaged(file);
        if (ready != null) {
            return ready;
        }
        for (Path dir : List.of(root.resolve("bus"), root.resolve("bus").resolve("pci"), devices)) {
            if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                // made for an earlier publication: no failing mkdir (an exception each) on a link's establish path
                continue;
            }
            try {
                Files.createDirectory(dir);
                createdParents.addFirst(dir);
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException("exists but is not a directory: path=" + dir, e);
                }
            }
        }
        Path device = makeSlot(devices);
        if (device != null) {
            return link(device, file);
        }
        IOException full = new IOException("no free PCI slot (all " + SLOTS + " taken) under path=" + devices
                + " for region file=" + file);
        removeParentsWhenIdle(full);
        throw full;
    }

    /**
     * Makes the next free slot's device directory with its {@code vendor} and {@code device}
     * entries, so that the next {@link #publish} only links {@code resource2}. Does nothing while
     * nothing is published (the staged slot would outlive every publication) or when a slot is
     * staged already. Removes staged slots an earlier agent left first.
     *
     * @throws IOException naming the path when the slot cannot be made (nothing is left of it;
     *                     {@link #publish} then makes its slot itself)
     */
    public synchronized void stage() throws IOException {
        if (live.isEmpty() || (staged != null && Files.isDirectory(staged, LinkOption.NOFOLLOW_LINKS))) {
            return;
        }
        staged = null;
        Path devices = devicesDirectory();
        removeLeftStaged(devices);
        Path device = makeSlot(devices);
        if (device != null) {
            staged = device;
            LOG.log(System.Logger.Level.DEBUG, () -> "staged device=" + device);
        }
    }

    /**
     * The first free slot's directory, made with its {@code vendor} and {@code device} entries (not
     * {@code resource2} yet), or null when every slot is taken. The mkdir decides a race for a slot.
     *
     * @throws IOException naming the device directory when an entry cannot be written (the
     *                     directory is removed again)
     */
    private Path makeSlot(Path devices) throws IOException {
        for (int slot = 0; slot < SLOTS; slot++) {
            Path device = devices.resolve(ADDRESSES[slot]);
            if (Files.exists(device, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try {
                Files.createDirectory(device);
            } catch (FileAlreadyExistsException e) {
                continue;
            }
            try {
                Files.write(device.resolve("vendor"), VENDOR_BYTES);
                Files.write(device.resolve("device"), DEVICE_BYTES);
            } catch (IOException e) {
                IOException failure = new IOException("cannot make device directory path=" + device + ": " + e, e);
                removeDevice(device, failure);
                removeParentsWhenIdle(failure);
                throw failure;
            }
            return device;
        }
        return null;
    }

    /**
     * Completes the publication of {@code file} in slot directory {@code device} (made by
     * {@link #makeSlot}): links {@code resource2}, last, so that a scanner sees the device whole.
     *
     * @throws IOException naming file and device directory when the link cannot be made (the
     *                     directory is removed again)
     */
    private LocalPublication link(Path device, Path file) throws IOException {
        try {
            Files.createSymbolicLink(device.resolve(RESOURCE2), file);
        } catch (IOException e) {
            IOException failure = new IOException("cannot publish region file=" + file + " at path=" + device + ": " + e, e);
            removeDevice(device, failure);
            removeParentsWhenIdle(failure);
            throw failure;
        }
        live.add(device);
        LOG.log(System.Logger.Level.INFO, () -> "published region file=" + file + " device=" + device);
        return new LocalPublication(device.getFileName().toString(), device, file);
    }

    /** The staged slot published with {@code file}, or null when there is none (or it broke: then it is gone). */
    private LocalPublication publishStaged(Path file) {
        Path device = staged;
        if (device == null) {
            return null;
        }
        staged = null;
        try {
            return link(device, file);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "staged device unusable, publishing in a new slot: " + e.getMessage());
            return null;
        }
    }

    /**
     * Removes device directory {@code device} this publisher made and its entries (entries already
     * gone are fine); failures go to {@code failure}.
     */
    private static void removeDevice(Path device, IOException failure) {
        try {
            for (String entry : List.of(RESOURCE2, "device", "vendor")) {
                Files.deleteIfExists(device.resolve(entry));
            }
            Files.deleteIfExists(device);
        } catch (IOException e) {
            failure.addSuppressed(new IOException("cannot remove device directory path=" + device + ": " + e, e));
        }
    }

    /**
     * Removes device directories under {@code devices} that hold exactly {@code vendor} and
     * {@code device}: slots an earlier agent staged and never published (a publication always
     * has {@code resource2}; anything else is not ours and stays).
     */
    private void removeLeftStaged(Path devices) throws IOException {
        if (!Files.isDirectory(devices, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> left = new ArrayList<>();
        try (var entries = Files.list(devices)) {
            for (Path device : entries.toList()) {
                if (device.equals(staged) || live.contains(device)
                        || !Files.isDirectory(device, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                try (var inside = Files.list(device)) {
                    List<String> names = inside.map(e -> e.getFileName().toString()).sorted().toList();
                    if (names.equals(List.of("device", "vendor"))) {
                        left.add(device);
                    }
                }
            }
        }
        IOException failure = new IOException("cannot remove staged devices an earlier agent left under path="
                + devices);
        for (Path device : left) {
            removeDevice(device, failure);
            LOG.log(System.Logger.Level.INFO, () -> "removed a staged device an earlier agent left: path=" + device);
        }
        if (failure.getSuppressed().length != 0) {
            throw failure;
        }
    }

    /**
     * Takes over the publication of {@code regionFile} that a previous agent left in this tree
     * (its guest may be using the device), or publishes it when there is none. An adopted
     * publication is removed by {@link #unpublish} like one this publisher made, and so are the
     * {@code bus/pci/devices} directories once empty.
     *
     * @throws IOException as {@link #publish}, or naming the directory that cannot be listed
     */
    public synchronized LocalPublication adopt(Path regionFile) throws IOException {
        Objects.requireNonNull(regionFile, "regionFile");
        Path file = regionFile.toAbsolutePath().normalize();
        Path devices = devicesDirectory();
        removeLeftStaged(devices);
        if (Files.isDirectory(devices, LinkOption.NOFOLLOW_LINKS)) {
            try (var entries = Files.list(devices)) {
                for (Path device : entries.sorted().toList()) {
                    Path resource = device.resolve(RESOURCE2);
                    if (Files.isSymbolicLink(resource) && Files.readSymbolicLink(resource).equals(file)) {
                        for (Path dir : List.of(devices, root.resolve("bus").resolve("pci"), root.resolve("bus"))) {
                            if (!createdParents.contains(dir)) {
                                createdParents.addLast(dir);
                            }
                        }
                        live.add(device);
                        LocalPublication publication = new LocalPublication(device.getFileName().toString(), device, file);
                        LOG.log(System.Logger.Level.INFO, () -> "adopted publication of region file=" + file
                                + " device=" + device);
                        return publication;
                    }
                }
            } catch (IOException e) {
                throw new IOException("cannot look for an earlier publication of region file=" + file + " under path="
                        + devices + ": " + e, e);
            }
        }
        return publish(file);
    }

    /**
     * Removes what {@link #publish} made for {@code publication}: its three entries, its device
     * directory and the parent directories it created, each directory only when empty (another
     * publication may live beside it). Entries already gone are fine.
     *
     * @throws IOException naming the path that could not be removed
     */
    public synchronized void unpublish(LocalPublication publication) throws IOException {
        Objects.requireNonNull(publication, "publication");
        Path device = publication.deviceDirectory();
        if (!device.startsWith(devicesDirectory())) {
            throw new IllegalArgumentException("publication is not under this publisher's root: path=" + device
                    + " root=" + root);
        }
        for (String entry : List.of(RESOURCE2, "device", "vendor")) {
            Path path = device.resolve(entry);
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                throw new IOException("cannot remove published entry path=" + path + ": " + e, e);
            }
        }
        try {
            Files.deleteIfExists(device);
        } catch (DirectoryNotEmptyException e) {
            throw new IOException("device directory holds entries the publisher did not make: path=" + device, e);
        } catch (IOException e) {
            throw new IOException("cannot remove device directory path=" + device + ": " + e, e);
        }
        live.remove(device);
        IOException failure = new IOException("cannot remove directories the publisher created under root=" + root);
        if (live.isEmpty() && staged != null) {
            removeDevice(staged, failure);
            staged = null;
        }
        removeParentsWhenIdle(failure);
        if (failure.getSuppressed().length != 0) {
            throw failure;
        }
        LOG.log(System.Logger.Level.INFO, () -> "unpublished region file=" + publication.regionFile() + " device="
                + device);
    }

    /**
     * With no publication alive, removes the parent directories this publisher created (deepest
     * first), each only when empty; failures are added to {@code failure}.
     */
    private void removeParentsWhenIdle(IOException failure) {
        if (!live.isEmpty()) {
            return;
        }
        while (!createdParents.isEmpty()) {
            Path dir = createdParents.getFirst();
            try {
                Files.deleteIfExists(dir);
                createdParents.removeFirst();
            } catch (DirectoryNotEmptyException e) {
                // something not ours lives there now: keep it and everything above it
                return;
            } catch (IOException e) {
                failure.addSuppressed(new IOException("cannot remove directory path=" + dir + ": " + e, e));
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "LocalPublisher[root=" + root + "]";
    }
}
