package org.ovshighway.remapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ovshighway.guest.abi.PciAddress;

/**
 * Test attacher for process guests that read regions with {@code DeviceSource.files(dir)}: attach
 * puts a symbolic link to the region file into the guest's directory, detach removes it; every
 * call is recorded. (The sysfs-shaped LocalPublisher lives in ivshmem-hotplug, which depends on this
 * module, and has its own test there.)
 */
final class RecordingAttacher implements RegionAttacher {
    final Map<String, Path> guestDirs = new HashMap<>();
    /** The PCI address each guest sees its attachments at (as a sysfs publisher would tell); absent: unknown. */
    final Map<String, PciAddress> addresses = new HashMap<>();
    final List<String> calls = new ArrayList<>();
    /** Calls of {@link #prepare} (kept apart from {@link #calls}: the supervisor makes them whenever idle). */
    int prepared;

    @Override
    public synchronized void prepare() {
        prepared++;
    }

    @Override
    public synchronized AttachedRegion attach(String guest, Path regionFile, String name) throws IOException {
        calls.add("attach " + guest + " " + name);
        Path dir = guestDirs.get(guest);
        Path entry = null;
        if (dir != null) {
            entry = Files.createSymbolicLink(dir.resolve(name), regionFile);
        }
        return new AttachedRegion(guest, name, regionFile, entry, addresses.get(guest));
    }

    @Override
    public synchronized AttachedRegion adopt(String guest, Path regionFile, String name) throws IOException {
        calls.add("adopt " + guest + " " + name);
        Path dir = guestDirs.get(guest);
        Path entry = null;
        if (dir != null) {
            entry = dir.resolve(name);
            if (!Files.isSymbolicLink(entry)) {
                Files.createSymbolicLink(entry, regionFile);
            }
        }
        return new AttachedRegion(guest, name, regionFile, entry);
    }

    @Override
    public synchronized void detach(AttachedRegion attached) throws IOException {
        calls.add("detach " + attached.guest() + " " + attached.name());
        if (attached.handle() instanceof Path entry) {
            Files.deleteIfExists(entry);
        }
    }
}
