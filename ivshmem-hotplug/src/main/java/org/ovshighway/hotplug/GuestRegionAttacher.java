package org.ovshighway.hotplug;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.ovshighway.guest.abi.PciAddress;
import org.ovshighway.hotplug.libvirt.DevicePresence;
import org.ovshighway.hotplug.libvirt.DomainAttacher;
import org.ovshighway.hotplug.libvirt.ShmemAttachment;
import org.ovshighway.remapper.AttachedRegion;
import org.ovshighway.remapper.RegionAttacher;

/**
 * The {@link RegionAttacher} of an agent whose guests are processes, VMs or both: each guest is
 * registered once as a process guest (its sysfs-shaped root; regions are published there by a
 * {@link LocalPublisher}) or as a VM (its libvirt domain; regions are hot-plugged through a
 * {@link DomainAttacher}), and every attach, adoption and detach for that guest goes the same
 * way. Ring-port regions and link regions both pass through here, so a guest's devices all
 * come from one place. Thread-safe as far as the publishers and the domain attacher are.
 */
public final class GuestRegionAttacher implements RegionAttacher {
    /** Where one guest's regions go. */
    public sealed interface Placement permits ProcessRoot, VmDomain {
    }

    /** A process guest: regions are published under {@code root} (what it passes to {@code DeviceSource.sysfs}). */
    public record ProcessRoot(LocalPublisher publisher) implements Placement {
    }

    /** A VM: regions are hot-plugged into libvirt domain {@code domain} (name or UUID). */
    public record VmDomain(String domain) implements Placement {
    }

    private static final System.Logger LOG = System.getLogger(GuestRegionAttacher.class.getName());

    private final Map<String, Placement> guests = new ConcurrentHashMap<>();
    private final Map<Path, LocalPublisher> publishers = new ConcurrentHashMap<>();
    private final DomainAttacher domains;

    /**
     * @param domains hot-plugs regions into VMs; {@code null} when no guest is a VM (registering
     *                one is then an error)
     */
    public GuestRegionAttacher(DomainAttacher domains) {
        this.domains = domains;
    }

    /**
     * Guest {@code guest} is a process that reads devices under {@code root}. Guests sharing a
     * root share its publisher.
     *
     * @throws IllegalArgumentException when the guest is already registered another way
     */
    public GuestRegionAttacher processGuest(String guest, Path root) {
        LocalPublisher publisher = publishers.computeIfAbsent(root.toAbsolutePath().normalize(), LocalPublisher::new);
        register(guest, new ProcessRoot(publisher));
        return this;
    }

    /**
     * Guest {@code guest} is libvirt domain {@code domain}.
     *
     * @throws IllegalArgumentException when the guest is already registered another way, or this
     *                                  attacher was made without a domain attacher
     */
    public GuestRegionAttacher vmGuest(String guest, String domain) {
        if (domains == null) {
            throw new IllegalArgumentException("no hypervisor connection for VM guest=" + guest + " domain=" + domain);
        }
        register(guest, new VmDomain(Objects.requireNonNull(domain, "domain")));
        return this;
    }

    private void register(String guest, Placement placement) {
        Placement before = guests.putIfAbsent(Objects.requireNonNull(guest, "guest"), placement);
        if (before != null && !before.equals(placement)) {
            throw new IllegalArgumentException("guest registered twice, differently: guest=" + guest + " first="
                    + describe(before) + " then=" + describe(placement));
        }
    }

    /** Where guest {@code guest}'s regions go, empty when it is not registered. */
    public Optional<Placement> placement(String guest) {
        return Optional.ofNullable(guests.get(guest));
    }

    @Override
    public AttachedRegion attach(String guest, Path regionFile, String name) throws IOException {
        return switch (known(guest, regionFile, name)) {
            case ProcessRoot local -> LocalPublication.attached(guest, name, regionFile, local.publisher().publish(regionFile));
            case VmDomain vm -> vmAttached(guest, name, regionFile,
                    domains.attach(vm.domain(), regionFile, name, Files.size(regionFile)));
        };
    }

    /** Stages each process guest's next device directory ({@link LocalPublisher#stage}); VMs need nothing. */
    @Override
    public void prepare() {
        for (LocalPublisher publisher : publishers.values()) {
            try {
                publisher.stage();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot stage the next device of " + publisher + " (the next link"
                        + " attach makes it itself): " + e.getMessage());
            }
        }
    }

