package org.ovshighway.hotplug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ovshighway.guest.abi.PciAddress;
import org.ovshighway.guest.mapping.IvshmemScanner;
import org.ovshighway.hotplug.libvirt.DomainAttacher;
import org.ovshighway.hotplug.libvirt.RegionFileAccess;
import org.ovshighway.hotplug.libvirt.ShmemAttachment;
import org.ovshighway.remapper.AttachedRegion;
import org.ovshighway.hotplug.libvirt.DevicePresence;

/**
 * Which way a region goes per guest: publishing under a process guest's root, or the hypervisor
 * for a VM. The hypervisor is a recording stand-in (no VM runs in a unit test; testbed/vm-test
 * runs the libvirt side against real VMs); the process side is the real {@link LocalPublisher}.
 */
class GuestRegionAttacherFakeDomainsTest {
    @TempDir
    Path tmp;

    /** Records every call and answers like libvirt would, with a made-up PCI address. */
    private static final class RecordingDomains implements DomainAttacher {
        final List<String> calls = new ArrayList<>();

        private ShmemAttachment attachment(String domain, Path file, String name, long size) throws IOException {
            var attributes = Files.readAttributes(file, java.nio.file.attribute.PosixFileAttributes.class);
            return new ShmemAttachment(domain, "uuid-" + domain, name, file, size, "0000:00:05.0",
                    new RegionFileAccess.Prepared(file, file, false, attributes.group(), attributes.permissions()));
        }

