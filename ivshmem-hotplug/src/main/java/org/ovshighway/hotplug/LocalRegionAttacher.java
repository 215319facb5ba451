package org.ovshighway.hotplug;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.ovshighway.remapper.AttachedRegion;
import org.ovshighway.remapper.RegionAttacher;

/**
 * {@link RegionAttacher} for process guests: each guest has a sysfs-shaped root (what it passes to
 * {@code DeviceSource.sysfs(root)}), and attaching publishes the region file there with a
 * {@link LocalPublisher} of that root. Other publishers (the agent's, for ring ports) may share a
 * root: slots are taken atomically.
 */
public final class LocalRegionAttacher implements RegionAttacher {
    private final Map<String, LocalPublisher> publishers = new ConcurrentHashMap<>();

    /** Guest {@code guest} reads devices under {@code root}. */
    public LocalRegionAttacher guest(String guest, Path root) {
        publishers.put(Objects.requireNonNull(guest, "guest"), new LocalPublisher(root));
        return this;
    }

    @Override
    public AttachedRegion attach(String guest, Path regionFile, String name) throws IOException {
        return LocalPublication.attached(guest, name, regionFile, publisher(guest, regionFile, name).publish(regionFile));
    }

    @Override
    public AttachedRegion adopt(String guest, Path regionFile, String name) throws IOException {
        return LocalPublication.attached(guest, name, regionFile, publisher(guest, regionFile, name).adopt(regionFile));
    }

    private LocalPublisher publisher(String guest, Path regionFile, String name) throws IOException {
        LocalPublisher publisher = publishers.get(guest);
        if (publisher == null) {
            throw new IOException("no sysfs root known for guest=" + guest + " (region file=" + regionFile
                    + " name=" + name + "); known guests=" + publishers.keySet());
        }
        return publisher;
    }

    @Override
    public void detach(AttachedRegion attached) throws IOException {
        LocalPublisher publisher = publishers.get(attached.guest());
        if (publisher == null || !(attached.handle() instanceof LocalPublication publication)) {
            throw new IllegalArgumentException("not attached by this attacher: guest=" + attached.guest() + " name="
                    + attached.name());
        }
        publisher.unpublish(publication);
    }
}
