package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ovshighway.hotplug.GuestRegionAttacher;
import org.ovshighway.hotplug.libvirt.DomainAttacher;
import org.ovshighway.hotplug.libvirt.HotplugException;
import org.ovshighway.hotplug.libvirt.DevicePresence;
import org.ovshighway.hotplug.libvirt.ShmemAttachment;

/** The agent registers each configured guest with the attacher its ports' placement names. */
class GuestAttacherChoiceTest {
    @TempDir
    Path dir;

    /** No VM runs in a unit test: a hypervisor that refuses everything stands in for libvirt. */
    private static final DomainAttacher REFUSING_HYPERVISOR = new DomainAttacher() {
        @Override
        public ShmemAttachment attach(String domain, Path file, String name, long size) throws HotplugException {
            throw new HotplugException(HotplugException.Reason.DOMAIN_NOT_FOUND, "domain=" + domain);
        }

        @Override
        public ShmemAttachment adopt(String domain, Path file, String name, long size) throws HotplugException {
            throw new HotplugException(HotplugException.Reason.DOMAIN_NOT_FOUND, "domain=" + domain);
        }

        @Override
        public void detach(ShmemAttachment attachment) {
        }

        @Override
        public DevicePresence presence(ShmemAttachment attachment) {
            return DevicePresence.DOMAIN_NOT_FOUND;
        }

        @Override
        public ShmemAttachment replug(ShmemAttachment previous) throws HotplugException {
            throw new HotplugException(HotplugException.Reason.DOMAIN_NOT_FOUND, "domain=" + previous.domain());
        }
    };

    @Test
    void processPortsPublishAndDomainPortsGoToTheirVm() throws Exception {
        Path sockets = Files.createDirectory(dir.resolve("sockets"));
        Path root = Files.createDirectory(dir.resolve("ga"));
        AgentConfig config = AgentConfig.load(Files.writeString(dir.resolve("h.properties"),
                "ovsdb=unix:/run/ovs/db.sock\nbridge=br0\nmemif-socket-dir=" + sockets + "\n"
                        + "ring-port.pa.guest=ga\nring-port.pa.publish-root=" + root + "\n"
                        + "ring-port.pb.guest=vm-b\nring-port.pb.domain=hw-vm-b\n"));
        GuestRegionAttacher attacher = RingPortAgent.guestAttacher(config, REFUSING_HYPERVISOR);
        GuestRegionAttacher.ProcessRoot local = assertInstanceOf(GuestRegionAttacher.ProcessRoot.class,
                attacher.placement("ga").orElseThrow());
        assertEquals(root, local.publisher().root());
        assertEquals(new GuestRegionAttacher.VmDomain("hw-vm-b"), attacher.placement("vm-b").orElseThrow());

        Path region = Files.write(dir.resolve("hwlink-1"), new byte[4096]);
        HotplugException refused = assertThrows(HotplugException.class, () -> attacher.attach("vm-b", region, "hwlink-1"));
        assertTrue(refused.getMessage().contains("domain=hw-vm-b"), "a link for vm-b goes to its domain");
        attacher.detach(attacher.attach("ga", region, "hwlink-1"));

        IllegalArgumentException noLibvirt = assertThrows(IllegalArgumentException.class,
                () -> RingPortAgent.guestAttacher(config, null));
        assertTrue(noLibvirt.getMessage().contains("domain=hw-vm-b"), noLibvirt.getMessage());
    }
}
