package org.ovshighway.remapper;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Objects;
import org.ovshighway.guest.abi.PortControl;
import org.ovshighway.guest.abi.RegionFormatException;
import org.ovshighway.guest.abi.RegionKind;
import org.ovshighway.guest.abi.RegionValidator;
import org.ovshighway.guest.abi.ValidatedRegion;
import org.ovshighway.guest.mapping.MappedRegion;

/**
 * One ring port as the remap protocol drives it: its name, its guest, and the request and
 * acknowledgement words of its PORT region ({@link PortControl}). The remapper is the only writer
 * of the request word (single supervisor thread).
 */
public final class PortEnd implements AutoCloseable {
    private final String port;
    private final String guest;
    private final MemorySegment region;
    /** Owned mapping (from {@link #map}), closed with this; null when the agent's PortRegion owns it. */
    private final MappedRegion owned;

    private PortEnd(String port, String guest, MemorySegment region, MappedRegion owned) {
        this.port = Objects.requireNonNull(port, "port");
        this.guest = Objects.requireNonNull(guest, "guest");
        this.region = Objects.requireNonNull(region, "region");
        this.owned = owned;
    }

    /** The port of an agent's {@link PortRegion} (the agent keeps owning the mapping). */
    public static PortEnd of(PortRegion portRegion) {
        return new PortEnd(portRegion.file().identity().name0(), portRegion.file().identity().name1(),
                portRegion.segment(), null);
    }

    /**
     * Maps the PORT region file {@code path} (e.g. one the agent of another process created) and
     * takes port and guest names from its header.
     *
     * @throws IOException naming the path when it cannot be mapped or is not a valid PORT region
     */
    public static PortEnd map(Path path) throws IOException {
        MappedRegion mapping = MappedRegion.map(path);
        try {
            ValidatedRegion validated = RegionValidator.validate(mapping.segment());
            if (validated.identity().kind() != RegionKind.PORT) {
                throw new IOException("not a PORT region: path=" + path + " kind=" + validated.identity().kind());
            }
            return new PortEnd(validated.identity().name0(), validated.identity().name1(), mapping.segment(), mapping);
        } catch (RegionFormatException e) {
            mapping.close();
            throw new IOException("invalid PORT region: path=" + path + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            mapping.close();
            throw e;
        }
    }

    public String port() {
        return port;
    }

    public String guest() {
        return guest;
    }

    /**
     * Publishes ATTACH(linkId, generation) naming where the guest finds the link's device
     * ({@code device}: {@code PciAddress.word()}, or 0 when not known); returns the request word.
     */
    long requestAttach(long linkId, long generation, long device) {
        return PortControl.publishRequest(region, PortControl.OP_ATTACH, linkId, generation, device);
    }

    /** Publishes DETACH; returns the request word. */
    long requestDetach() {
        return PortControl.publishRequest(region, PortControl.OP_DETACH, 0, 0);
    }

    /** The request word and its payload as they stand (null while a request is being written). */
    PortControl.Request currentRequest() {
        return PortControl.readRequest(region);
    }

    /** Whether the guest acknowledged request {@code word}. */
    boolean acknowledged(long word) {
        return PortControl.acquireAckWord(region) == word;
    }

    @Override
    public void close() {
        if (owned != null) {
            owned.close();
        }
    }

    @Override
    public String toString() {
        return "PortEnd[port=" + port + ", guest=" + guest + "]";
    }
}
