package org.ovshighway.hotplug.libvirt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * Hot-plugs regions into running libvirt/QEMU domains as ivshmem-plain devices and unplugs them
 * ({@code virDomainAttachDeviceFlags} / {@code virDomainDetachDeviceFlags} with
 * {@code VIR_DOMAIN_AFFECT_LIVE}: nothing is written to the persistent definition, so a region
 * never survives a restart of its VM).
 *
 * <p>Attach: look the domain up (name or UUID), refuse when it is not running, already has a
 * device of that name, or (q35) its hot-plug window cannot hold the BAR; make the file QEMU's
 * ({@link RegionFileAccess}); attach; read the live XML back for the PCI address. On any failure
 * everything is undone: a device that did appear is detached, the symlink removed, the file's
 * group and mode restored. The region file itself belongs to its creator and is never deleted here.
 *
 * <p>Detach: request the unplug, then wait until the device has left the live XML (the guest
 * must acknowledge an ACPI unplug; libvirt returns before that). A domain that is gone has no
 * device left, which counts as detached.
 *
 * <p>One libvirt connection; calls are serialised. libvirtd restarting (an upgrade, an operator)
 * closes it, which the client notices only when a call fails: every operation starts with a
 * lookup of the domain, and a lookup that fails on a connection that is no longer alive connects
 * again and looks once more (logged), so the next operation after a restart works.
 */
public final class LibvirtAttacher implements DomainAttacher, AutoCloseable {
    /** The system QEMU driver. */
    public static final String SYSTEM_URI = "qemu:///system";
    /**
     * Largest BAR a q35 hot-plug root port takes without {@code pref64-reserve} (QEMU's default
     * reservation is 2 MiB of 64-bit prefetchable space per root port when firmware honours it).
     */
    public static final long Q35_DEFAULT_WINDOW = 2L << 20;

    private static final System.Logger LOG = System.getLogger(LibvirtAttacher.class.getName());
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
            + "[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /**
     * Guarded by this: replaced when libvirtd restarted under it; null from the loss until a new
     * connection is made (an outage: its loss is logged once).
     */
    private Connect connect;
    /** Guarded by this: connections made again after a loss. */
    private int reconnects;
    private final String uri;
    private final RegionFileAccess access;
    private final DetachWaits detachWaits;
    private final long q35Window;

    private LibvirtAttacher(Connect connect, String uri, RegionFileAccess access, Duration detachTimeout,
                            long q35Window) {
        this.connect = connect;
        this.uri = uri;
        this.access = access;
        this.detachWaits = new DetachWaits(detachTimeout);
        this.q35Window = q35Window;
    }

    /** Connects to {@code qemu:///system} with group {@code libvirt-qemu}, a 10 s detach deadline, a 2 MiB q35 window. */
    public static LibvirtAttacher connect() throws HotplugException {
        return connect(SYSTEM_URI, new RegionFileAccess(RegionFileAccess.DEFAULT_GROUP), Duration.ofSeconds(10),
                Q35_DEFAULT_WINDOW);
    }

    /**
     * Connects to {@code uri}.
     *
     * @param q35Window the largest BAR a q35 domain's hot-plug port holds (its {@code pref64-reserve})
     */
    public static LibvirtAttacher connect(String uri, RegionFileAccess access, Duration detachTimeout, long q35Window)
            throws HotplugException {
        Objects.requireNonNull(uri, "uri");
        try {
            return new LibvirtAttacher(new Connect(uri), uri, Objects.requireNonNull(access, "access"),
                    Objects.requireNonNull(detachTimeout, "detachTimeout"), q35Window);
        } catch (LibvirtException e) {
            throw LibvirtErrors.wrap("connect uri=" + uri, "-", "-", e);
        }
    }

    /**
     * Runs the attacher's own code around the libvirt calls until it is compiled, without touching
     * libvirt: {@code parses} parses of a domain XML ({@link DomainXml#warmUp}) and one lookup of the
     * QEMU group (the first lookup of a process reads the name service's configuration). Call it on
     * a thread of its own; attaches may run meanwhile.
     *
     * @return parses done (fewer when the thread was interrupted)
     */
    public int warmUp(int parses) {
        access.checkGroup();
        return DomainXml.warmUp(parses);
    }

