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
    void aLineStillBeingWrittenIsNotFoundUntilItsNewline() throws Exception {
        Path log = Files.writeString(dir.resolve("d.console"), "HW_APP ready\nTRAFFIC_SUMMARY port=p sent=5735 port_tx_bytes=3674");
        ConsoleLog console = new ConsoleLog("vm-c", log);
        assertEquals(java.util.Optional.empty(), console.find("TRAFFIC_SUMMARY port=p "));
        assertEquals("HW_APP ready", console.find("HW_APP ready").orElseThrow());
        Files.writeString(log, "24 remap_forced=0\r\n", java.nio.file.StandardOpenOption.APPEND);
        assertEquals("TRAFFIC_SUMMARY port=p sent=5735 port_tx_bytes=367424 remap_forced=0",
                console.find("TRAFFIC_SUMMARY port=p ").orElseThrow());
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
