package org.ovshighway.remapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Objects;

import org.ovshighway.guest.abi.PortConnection;
import org.ovshighway.guest.abi.RegionFormatException;
import org.ovshighway.guest.abi.RegionIdentity;
import org.ovshighway.guest.abi.RegionKind;
import org.ovshighway.guest.abi.RegionLayout;
import org.ovshighway.guest.abi.RegionValidator;
import org.ovshighway.guest.abi.ValidatedRegion;
import org.ovshighway.guest.mapping.MappedRegion;

/**
 * The agent's side of one ring-port region: the file, a mapping of it, and the connection word
 * the agent writes into it ({@link PortConnection}). The agent bumps the connection generation
 * every time it registers the region with OVS-DPDK's memif server again ({@link #nextGeneration}),
 * writes DOWN when the memif connection ends and UP once the server answered CONNECTED.
 *
 * <p>Threads: the connection word has one writer; the agent calls {@link #nextGeneration},
 * {@link #publishDown} and {@link #publishUp} from one thread at a time (its supervisor thread,
 * then its shutdown path after that thread stopped). Invariant: the generation only grows.
 */
public final class PortRegion implements AutoCloseable {
    /** Rings per direction: OVS-DPDK transmits on queue 1 with one PMD thread, so 2 each way. */
    public static final int QUEUES = 2;

    private static final System.Logger LOG = System.getLogger(PortRegion.class.getName());

    private final RegionFile file;
    private final MappedRegion mapping;
    private final MemorySegment region;
    private long generation;

    private PortRegion(RegionFile file, MappedRegion mapping) {
        this.file = file;
        this.mapping = mapping;
        this.region = mapping.segment();
        // adopting an existing region (agent restart): carry on from the generation it holds
        this.generation = PortConnection.generation(PortConnection.acquire(region));
    }

    /**
     * Creates the region file {@code fileName} for ring port {@code port} of guest {@code guest}
     * ({@link RegionLayout#port(int) RegionLayout.port(QUEUES)}, header generation 1, connection
     * DOWN/generation 0) and maps it.
     *
     * @throws RegionFileExistsException when the file already exists (left untouched)
     * @throws UncheckedIOException naming the path when it cannot be made or mapped
     */
    public static PortRegion create(RegionFiles files, String fileName, String port, String guest) {
        Objects.requireNonNull(files, "files");
        RegionFile file = files.create(fileName, RegionLayout.port(QUEUES), RegionIdentity.port(1, port, guest));
        try {
            return new PortRegion(file, MappedRegion.map(file.path()));
        } catch (IOException | RuntimeException e) {
            RegionFiles.delete(file);
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot map region file path=" + file.path() + " port=" + port, io);
            }
            throw (RuntimeException) e;
        }
    }

    /**
     * Maps the existing region file {@code path} of ring port {@code port} of guest {@code guest},
     * left by an agent that stopped without cleaning up (killed, crashed): its guest may still map
     * it, so it is reused as it is and the connection generation carries on from the one it holds.
     *
     * @throws RegionFormatException when the header is not a valid PORT region of this port and
     *                               guest with {@link #QUEUES} queues (the file is left untouched)
     * @throws UncheckedIOException  naming the path when it cannot be mapped
     */
    public static PortRegion adopt(RegionFiles files, Path path, String port, String guest) throws RegionFormatException {
        Objects.requireNonNull(files, "files");
        MappedRegion mapping;
        try {
            mapping = MappedRegion.map(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map region file path=" + path + " port=" + port, e);
        }
        try {
            ValidatedRegion validated = RegionValidator.validate(mapping.segment());
            RegionIdentity identity = validated.identity();
            if (identity.kind() != RegionKind.PORT || !identity.name0().equals(port) || !identity.name1().equals(guest)) {
                throw new RegionFormatException("identity", "path=" + path + " found=" + identity.kind() + "/"
                        + identity.name0() + "/" + identity.name1() + " expected=PORT/" + port + "/" + guest);
            }
            RegionLayout expected = RegionLayout.port(QUEUES);
            if (!validated.layout().rings().equals(expected.rings())
                    || validated.layout().regionSize() != expected.regionSize()) {
                throw new RegionFormatException("layout", "path=" + path + " found=" + validated.layout()
                        + " expected=" + expected);
            }
            RegionFile file = new RegionFile(path, validated.layout(), identity, files.onHugetlbfs(path));
            PortRegion region = new PortRegion(file, mapping);
            LOG.log(System.Logger.Level.INFO, () -> "adopted region file path=" + path + " port=" + port + " guest="
                    + guest + " connection=" + PortConnection.describe(region.connectionWord()));
            return region;
        } catch (RegionFormatException | RuntimeException e) {
            mapping.close();
            throw e;
        }
    }

    /** The file and what was written into it. */
    public RegionFile file() {
        return file;
    }

    /** The layout (a private copy: the agent never re-reads it from shared memory). */
    public RegionLayout layout() {
        return file.layout();
    }

    /** The connection generation last published or bumped (0 before the first connection). */
    public long generation() {
        return generation;
    }

    /** Starts a new connection generation (call before registering the region again) and returns it. */
    public long nextGeneration() {
        if (generation == PortConnection.MAX_GENERATION) {
            throw new IllegalStateException("connection generation exhausted: path=" + file.path()
                    + " generation=" + generation);
        }
        generation++;
        return generation;
    }

    /** Tells the guest the rings are not served (keeps the generation). Returns the word written. */
    public long publishDown() {
        long word = PortConnection.publish(region, generation, false);
        LOG.log(System.Logger.Level.DEBUG, () -> "connection word path=" + file.path() + " " + PortConnection.describe(word));
        return word;
    }

    /** Tells the guest the rings are served under the current generation. Returns the word written. */
    public long publishUp() {
        long word = PortConnection.publish(region, generation, true);
        LOG.log(System.Logger.Level.DEBUG, () -> "connection word path=" + file.path() + " " + PortConnection.describe(word));
        return word;
    }

    /** The mapped region (the remapper writes the request word through {@link PortEnd#of}). */
    public MemorySegment segment() {
        return region;
    }

    /** The connection word as it is in the region now. */
    public long connectionWord() {
        return PortConnection.acquire(region);
    }

    /** Unmaps the region (the file stays; {@link #delete} removes it). */
    @Override
    public void close() {
        mapping.close();
    }

    /** Unmaps and deletes the file; {@code false} when it was already gone. */
    public boolean delete() {
        close();
        return RegionFiles.delete(file);
    }

    @Override
    public String toString() {
        return "PortRegion[path=" + file.path() + ", port=" + file.identity().name0() + ", guest="
                + file.identity().name1() + ", generation=" + generation + "]";
    }
}