    /**
     * Attaches {@code regionFile} to running domain {@code domain} (name or UUID) as shmem device
     * {@code shmemName} of {@code size} bytes (a power of two, at most the file's size).
     *
     * @throws HotplugException naming domain, region and shmem; nothing this call made is left
     */
    @Override
    public synchronized ShmemAttachment attach(String domain, Path regionFile, String shmemName, long size)
            throws HotplugException {
        long called = System.nanoTime();
        String deviceXml;
        try {
            deviceXml = ShmemDeviceXml.render(shmemName, size);
        } catch (IllegalArgumentException e) {
            throw new HotplugException(HotplugException.Reason.REGION_FILE, e.getMessage() + " domain=" + domain
                    + " region=" + regionFile, e);
        }
        Domain dom = lookup(domain, shmemName, regionFile);
        String name;
        String uuid;
        String beforeXml;
        long lookupMicros;
        try {
            name = dom.getName();
            uuid = dom.getUUIDString();
            if (dom.isActive() != 1) {
                throw new HotplugException(HotplugException.Reason.DOMAIN_NOT_RUNNING, "domain=" + name + " region="
                        + regionFile + " shmem=" + shmemName);
            }
            beforeXml = dom.getXMLDesc(0);
            lookupMicros = (System.nanoTime() - called) / 1000;
        } catch (LibvirtException e) {
            throw LibvirtErrors.wrap("reading domain", domain, shmemName, regionFile, e);
        }
        DomainXml before = DomainXml.parse(beforeXml);
        String where = "domain=" + name + " region=" + regionFile + " shmem=" + shmemName;
        if (before.shmem(shmemName).isPresent()) {
            throw new HotplugException(HotplugException.Reason.DEVICE_EXISTS, where);
        }
        if (before.isQ35() && size > q35Window) {
            throw new HotplugException(HotplugException.Reason.PREFETCH_WINDOW_TOO_SMALL, where + " machine="
                    + before.machine() + " size=" + size + " window=" + q35Window
                    + " (give the hot-plug root ports pref64-reserve >= size, or use machine pc)");
        }
        RegionFileAccess.Prepared prepared = access.prepare(name, regionFile, shmemName, size);
        long started = System.nanoTime();
        try {
            dom.attachDeviceFlags(deviceXml, Domain.DeviceModifyFlags.LIVE);
        } catch (LibvirtException e) {
            HotplugException failure = LibvirtErrors.wrap("attach", name, shmemName, regionFile, e);
            rollback(name, shmemName, size, prepared, failure);
            throw failure;
        }
        try {
            Optional<ShmemDevice> device = DomainXml.parse(dom.getXMLDesc(0)).shmem(shmemName);
            if (device.isEmpty() || device.get().pciAddress().isEmpty()) {
                HotplugException failure = new HotplugException(HotplugException.Reason.LIBVIRT,
                        "attached device has no PCI address in the live XML: " + where);
                rollback(name, shmemName, size, prepared, failure);
                throw failure;
            }
            ShmemAttachment attachment = new ShmemAttachment(name, uuid, shmemName, prepared.regionFile(), size,
                    device.get().pciAddress().get(), prepared);
            long end = System.nanoTime();
            long micros = (end - started) / 1000;
            long callMicros = (end - called) / 1000;
            // us: libvirt's attach and the live XML read back; lookup_us: finding the domain and
            // reading its XML before (libvirt); call_us: this whole call (both, plus parsing the
            // XML before and the file's group, mode and symlink)
            LOG.log(System.Logger.Level.INFO, () -> "attached " + where + " pci=" + attachment.pciAddress()
                    + " size=" + size + " us=" + micros + " lookup_us=" + lookupMicros + " call_us=" + callMicros);
            return attachment;
        } catch (LibvirtException e) {
            HotplugException failure = LibvirtErrors.wrap("reading domain after attach", name, shmemName, regionFile, e);
            rollback(name, shmemName, size, prepared, failure);
            throw failure;
        }
    }

