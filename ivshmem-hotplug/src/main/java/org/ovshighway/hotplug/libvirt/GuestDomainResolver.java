package org.ovshighway.hotplug.libvirt;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which libvirt domain a ring port's guest is, from the OVS interface's {@code external_ids}.
 * In order of precedence: Highway's own mark {@code highway-guest} (the domain name, set when the
 * agent provisions a ring port for a VM), then what libvirt's openvswitch virtualport writes
 * ({@code vm-id}, the domain UUID), then the OpenStack convention {@code vm-uuid}.
 */
public final class GuestDomainResolver {
    /** Highway's mark: the guest (domain) name. Same key as ovs-plugin's {@code InterfaceInfo.GUEST_KEY}. */
    public static final String HIGHWAY_GUEST = "highway-guest";
    /** libvirt's openvswitch virtualport: the domain UUID. */
    public static final String LIBVIRT_VM_ID = "vm-id";
    /** OpenStack (Nova/Neutron): the instance (domain) UUID. */
    public static final String VM_UUID = "vm-uuid";
    /** The keys consulted, in order. */
    public static final List<String> KEYS = List.of(HIGHWAY_GUEST, LIBVIRT_VM_ID, VM_UUID);

    private GuestDomainResolver() {
    }

    /**
     * The domain (name or UUID, both accepted by {@link LibvirtAttacher}) for the interface.
     *
     * @throws IllegalArgumentException naming the interface and the keys looked for when none is set
     */
    public static String domainOf(String interfaceName, Map<String, String> externalIds) {
        Objects.requireNonNull(externalIds, "externalIds");
        for (String key : KEYS) {
            String value = externalIds.get(key);
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        throw new IllegalArgumentException("interface names no guest: interface=" + interfaceName + " lookedFor="
                + KEYS + " external_ids=" + externalIds);
    }
}
