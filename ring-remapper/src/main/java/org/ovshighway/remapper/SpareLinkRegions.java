package org.ovshighway.remapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.ovshighway.guest.abi.RegionIdentity;
import org.ovshighway.guest.abi.RegionInitializer;
import org.ovshighway.guest.abi.RegionLayout;
import org.ovshighway.guest.mapping.MappedRegion;

/**
 * Link regions created and initialised ahead of time, one per link shape, so that establishing a
 * link does not create, size and initialise megabytes on its critical path (milliseconds warm,
 * tens of milliseconds for cold code or a loaded machine). Claiming a spare rewrites its identity
 * ({@link RegionInitializer#reidentify}) and gives it the link's file name in the same directory
 * (a hard link, then the spare name removed: never replaces an existing file).
 *
 * <p>Each spare stays mapped from its creation (the mapping the link then keeps), so a claim does
 * not map 4 MiB on the establish path either.
 *
 * <p>Spare files are named {@code hwspare-<pid>-<shape>}; no guest is ever given one, and
 * {@link #deleteOrphans} removes those of agents that no longer run. Supervisor thread only.
 */
public final class SpareLinkRegions implements AutoCloseable {
    /** Prefix of every spare region file name. */
    public static final String FILE_PREFIX = "hwspare-";

    private static final System.Logger LOG = System.getLogger(SpareLinkRegions.class.getName());
    /** Identity a spare carries until claimed (never seen by a guest). */
    private static final RegionIdentity UNCLAIMED = RegionIdentity.link(1, 1, "spare-end0", "spare-end1");

    /** The two layouts a link can have. */
    enum Shape {
        ONE_WAY(false), TWO_WAY(true);

        final boolean twoWay;

        Shape(boolean twoWay) {
            this.twoWay = twoWay;
        }

        static Shape of(boolean twoWay) {
            return twoWay ? TWO_WAY : ONE_WAY;
        }

        String fileSuffix() {
            return twoWay ? "2way" : "1way";
        }
    }

    private final RegionFiles files;
    private final long pid;
    /** A spare and this agent's mapping of it. */
    private record Spare(RegionFile file, MappedRegion mapping) {
    }

    private final Map<Shape, Spare> spares = new EnumMap<>(Shape.class);
    private long claimed;
    private long missed;
    /** A spare could not be made: no new try before the next claim (not one per supervisor tick). */
    private boolean refillFailed;

    /** Spares created through {@code files} (the policy links are created with). */
    public SpareLinkRegions(RegionFiles files) {
        this.files = Objects.requireNonNull(files, "files");
        this.pid = ProcessHandle.current().pid();
    }

    /** A claimed spare: the file under its link name, and the caller's mapping of it (same inode). */
    record Claimed(RegionFile file, MappedRegion mapping) {
    }

    /**
     * The spare of the link's shape as file {@code name} with {@code identity}, mapped, or null
     * when there is none (the caller creates the region itself). The identity is rewritten
     * before the file gets its link name, so whoever finds a file under that name (a guest once
     * it is attached, an operator, a harness watching the directory) reads the link's identity,
     * never the spare's or a mix. The mapping is of the same file (its {@code path()} is the
     * spare name). A spare that cannot be claimed is deleted and null returned.
     */
    Claimed claim(String name, RegionIdentity identity, boolean twoWay) {
        refillFailed = false;
        Spare taken = spares.remove(Shape.of(twoWay));
        if (taken == null) {
            missed++;
            return null;
        }
        RegionFile spare = taken.file();
        MappedRegion mapping = taken.mapping();
        Path target = spare.path().resolveSibling(name);
        try {
            RegionInitializer.reidentify(mapping.segment(), identity);
            // link(2) fails when the name exists, unlike rename(2), which would replace it
            Files.createLink(target, spare.path());
        } catch (IOException | RuntimeException e) {
            mapping.close();
            return failed(spare, name, e);
        }
        try {
            Files.delete(spare.path());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "claimed spare region as path=" + target + " but cannot remove its"
                    + " spare name path=" + spare.path() + ": " + e);
        }
        claimed++;
        return new Claimed(new RegionFile(target, spare.layout(), identity, spare.hugetlbfs()), mapping);
    }

    private Claimed failed(RegionFile spare, String name, Exception e) {
        LOG.log(System.Logger.Level.WARNING, "cannot claim spare region path=" + spare.path() + " as name=" + name
                + "; creating the link's region instead: " + e);
        RegionFiles.delete(spare.path());
        missed++;
        return null;
    }

    /**
     * Creates the spares that are missing. A spare that cannot be created (no room) is logged and
     * left out: links are then created on their critical path, as without spares.
     */
    void refill() {
        for (Shape shape : Shape.values()) {
            if (spares.containsKey(shape)) {
                continue;
            }
            String name = FILE_PREFIX + pid + "-" + shape.fileSuffix();
            RegionFile file = null;
            try {
                file = files.create(name, RegionLayout.link(shape.twoWay), UNCLAIMED);
                spares.put(shape, new Spare(file, MappedRegion.map(file.path())));
            } catch (RegionFileExistsException e) {
                // ours from a claim that failed half-way, or a reused pid's: not to be trusted
                RegionFiles.delete(e.path());
            } catch (IOException | RuntimeException e) {
                refillFailed = true;
                if (file != null) {
                    RegionFiles.delete(file.path());
                }
                LOG.log(System.Logger.Level.WARNING, "cannot create spare link region name=" + name + " (tried again"
                        + " after the next link): " + e);
            }
        }
    }

    /** Whether every shape has its spare. */
    boolean full() {
        return spares.size() == Shape.values().length;
    }

    /** Whether {@link #refill} has something to do: a spare is missing and the last try did not fail. */
    boolean wantsRefill() {
        return !full() && !refillFailed;
    }

    /** Links that got a spare. */
    public long claimed() {
        return claimed;
    }

    /** Links that found no spare and created their region themselves. */
    public long missed() {
        return missed;
    }

    /**
     * Deletes spare files of agents that no longer run (an agent killed before it could delete
     * its own); returns how many. Spares of live agents are left alone.
     */
    public static int deleteOrphans(RegionFiles files) {
        List<Path> found;
        try {
            found = files.existingWithPrefix(FILE_PREFIX);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list spare link regions", e);
        }
        int deleted = 0;
        for (Path path : found) {
            String rest = path.getFileName().toString().substring(FILE_PREFIX.length());
            int dash = rest.indexOf('-');
            long owner;
            try {
                owner = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
            } catch (NumberFormatException e) {
                continue;   // not named by an agent
            }
            boolean alive = owner == ProcessHandle.current().pid()
                    || ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false);
            if (!alive && RegionFiles.delete(path)) {
                deleted++;
            }
        }
        return deleted;
    }

    /** Deletes the spares not claimed. */
    @Override
    public void close() {
        for (Spare spare : spares.values()) {
            spare.mapping().close();
            try {
                RegionFiles.delete(spare.file());
            } catch (UncheckedIOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot delete spare link region path=" + spare.file().path()
                        + ": " + e);
            }
        }
        spares.clear();
    }
}