    /**
     * Takes over device {@code shmemName} that an agent which ended without cleaning up attached
     * to {@code domain} for {@code regionFile}: when the live XML has it and
     * {@code /dev/shm/<shmemName>} still leads to {@code regionFile}, returns it as if
     * {@link #attach} had made it (a symlink there is removed by its detach); when the domain has
     * no such device, attaches it.
     *
     * @throws HotplugException DEVICE_EXISTS when the device is backed by another file; else as
     *                          {@link #attach}
     */
    @Override
    public synchronized ShmemAttachment adopt(String domain, Path regionFile, String shmemName, long size)
            throws HotplugException {
        Domain dom = lookup(domain, shmemName, regionFile);
        String name;
        String uuid;
        Optional<ShmemDevice> device;
        try {
            name = dom.getName();
            uuid = dom.getUUIDString();
            if (dom.isActive() != 1) {
                throw new HotplugException(HotplugException.Reason.DOMAIN_NOT_RUNNING, "domain=" + name + " region="
                        + regionFile + " shmem=" + shmemName);
            }
            device = DomainXml.parse(dom.getXMLDesc(0)).shmem(shmemName);
        } catch (LibvirtException e) {
            throw LibvirtErrors.wrap("reading domain", domain, shmemName, regionFile, e);
        }
        if (device.isEmpty()) {
            return attach(domain, regionFile, shmemName, size);
        }
        Path file = regionFile.toAbsolutePath().normalize();
        Path backing = ShmemName.backingPath(shmemName);
        String where = "domain=" + name + " region=" + file + " shmem=" + shmemName;
        try {
            if (!Files.isSameFile(backing, file)) {
                throw new HotplugException(HotplugException.Reason.DEVICE_EXISTS, where + " backingPath=" + backing
                        + " (the domain's device of that name is backed by another file)");
            }
            var attributes = Files.readAttributes(file, java.nio.file.attribute.PosixFileAttributes.class);
            boolean link = !file.equals(backing) && Files.isSymbolicLink(backing);
            RegionFileAccess.Prepared kept = new RegionFileAccess.Prepared(file, backing, link, attributes.group(),
                    attributes.permissions());
            ShmemAttachment adopted = new ShmemAttachment(name, uuid, shmemName, file, size,
                    device.get().pciAddress().orElse("unknown"), kept);
            LOG.log(System.Logger.Level.INFO, () -> "adopted " + where + " pci=" + adopted.pciAddress());
            return adopted;
        } catch (IOException e) {
            throw new HotplugException(HotplugException.Reason.DEVICE_EXISTS, where + " backingPath=" + backing
                    + " (the domain has a device of that name whose backing file cannot be compared: " + e + ")", e);
        }
    }

    /**
     * Detaches what {@link #attach} made and waits until the device is gone from the live domain;
     * removes the symlink the attach created, also when the guest did not release the device in
     * time. The region file stays (its creator deletes it).
     *
     * @throws HotplugException DETACH_TIMEOUT or a libvirt reason, naming domain and region
     */
    @Override
    public synchronized void detach(ShmemAttachment attachment) throws HotplugException {
        HotplugException unreleased = null;
        try {
            detach(attachment.domainUuid(), attachment.shmemName(), attachment.sizeBytes(), attachment.regionFile());
        } catch (HotplugException e) {
            if (e.reason() != HotplugException.Reason.DETACH_TIMEOUT) {
                throw e;
            }
            unreleased = e;
        }
        try {
            // a device the guest has not released yet keeps QEMU's own open of the file: the name is not needed
            removeLink(attachment);
        } catch (HotplugException e) {
            if (unreleased == null) {
                throw e;
            }
            unreleased.addSuppressed(e);
        }
        if (unreleased != null) {
            throw unreleased;
        }
    }