        @Override
        public ShmemAttachment attach(String domain, Path file, String name, long size) {
            calls.add("attach domain=" + domain + " file=" + file.getFileName() + " name=" + name + " size=" + size);
            try {
                return attachment(domain, file, name, size);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public ShmemAttachment adopt(String domain, Path file, String name, long size) {
            calls.add("adopt domain=" + domain + " file=" + file.getFileName() + " name=" + name + " size=" + size);
            try {
                return attachment(domain, file, name, size);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void detach(ShmemAttachment a) {
            calls.add("detach domain=" + a.domain() + " name=" + a.shmemName());
        }

        DevicePresence presence = DevicePresence.PRESENT;

        @Override
        public DevicePresence presence(ShmemAttachment a) {
            calls.add("presence domain=" + a.domain() + " name=" + a.shmemName());
            return presence;
        }

        @Override
        public ShmemAttachment replug(ShmemAttachment previous) {
            calls.add("replug domain=" + previous.domain() + " name=" + previous.shmemName());
            return new ShmemAttachment(previous.domain(), previous.domainUuid(), previous.shmemName(),
                    previous.regionFile(), previous.sizeBytes(), "0000:00:06.0", previous.access());
        }
    }

    private Path region(String name) throws IOException {
        Path file = Files.write(tmp.resolve(name), new byte[65536]);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Test
    void eachGuestsRegionsGoTheWayItWasRegistered() throws IOException {
        Path root = Files.createDirectory(tmp.resolve("ga-sysfs"));
        RecordingDomains domains = new RecordingDomains();
        GuestRegionAttacher attacher = new GuestRegionAttacher(domains).processGuest("ga", root)
                .vmGuest("vm-b", "hw-vm-b");
        Path link = region("hwlink-7");

        AttachedRegion toProcess = attacher.attach("ga", link, "hwlink-7");
        AttachedRegion toVm = attacher.attach("vm-b", link, "hwlink-7");

        assertInstanceOf(LocalPublication.class, toProcess.handle());
        assertEquals(List.of(link), new IvshmemScanner(root).scan().stream().map(d -> {
            try {
                return Files.readSymbolicLink(d.resource2());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList(), "the process guest sees the region under its root");
        ShmemAttachment vm = assertInstanceOf(ShmemAttachment.class, toVm.handle());
        assertEquals("hw-vm-b", vm.domain());
        assertEquals(PciAddress.parse("0000:00:05.0"), toVm.address(), "the ATTACH names the slot libvirt gave");
        assertEquals(List.of("attach domain=hw-vm-b file=hwlink-7 name=hwlink-7 size=65536"), domains.calls,
                "the VM's attach went to the hypervisor with the file's size, the process guest's did not");
        assertEquals(new GuestRegionAttacher.VmDomain("hw-vm-b"), attacher.placement("vm-b").orElseThrow());

        attacher.detach(toVm);
        attacher.detach(toProcess);
        assertEquals("detach domain=hw-vm-b name=hwlink-7", domains.calls.getLast());
        assertEquals(0, new IvshmemScanner(root).scan().size());
        assertEquals(2, domains.calls.size());
    }

    @Test
    void adoptionTakesOverThePublicationOrTheDomainsDevice() throws IOException {
        Path root = Files.createDirectory(tmp.resolve("ga-sysfs"));
        Path port = region("highway-port-pa");
        LocalPublication earlier = new LocalPublisher(root).publish(port);
        RecordingDomains domains = new RecordingDomains();
        GuestRegionAttacher attacher = new GuestRegionAttacher(domains).processGuest("ga", root)
                .vmGuest("vm-b", "hw-vm-b");

        AttachedRegion local = attacher.adopt("ga", port, "highway-port-pa");
        AttachedRegion vm = attacher.adopt("vm-b", port, "highway-port-pa");

        assertEquals(earlier.deviceDirectory(), ((LocalPublication) local.handle()).deviceDirectory(),
                "the earlier publication is kept, not a second one made");
        assertEquals(1, new IvshmemScanner(root).scan().size());
        assertEquals(List.of("adopt domain=hw-vm-b file=highway-port-pa name=highway-port-pa size=65536"), domains.calls);
        attacher.detach(local);
        attacher.detach(vm);
        assertEquals(0, new IvshmemScanner(root).scan().size());
    }

    @Test
    void aVmsLostDeviceIsSeenAndPluggedAgainWhileProcessPublicationsAreNotAsked() throws IOException {
        Path root = Files.createDirectory(tmp.resolve("ga-sysfs"));
        Path port = region("highway-port-pb");
        RecordingDomains domains = new RecordingDomains();
        GuestRegionAttacher attacher = new GuestRegionAttacher(domains).processGuest("ga", root)
                .vmGuest("vm-b", "hw-vm-b");
        AttachedRegion local = attacher.attach("ga", port, "highway-port-pb");
        AttachedRegion vm = attacher.attach("vm-b", port, "highway-port-pb");
        domains.calls.clear();

        assertEquals(Optional.empty(), attacher.presence(local), "a publication does not go away with its guest");
        domains.presence = DevicePresence.MISSING;
        assertEquals(Optional.of(DevicePresence.MISSING), attacher.presence(vm));
        AttachedRegion again = attacher.replug(vm);
        ShmemAttachment before = (ShmemAttachment) vm.handle();
        ShmemAttachment after = assertInstanceOf(ShmemAttachment.class, again.handle());
        assertEquals("0000:00:06.0", after.pciAddress());
        assertEquals(PciAddress.parse("0000:00:06.0"), again.address(), "the new slot, not the old one");
        assertEquals(before.access(), after.access(), "detach still undoes what the first attach changed");
        assertEquals(List.of("presence domain=hw-vm-b name=highway-port-pb",
                "replug domain=hw-vm-b name=highway-port-pb"), domains.calls);
        assertThrows(IllegalArgumentException.class, () -> attacher.replug(local));
        attacher.detach(again);
        attacher.detach(local);
    }

    @Test
    void unknownGuestsConflictsAndMissingHypervisorAreErrorsNamingTheGuest() throws IOException {
        Path root = Files.createDirectory(tmp.resolve("ga-sysfs"));
        Path file = region("hwlink-8");
        GuestRegionAttacher attacher = new GuestRegionAttacher(new RecordingDomains()).processGuest("ga", root);

        IOException unknown = assertThrows(IOException.class, () -> attacher.attach("gx", file, "hwlink-8"));
        assertTrue(unknown.getMessage().contains("guest=gx"), unknown.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> attacher.vmGuest("ga", "hw-vm-a"));
        assertTrue(twice.getMessage().contains("guest=ga first=publish-root=" + root + " then=domain=hw-vm-a"),
                twice.getMessage());
        attacher.processGuest("ga", root); // the same registration again is fine
        IllegalArgumentException noHypervisor = assertThrows(IllegalArgumentException.class,
                () -> new GuestRegionAttacher(null).vmGuest("vm-b", "hw-vm-b"));
        assertTrue(noHypervisor.getMessage().contains("guest=vm-b domain=hw-vm-b"), noHypervisor.getMessage());

        AttachedRegion foreign = new AttachedRegion("ga", "hwlink-8", file, "not a publication");
        assertThrows(IllegalArgumentException.class, () -> attacher.detach(foreign));
    }
}
