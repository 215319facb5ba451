package org.ovshighway.remapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.ovshighway.guest.abi.PortConnection;
import org.ovshighway.guest.abi.RegionFormatException;
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

    @Test
    void adoptsTheRegionALostAgentLeftAndCarriesOnItsGeneration() throws Exception {
        Path dir = Files.createTempDirectory(RegionFiles.DEV_SHM, "hw-adopt-test");
        RegionFiles files = RegionFiles.in(dir);
        PortRegion first = PortRegion.create(files, "highway-port-ring0", "ring0", "guest-a");
        Path path = first.file().path();
        try {
            first.nextGeneration();
            first.nextGeneration();
            first.publishUp();
            first.close(); // the agent died: the file stays, UP of generation 2 in it

            assertEquals(Optional.of(path), files.existing("highway-port-ring0"));
            assertEquals(Optional.empty(), files.existing("highway-port-other"));
            PortRegion adopted = PortRegion.adopt(files, path, "ring0", "guest-a");
            try {
                assertEquals(2, adopted.generation());
                assertEquals(PortConnection.word(2, true), adopted.connectionWord(), "adoption writes nothing");
                assertEquals(3, adopted.nextGeneration());
                assertEquals("guest-a", adopted.file().identity().name1());
            } finally {
                adopted.close();
            }
        } finally {
            Files.deleteIfExists(path);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void refusesToAdoptTheRegionOfAnotherPortOrGarbage() throws Exception {
        Path dir = Files.createTempDirectory(RegionFiles.DEV_SHM, "hw-adopt-test");
        RegionFiles files = RegionFiles.in(dir);
        PortRegion other = PortRegion.create(files, "highway-port-ring0", "ring0", "guest-a");
        Path garbage = Files.write(dir.resolve("highway-port-ring1"), new byte[8192]);
        try {
            other.close();
            RegionFormatException wrongGuest = assertThrows(RegionFormatException.class,
                    () -> PortRegion.adopt(files, other.file().path(), "ring0", "guest-b"));
            assertTrue(wrongGuest.getMessage().contains("expected=PORT/ring0/guest-b"), wrongGuest.getMessage());
            RegionFormatException zeros = assertThrows(RegionFormatException.class,
                    () -> PortRegion.adopt(files, garbage, "ring1", "guest-a"));
            assertTrue(zeros.getMessage().contains("magic"), zeros.getMessage());
            assertTrue(Files.exists(other.file().path()), "a refused file is left untouched");
        } finally {
            Files.deleteIfExists(other.file().path());
            Files.deleteIfExists(garbage);
            Files.deleteIfExists(dir);
        }
    }
}