    private static void removeLink(ShmemAttachment attachment) throws HotplugException {
        if (attachment.access().linkCreated()) {
            try {
                Files.deleteIfExists(attachment.access().backingPath());
            } catch (IOException e) {
                throw new HotplugException(HotplugException.Reason.REGION_FILE, "cannot remove symlink after detach:"
                        + " domain=" + attachment.domain() + " region=" + attachment.regionFile() + " path="
                        + attachment.access().backingPath(), e);
            }
        }
    }

    /**
     * Begins the owner's stop: from now on every unplug, one already waiting included, stops waiting
     * for its guest {@code wait} from now at the latest, instead of each waiting its own detach
     * timeout ({@link DetachWaits}). Devices not released by then stay attached until their guests
     * release them. Only the first call counts; callable while an unplug is waiting.
     */
    public void shareDetachWait(Duration wait) {
        if (detachWaits.share(System.nanoTime(), wait)) {
            LOG.log(System.Logger.Level.INFO, () -> "unplugs from now on share one wait for their guests: waitMs="
                    + wait.toMillis() + " uri=" + uri);
        }
    }

    /**
     * Detaches shmem device {@code shmemName} of {@code size} bytes from {@code domain} (name or
     * UUID) and waits until it is gone; {@code false} when the domain had no such device (or is
     * gone). libvirt matches the request by name, model and exact size, and its live XML shows
     * sizes rounded down to MiB, so the caller passes the size it attached.
     */
    public synchronized boolean detach(String domain, String shmemName, long size, Path regionFileForMessages)
            throws HotplugException {
        String where = "domain=" + domain + " region=" + regionFileForMessages + " shmem=" + shmemName;
        Domain dom;
        try {
            dom = lookup(domain, shmemName, regionFileForMessages);
        } catch (HotplugException e) {
            if (e.reason() == HotplugException.Reason.DOMAIN_NOT_FOUND) {
                LOG.log(System.Logger.Level.INFO, () -> "detach: domain gone, device gone with it: " + where);
                return false;
            }
            throw e;
        }
        try {
            if (dom.isActive() != 1 || DomainXml.parse(dom.getXMLDesc(0)).shmem(shmemName).isEmpty()) {
                return false;
            }
            dom.detachDeviceFlags(ShmemDeviceXml.render(shmemName, size), Domain.DeviceModifyFlags.LIVE);
        } catch (IllegalArgumentException e) {
            throw new HotplugException(HotplugException.Reason.REGION_FILE, e.getMessage() + " " + where, e);
        } catch (LibvirtException e) {
            HotplugException failure = LibvirtErrors.wrap("detach", domain, shmemName, regionFileForMessages, e);
            if (failure.reason() == HotplugException.Reason.DOMAIN_NOT_FOUND
                    || failure.reason() == HotplugException.Reason.DOMAIN_NOT_RUNNING) {
                return false;
            }
            // the VM may have shut down while libvirt waited for the unplug ("End of file from
            // qemu monitor", "Unable to read from monitor"): its QEMU is gone, and the device
            // with it; libvirt may still call it running for a moment
            if (endedOrDeviceGone(dom, shmemName)) {
                LOG.log(System.Logger.Level.INFO, () -> "detach: domain ended during the unplug: " + where);
                return true;
            }
            throw failure;
        }
        long requested = System.nanoTime();
        while (true) {
            try {
                if (dom.isActive() != 1 || DomainXml.parse(dom.getXMLDesc(0)).shmem(shmemName).isEmpty()) {
                    LOG.log(System.Logger.Level.INFO, () -> "detached " + where);
                    return true;
                }
            } catch (LibvirtException e) {
                HotplugException failure = LibvirtErrors.wrap("waiting for detach", domain, shmemName, regionFileForMessages, e);
                if (failure.reason() == HotplugException.Reason.DOMAIN_NOT_FOUND
                        || endedOrDeviceGone(dom, shmemName)) {
                    return true;
                }
                throw failure;
            }
            if (detachWaits.over(requested, System.nanoTime())) {
                throw new HotplugException(HotplugException.Reason.DETACH_TIMEOUT, where + " " + detachWaits.describe()
                        + " (the guest did not release the device; it stays attached until the guest does)");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HotplugException(HotplugException.Reason.DETACH_TIMEOUT, where + " interrupted", e);
            }
        }
    }

