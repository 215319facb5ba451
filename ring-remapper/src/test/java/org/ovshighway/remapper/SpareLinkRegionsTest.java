package org.ovshighway.remapper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ovshighway.guest.abi.LinkControl;
import org.ovshighway.guest.abi.PortControl;
import org.ovshighway.guest.abi.RegionIdentity;
import org.ovshighway.guest.abi.RegionValidator;
import org.ovshighway.guest.abi.ValidatedRegion;
import org.ovshighway.guest.mapping.MappedRegion;

/** Spare link regions: made ahead, claimed under the link's name and identity, never left behind. */
class SpareLinkRegionsTest {
    private static final long PID = ProcessHandle.current().pid();

    private Path dir;
    private RegionFiles files;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createDirectory(Path.of("/dev/shm", "hw-spares-" + PID + "-" + System.nanoTime()));
        files = RegionFiles.in(dir);
    }

    @AfterEach
    void tearDown() throws IOException {
        try (Stream<Path> left = Files.list(dir)) {
            for (Path p : left.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aClaimedSpareCarriesTheLinksNameAndIdentityAndIsMadeAgain() throws Exception {
        SpareLinkRegions spares = new SpareLinkRegions(files);
        spares.refill();
        assertTrue(spares.full());
        assertEquals(List.of("hwspare-" + PID + "-1way", "hwspare-" + PID + "-2way"), names());

        RegionIdentity identity = RegionIdentity.link(42, 1, "a", "b");
        SpareLinkRegions.Claimed claimed = spares.claim("hwlink-42", identity, true);
        assertNotNull(claimed);
        RegionFile file = claimed.file();
        assertEquals(dir.resolve("hwlink-42"), file.path());
        assertEquals(identity, file.identity());
        assertEquals(identity, RegionValidator.validate(claimed.mapping().segment()).identity(), "the caller's mapping");
        claimed.mapping().close();
        try (MappedRegion mapping = MappedRegion.map(file.path())) {
            ValidatedRegion validated = RegionValidator.validate(mapping.segment());
            assertEquals(identity, validated.identity());
            assertNotNull(validated.layout().find(1, 0), "the two-way spare was claimed");
            assertEquals(0, LinkControl.acquireUsable(mapping.segment()));
            assertEquals(0, LinkControl.acquireMapped(mapping.segment(), 0));
        }
        assertEquals(List.of("hwlink-42", "hwspare-" + PID + "-1way"), names());
        assertFalse(spares.full());
        assertArrayEquals(new long[] {1, 0}, new long[] {spares.claimed(), spares.missed()});

        spares.refill();
        assertEquals(List.of("hwlink-42", "hwspare-" + PID + "-1way", "hwspare-" + PID + "-2way"), names());
        spares.close();
        assertEquals(List.of("hwlink-42"), names(), "close deletes the spares, not the links");
    }

    @Test
    void withoutASpareTheCallerCreatesTheRegion() throws IOException {
        SpareLinkRegions spares = new SpareLinkRegions(files);
        assertNull(spares.claim("hwlink-1", RegionIdentity.link(1, 1, "a", "b"), false));
        assertEquals(1, spares.missed());
        assertEquals(List.of(), names());
    }

    @Test
    void aSpareThatCannotBeMadeIsNotTriedAgainBeforeTheNextClaim() throws IOException {
        Path gone = dir.resolve("not-there");
        SpareLinkRegions spares = new SpareLinkRegions(RegionFiles.in(gone));
        assertTrue(spares.wantsRefill());
        spares.refill();
        assertFalse(spares.wantsRefill(), "a failed refill waits for the next link");
        assertNull(spares.claim("hwlink-3", RegionIdentity.link(3, 1, "a", "b"), false));
        assertTrue(spares.wantsRefill(), "tried again after a link");
    }

    @Test
    void aClaimNeverReplacesAnExistingFile() throws IOException {
        SpareLinkRegions spares = new SpareLinkRegions(files);
        spares.refill();
        Files.writeString(dir.resolve("hwlink-7"), "someone else's");
        assertNull(spares.claim("hwlink-7", RegionIdentity.link(7, 1, "a", "b"), false));
        assertEquals("someone else's", Files.readString(dir.resolve("hwlink-7")));
        assertEquals(List.of("hwlink-7", "hwspare-" + PID + "-2way"), names(), "the spare that failed is gone");
        spares.close();
    }

    @Test
    void orphansOfAgentsThatNoLongerRunAreDeletedOthersKept() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(dir.resolve("hwspare-" + gone.pid() + "-1way"), "x");
        Files.writeString(dir.resolve("hwspare-" + PID + "-1way"), "x");
        Files.writeString(dir.resolve("hwspare-1-2way"), "x");   // pid 1 always runs
        Files.writeString(dir.resolve("hwspare-notapid"), "x");
        assertEquals(1, SpareLinkRegions.deleteOrphans(files));
        assertEquals(List.of("hwspare-1-2way", "hwspare-" + PID + "-1way", "hwspare-notapid").stream().sorted().toList(),
                names());
    }

    @Test
    void theSupervisorGivesNewLinksASpareAndMakesTheNextOneOnlyOnceSettled() throws Exception {
        PortRegion x = PortRegion.create(files, "port-x", "x", "guest-x");
        PortRegion y = PortRegion.create(files, "port-y", "y", "guest-y");
        long[] now = {1_000};
        List<LinkStatus> events = new ArrayList<>();
        RemapDeadlines deadlines = new RemapDeadlines(Duration.ofSeconds(5), Duration.ofSeconds(2),
                Duration.ofSeconds(2), Duration.ofSeconds(1));
        try (LinkSupervisor supervisor = new LinkSupervisor(files, new RecordingAttacher(), deadlines, () -> now[0],
                events::add)) {
            supervisor.keepSpareRegions();
            supervisor.tick();
            assertTrue(names().contains("hwspare-" + PID + "-1way"), names().toString());

            supervisor.establish(PortEnd.of(x), PortEnd.of(y), false);
            supervisor.tick();
            long id = supervisor.linkOf("x").linkId();
            assertEquals(LinkState.ATTACHING, supervisor.linkOf("x").state());
            assertFalse(names().contains("hwspare-" + PID + "-1way"), "claimed, and not made again while attaching");
            assertArrayEquals(new long[] {1, 0}, supervisor.spareRegionUse());
            try (MappedRegion link = MappedRegion.map(dir.resolve("hwlink-" + id))) {
                assertEquals(RegionIdentity.link(id, 1, "x", "y"), RegionValidator.validate(link.segment()).identity());
                for (int end = 0; end < 2; end++) {
                    LinkControl.releaseMapped(link.segment(), end, 1);
                }
                PortControl.acknowledge(x.segment(), PortControl.acquireRequestWord(x.segment()), PortControl.STATUS_DONE);
                PortControl.acknowledge(y.segment(), PortControl.acquireRequestWord(y.segment()), PortControl.STATUS_DONE);
                supervisor.tick();
                assertEquals(LinkState.USABLE, supervisor.linkOf("x").state());
                assertFalse(names().contains("hwspare-" + PID + "-1way"), "not while the link is being established");
                LinkControl.releaseFenceAck(link.segment(), 0, org.ovshighway.guest.abi.FenceFrameDescriptor.SEQUENCE_IN);
                supervisor.tick();
                assertEquals(LinkState.ACTIVE, supervisor.linkOf("x").state());
                supervisor.tick();
                assertTrue(names().contains("hwspare-" + PID + "-1way"), "made again once every link is ACTIVE");
            }
        } finally {
            x.delete();
            y.delete();
        }
        assertFalse(names().stream().anyMatch(n -> n.startsWith("hwspare-")), "close deleted the spares: " + names());
    }
}
