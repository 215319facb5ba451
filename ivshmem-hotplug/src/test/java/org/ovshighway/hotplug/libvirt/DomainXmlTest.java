package org.ovshighway.hotplug.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DomainXmlTest {
    /** Trimmed from what libvirt 9 returns for a running pc domain with two hot-plugged devices. */
    private static final String LIVE = """
            <domain type='qemu' id='3'>
              <name>hw-vm-a</name>
              <uuid>6f1c8d0e-3b41-4f7a-9a52-0c3c1d2e4f50</uuid>
              <os><type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type></os>
              <devices>
                <shmem name='hw-link-1'>
                  <model type='ivshmem-plain'/>
                  <size unit='M'>4</size>
                  <alias name='shmem0'/>
                  <address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>
                </shmem>
                <shmem name='hw-port-1'>
                  <model type='ivshmem-plain'/>
                  <size unit='K'>64</size>
                </shmem>
              </devices>
            </domain>
            """;

    @Test
    void readsShmemDevicesWithSizesAndAddresses() {
        DomainXml xml = DomainXml.parse(LIVE);
        assertEquals("hw-vm-a", xml.domain());
        assertFalse(xml.isQ35());
        assertEquals(2, xml.shmems().size());
        ShmemDevice link = xml.shmem("hw-link-1").orElseThrow();
        assertEquals("ivshmem-plain", link.model());
        assertEquals(4L << 20, link.sizeBytes());
        assertEquals(Optional.of("0000:00:05.0"), link.pciAddress());
        ShmemDevice port = xml.shmem("hw-port-1").orElseThrow();
        assertEquals(64L << 10, port.sizeBytes());
        assertTrue(port.pciAddress().isEmpty());
        assertTrue(xml.shmem("other").isEmpty());
    }

    @Test
    void recognisesQ35() {
        DomainXml xml = DomainXml.parse("<domain><name>q</name><os><type machine='pc-q35-7.2'>hvm</type></os>"
                + "<devices/></domain>");
        assertTrue(xml.isQ35());
        assertTrue(xml.shmems().isEmpty());
    }

    @Test
    void defaultShmemUnitIsMebibytes() {
        assertEquals(8L << 20, DomainXml.scaled("d", "s", "8", ""));
        assertEquals(4096, DomainXml.scaled("d", "s", "4096", "bytes"));
    }

    @Test
    void rejectsMalformedInputNamingIt() {
        IllegalArgumentException notXml = assertThrows(IllegalArgumentException.class, () -> DomainXml.parse("<domain"));
        assertTrue(notXml.getMessage().contains("xml=<domain"), notXml.getMessage());
        IllegalArgumentException notDomain = assertThrows(IllegalArgumentException.class,
                () -> DomainXml.parse("<network/>"));
        assertTrue(notDomain.getMessage().contains("root=network"), notDomain.getMessage());
        IllegalArgumentException unit = assertThrows(IllegalArgumentException.class, () -> DomainXml.parse(
                "<domain><name>d</name><devices><shmem name='s'><size unit='parsec'>1</size></shmem></devices></domain>"));
        assertTrue(unit.getMessage().contains("domain=d shmem=s unit=parsec"), unit.getMessage());
    }

    @Test
    void refusesDoctypes() {
        String xxe = "<?xml version='1.0'?><!DOCTYPE d [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
                + "<domain><name>&x;</name></domain>";
        assertThrows(IllegalArgumentException.class, () -> DomainXml.parse(xxe));
    }

    @Test
    void warmUpParsesItsDomainAndLeavesTheParserReadyForTheNextDocument() {
        assertEquals(3, DomainXml.warmUp(3));
        assertThrows(IllegalArgumentException.class, () -> DomainXml.parse("<domain><name>x</name>"));
        DomainXml after = DomainXml.parse("<domain><name>d2</name><os><type machine='pc-q35-7.2'>hvm</type></os>"
                + "<devices><shmem name='s'><size unit='M'>2</size></shmem></devices></domain>");
        assertEquals("d2", after.domain());
        assertEquals(2L << 20, after.shmem("s").orElseThrow().sizeBytes());
        assertTrue(after.isQ35());
    }
}