    @Override
    public synchronized DevicePresence presence(ShmemAttachment attachment) throws HotplugException {
        Domain dom;
        try {
            dom = lookup(attachment.domain(), attachment.shmemName(), attachment.regionFile());
        } catch (HotplugException e) {
            if (e.reason() == HotplugException.Reason.DOMAIN_NOT_FOUND) {
                return DevicePresence.DOMAIN_NOT_FOUND;
            }
            throw e;
        }
        try {
            if (dom.isActive() != 1) {
                return DevicePresence.DOMAIN_NOT_RUNNING;
            }
            return DomainXml.parse(dom.getXMLDesc(0)).shmem(attachment.shmemName()).isPresent()
                    ? DevicePresence.PRESENT : DevicePresence.MISSING;
        } catch (LibvirtException e) {
            HotplugException failure = LibvirtErrors.wrap("reading domain", attachment.domain(),
                    attachment.shmemName(), attachment.regionFile(), e);
            // the domain ended between the lookup and the read
            if (failure.reason() == HotplugException.Reason.DOMAIN_NOT_FOUND) {
                return DevicePresence.DOMAIN_NOT_FOUND;
            }
            if (failure.reason() == HotplugException.Reason.DOMAIN_NOT_RUNNING) {
                return DevicePresence.DOMAIN_NOT_RUNNING;
            }
            throw failure;
        }
    }

    @Override
    public synchronized ShmemAttachment replug(ShmemAttachment previous) throws HotplugException {
        ShmemAttachment now = adopt(previous.domain(), previous.regionFile(), previous.shmemName(),
                previous.sizeBytes());
        // The symlink and the file's group and mode are still those the first attach set: what
        // that attach changed, not what this call found, is what detach must undo.
        ShmemAttachment replugged = new ShmemAttachment(now.domain(), now.domainUuid(), now.shmemName(),
                now.regionFile(), now.sizeBytes(), now.pciAddress(), previous.access());
        LOG.log(System.Logger.Level.INFO, () -> "re-plugged domain=" + replugged.domain() + " region="
                + replugged.regionFile() + " shmem=" + replugged.shmemName() + " pci=" + replugged.pciAddress()
                + " previousPci=" + previous.pciAddress());
        return replugged;
    }

    /**
     * The shmem devices running domain {@code domain} has now (live XML), e.g. to find what an
     * agent that was killed left behind.
     *
     * @throws HotplugException DOMAIN_NOT_FOUND, DOMAIN_NOT_RUNNING or a libvirt reason, naming the domain
     */
    public synchronized java.util.List<ShmemDevice> shmemDevices(String domain) throws HotplugException {
        Domain dom = lookup(domain, "-", Path.of("-"));
        try {
            if (dom.isActive() != 1) {
                throw new HotplugException(HotplugException.Reason.DOMAIN_NOT_RUNNING, "domain=" + domain);
            }
            return DomainXml.parse(dom.getXMLDesc(0)).shmems();
        } catch (LibvirtException e) {
            throw LibvirtErrors.wrap("reading domain", domain, "-", Path.of("-"), e);
        }
    }

    /** How long a failed unplug call waits for its domain to finish ending before it reports the failure. */
    private static final long ENDING_GRACE_NANOS = 3_000_000_000L;

