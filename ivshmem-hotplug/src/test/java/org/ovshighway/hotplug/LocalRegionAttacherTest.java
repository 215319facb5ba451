package org.ovshighway.hotplug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ovshighway.guest.DeviceSource;
import org.ovshighway.guest.mapping.IvshmemDevice;
import org.ovshighway.guest.mapping.IvshmemScanner;
import org.ovshighway.remapper.AttachedRegion;

class LocalRegionAttacherTest {
    @TempDir
    Path tmp;

    @Test
    void attachesToTheGuestsRootAndDetachesAgain() throws IOException {
        Path rootA = Files.createDirectory(tmp.resolve("a"));
        Path rootB = Files.createDirectory(tmp.resolve("b"));
        Path file = Files.write(tmp.resolve("hwlink-1"), new byte[4096]);
        LocalRegionAttacher attacher = new LocalRegionAttacher().guest("vm1", rootA).guest("vm2", rootB);
        AttachedRegion a = attacher.attach("vm1", file, "hwlink-1");
        AttachedRegion b = attacher.attach("vm2", file, "hwlink-1");
        List<IvshmemDevice> seenByA = new IvshmemScanner(rootA).scan();
        assertEquals(1, seenByA.size());
        assertEquals(file, Files.readSymbolicLink(seenByA.getFirst().resource2()));
        // the attachment knows where the guest sees it: the agent's ATTACH names that device
        assertEquals(seenByA.getFirst().address(), a.address().sysfsName());
        assertEquals(seenByA.getFirst().resource2(), DeviceSource.sysfs(rootA).device(a.address()));
        assertEquals(1, new IvshmemScanner(rootB).scan().size());
        attacher.detach(a);
        attacher.detach(b);
        assertEquals(0, new IvshmemScanner(rootA).scan().size());
        try (Stream<Path> left = Files.walk(rootA)) {
            assertEquals(List.of(rootA), left.sorted(Comparator.naturalOrder()).toList(), "nothing left under the root");
        }
    }

    @Test
    void anUnknownGuestIsAnErrorNamingIt() throws IOException {
        Path file = Files.write(tmp.resolve("hwlink-2"), new byte[4096]);
        IOException e = assertThrows(IOException.class, () -> new LocalRegionAttacher().attach("vm9", file, "hwlink-2"));
        assertTrue(e.getMessage().contains("guest=vm9"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("bus")));
    }
}
