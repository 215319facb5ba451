package org.ovshighway.hotplug.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.ovshighway.hotplug.libvirt.HotplugException.Reason;

/** The texts are libvirt 9.0 / QEMU 7.2's, as seen on Debian 12. */
class LibvirtErrorsTest {
    @Test
    void domainGone() {
        assertEquals(Reason.DOMAIN_NOT_FOUND, LibvirtErrors.classify("VIR_ERR_NO_DOMAIN",
                "Domain not found: no domain with matching name 'hw-vm-a'"));
        assertEquals(Reason.DOMAIN_NOT_FOUND, LibvirtErrors.classify("VIR_ERR_INTERNAL_ERROR",
                "Domain not found: no domain with matching uuid '6f1c8d0e-3b41-4f7a-9a52-0c3c1d2e4f50'"));
    }

    @Test
    void domainNotRunning() {
        assertEquals(Reason.DOMAIN_NOT_RUNNING, LibvirtErrors.classify("VIR_ERR_OPERATION_INVALID",
                "Requested operation is not valid: domain is not running"));
    }

    @Test
    void busFull() {
        assertEquals(Reason.NO_PCI_SLOT, LibvirtErrors.classify("VIR_ERR_INTERNAL_ERROR",
                "internal error: No more available PCI slots"));
    }

    @Test
    void backingFileClosedToQemu() {
        assertEquals(Reason.REGION_FILE_ACCESS, LibvirtErrors.classify("VIR_ERR_INTERNAL_ERROR",
                "internal error: unable to execute QEMU command 'object-add': can't open backing store "
                        + "/dev/shm/hw-link-1 for guest RAM: Permission denied"));
    }

    @Test
    void anythingElseKeepsTheGenericReason() {
        assertEquals(Reason.LIBVIRT, LibvirtErrors.classify("VIR_ERR_XML_ERROR", "XML error: bad shmem"));
        assertEquals(Reason.LIBVIRT, LibvirtErrors.classify("unknown", null));
    }
}
