package org.ovshighway.remapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.ovshighway.guest.abi.PortConnection;
import org.ovshighway.guest.abi.RegionKind;
import org.ovshighway.guest.abi.RegionValidator;
import org.ovshighway.guest.abi.RingTableEntryDescriptor;
import org.ovshighway.guest.abi.ValidatedRegion;
import org.ovshighway.guest.mapping.MappedRegion;

class PortRegionTest {

    @Test
    void createsATwoQueuePortRegionAndPublishesConnectionStates() throws Exception {
        String name = "hw-portregion-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        PortRegion port = PortRegion.create(RegionFiles.in(RegionFiles.DEV_SHM), name, "ring0", "guest-a");
        Path path = port.file().path();
        try (MappedRegion guest = MappedRegion.map(path)) {
            ValidatedRegion validated = RegionValidator.validate(guest.segment());
            assertEquals(RegionKind.PORT, validated.identity().kind());
            assertEquals("ring0", validated.identity().name0());
            assertEquals("guest-a", validated.identity().name1());
            assertEquals(4, validated.layout().ringCount());
            assertTrue(validated.layout().find(RingTableEntryDescriptor.DIRECTION_1, 1) != null);
            assertEquals(0, PortConnection.acquire(guest.segment()), "fresh region: DOWN, generation 0");

            assertEquals(1, port.nextGeneration());
            port.publishUp();
            long up = PortConnection.acquire(guest.segment());
            assertTrue(PortConnection.isUp(up));
            assertEquals(1, PortConnection.generation(up));

            port.publishDown();
            assertEquals(PortConnection.word(1, false), PortConnection.acquire(guest.segment()));
            assertEquals(2, port.nextGeneration());
            port.publishUp();
            assertEquals(PortConnection.word(2, true), port.connectionWord());
        } finally {
            assertTrue(port.delete());
        }
        assertFalse(Files.exists(path));
    }
}