    /**
     * Takes over the device an earlier agent gave guest {@code guest} for {@code regionFile} (the
     * guest may be using it), or attaches it when there is none: the process guest's publication
     * is found by its {@code resource2} link, the VM's device by its shmem name {@code name}.
     *
     * @throws IOException as {@link #attach}, or when the VM's device of that name is another file's
     */
    @Override
    public AttachedRegion adopt(String guest, Path regionFile, String name) throws IOException {
        return switch (known(guest, regionFile, name)) {
            case ProcessRoot local -> LocalPublication.attached(guest, name, regionFile, local.publisher().adopt(regionFile));
            case VmDomain vm -> vmAttached(guest, name, regionFile,
                    domains.adopt(vm.domain(), regionFile, name, Files.size(regionFile)));
        };
    }

    /**
     * For a region attached to a VM: whether its device is still in the domain. Empty for a process
     * guest, whose publication lives in the host's file system and does not go away with the guest.
     *
     * @throws IOException when the hypervisor cannot answer
     */
    public Optional<DevicePresence> presence(AttachedRegion attached) throws IOException {
        if (attached.handle() instanceof ShmemAttachment attachment && guests.get(attached.guest()) instanceof VmDomain) {
            return Optional.of(domains.presence(attachment));
        }
        return Optional.empty();
    }

    /**
     * Plugs a VM's region device again after its domain lost it (see {@link DomainAttacher#replug});
     * the result replaces {@code attached}.
     *
     * @throws IllegalArgumentException when {@code attached} is not a VM device of this attacher
     * @throws IOException as {@link #attach}
     */
    public AttachedRegion replug(AttachedRegion attached) throws IOException {
        if (!(attached.handle() instanceof ShmemAttachment attachment)
                || !(guests.get(attached.guest()) instanceof VmDomain)) {
            throw new IllegalArgumentException("not a VM device of this attacher: guest=" + attached.guest()
                    + " name=" + attached.name());
        }
        return vmAttached(attached.guest(), attached.name(), attached.regionFile(), domains.replug(attachment));
    }

    /**
     * A VM's device with the PCI address libvirt gave it, which the ATTACH request names. On machine
     * pc the guest sees the device at that address; where it does not (bridges the guest numbers
     * otherwise), the guest finds the named device is not the link and lists its devices instead.
     */
    private static AttachedRegion vmAttached(String guest, String name, Path regionFile, ShmemAttachment attachment) {
        PciAddress address;
        try {
            address = PciAddress.parse(attachment.pciAddress());
        } catch (IllegalArgumentException e) {
            // an adopted device whose address libvirt did not report ("unknown")
            address = null;
        }
        return new AttachedRegion(guest, name, regionFile, attachment, address);
    }

    @Override
    public void detach(AttachedRegion attached) throws IOException {
        Placement placement = guests.get(attached.guest());
        switch (attached.handle()) {
            case LocalPublication publication when placement instanceof ProcessRoot local ->
                    local.publisher().unpublish(publication);
            case ShmemAttachment attachment when placement instanceof VmDomain -> domains.detach(attachment);
            default -> throw new IllegalArgumentException("not attached by this attacher: guest=" + attached.guest()
                    + " name=" + attached.name() + " placement=" + (placement == null ? "unknown" : describe(placement)));
        }
    }

    private Placement known(String guest, Path regionFile, String name) throws IOException {
        Placement placement = guests.get(guest);
        if (placement == null) {
            throw new IOException("guest unknown (neither a publish root nor a domain registered): guest=" + guest
                    + " region=" + regionFile + " name=" + name + " known=" + guests.keySet());
        }
        return placement;
    }

    /** {@code publish-root=PATH} or {@code domain=NAME}. */
    public static String describe(Placement placement) {
        return switch (placement) {
            case ProcessRoot local -> "publish-root=" + local.publisher().root();
            case VmDomain vm -> "domain=" + vm.domain();
        };
    }

    @Override
    public String toString() {
        return "GuestRegionAttacher[guests=" + guests.size() + " domains=" + domains + "]";
    }
}
