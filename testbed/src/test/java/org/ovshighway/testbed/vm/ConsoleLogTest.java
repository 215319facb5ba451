package org.ovshighway.testbed.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a guest's serial console log as the VM scenario's host side does (no VM needed). */
class ConsoleLogTest {
    @TempDir
    Path dir;

    @Test
    void guestMapTimeUsesTheLastSightingOfTheMappedAddress() throws Exception {
        Path log = Files.writeString(dir.resolve("a.console"), """
                [    1.0] kernel noise
                HW_APP ready role=tx port=vma-eth0 frames=10 ringport=vma-p0\r
                HW_APP device-seen pci=0000:00:04.0 uptimeNs=1000000000
                HW_APP port-opened port=vma-p0 kind=PORT
                HW_APP device-seen pci=0000:00:05.0 uptimeNs=1500000000
                HW_APP device-seen pci=0000:00:04.0 uptimeNs=2000000000
                HW_APP mapped pci=0000:00:04.0 uptimeNs=2250000000 end=0 generation=7
                """);
        ConsoleLog console = new ConsoleLog("vm-a", log);
        assertEquals(250, VmLinkHost.guestMapMs(console));
        assertEquals("HW_APP ready role=tx port=vma-eth0 frames=10 ringport=vma-p0",
                console.find("HW_APP ready").orElseThrow());
    }

    @Test
    void noMappedLineGivesMinusOne() throws Exception {
        ConsoleLog console = new ConsoleLog("vm-a", Files.writeString(dir.resolve("b.console"), "HW_APP ready\n"));
        assertEquals(-1, VmLinkHost.guestMapMs(console));
        assertEquals(-1, VmLinkHost.guestMapMs(new ConsoleLog("vm-x", dir.resolve("missing"))));
    }

    @Test
    void awaitFailsAtOnceOnAGuestErrorNamingDomainAndLog() throws Exception {
        Path log = Files.writeString(dir.resolve("c.console"), "HW_APP error timeout waitingFor=usable\n");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new ConsoleLog("vm-b", log).await("HW_APP mapped", System.nanoTime() + 60_000_000_000L));
        assertTrue(e.getMessage().contains("domain=vm-b console=" + log), e.getMessage());
        assertTrue(e.getMessage().contains("guestError=\"HW_APP error timeout waitingFor=usable\""), e.getMessage());
    }
}