    /**
     * After libvirt failed an unplug call: whether, within a short grace period, the domain
     * stopped running (or no longer exists) or the device left its live XML anyway.
     */
    private static boolean endedOrDeviceGone(Domain dom, String shmemName) {
        long deadline = System.nanoTime() + ENDING_GRACE_NANOS;
        while (true) {
            try {
                if (dom.isActive() != 1 || DomainXml.parse(dom.getXMLDesc(0)).shmem(shmemName).isEmpty()) {
                    return true;
                }
            } catch (LibvirtException e) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private Domain lookup(String domain, String shmemName, Path regionFile) throws HotplugException {
        Objects.requireNonNull(domain, "domain");
        try {
            if (connect == null) {
                connectAgain(null);
            }
            try {
                return lookupOnce(domain);
            } catch (LibvirtException e) {
                if (connectedAgainAfter(e)) {
                    return lookupOnce(domain);
                }
                throw e;
            }
        } catch (LibvirtException e) {
            HotplugException failure = LibvirtErrors.wrap("lookup", domain, shmemName, regionFile, e);
            if (failure.reason() == HotplugException.Reason.DOMAIN_NOT_FOUND) {
                throw new HotplugException(HotplugException.Reason.DOMAIN_NOT_FOUND, "domain=" + domain + " region="
                        + regionFile + " shmem=" + shmemName + " uri=" + uri, e);
            }
            throw failure;
        }
    }

    private Domain lookupOnce(String domain) throws LibvirtException {
        return UUID.matcher(domain).matches() ? connect.domainLookupByUUIDString(domain)
                : connect.domainLookupByName(domain);
    }

    /**
     * After {@code failure} of a call: when the connection is no longer alive (libvirtd went away),
     * opens a new one and returns true; false when the connection is alive (the failure was the
     * call's own).
     */
    private boolean connectedAgainAfter(LibvirtException failure) throws HotplugException {
        boolean alive;
        try {
            alive = connect.isAlive();
        } catch (LibvirtException e) {
            alive = false;
        }
        if (alive) {
            return false;
        }
        connectAgain(failure);
        return true;
    }

    /**
     * Replaces the lost connection ({@code failure}: what showed the loss, null when an earlier
     * attempt of this outage already failed). The loss is logged once per outage, not per attempt.
     *
     * @throws HotplugException naming the URI when libvirtd cannot be reached (the connection then
     *                          stays null until a later call tries again)
     */
    private void connectAgain(LibvirtException failure) throws HotplugException {
        if (connect != null) {
            LOG.log(System.Logger.Level.WARNING, "libvirt connection lost: uri=" + uri + " ("
                    + (failure == null ? "-" : failure.getMessage()) + "); connecting again at each call until it answers");
            Connect dead = connect;
            connect = null;
            try {
                dead.close();
            } catch (LibvirtException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "closing the lost libvirt connection: " + e.getMessage());
            }
        }
        try {
            connect = new Connect(uri);
        } catch (LibvirtException e) {
            HotplugException unreachable = LibvirtErrors.wrap("connect again uri=" + uri, "-", "-", e);
            if (failure != null) {
                unreachable.addSuppressed(failure);
            }
            throw unreachable;
        }
        reconnects++;
        LOG.log(System.Logger.Level.INFO, "libvirt connected again: uri=" + uri);
    }

    /** Undoes a failed attach: the device if it appeared, then the file system changes; problems go into {@code failure}. */
    private void rollback(String name, String shmemName, long size, RegionFileAccess.Prepared prepared,
                          HotplugException failure) {
        try {
            detach(name, shmemName, size, prepared.regionFile());
        } catch (HotplugException e) {
            failure.addSuppressed(e);
        }
        prepared.undo(failure);
        LOG.log(System.Logger.Level.WARNING, () -> "attach rolled back: " + failure.getMessage());
    }

    /**
     * One line for a status report: {@code uri=U connected=true reconnects=N}; {@code connected}
     * is as the last call found it (the client notices a restarted libvirtd only when a call fails).
     */
    public synchronized String describe() {
        return "uri=" + uri + " connected=" + (connect != null) + " reconnects=" + reconnects;
    }

    @Override
    public synchronized void close() throws HotplugException {
        if (connect == null) {
            return;
        }
        try {
            connect.close();
        } catch (LibvirtException e) {
            throw LibvirtErrors.wrap("close uri=" + uri, "-", "-", e);
        }
    }

    @Override
    public String toString() {
        return "LibvirtAttacher[uri=" + uri + " " + access + "]";
    }
}
