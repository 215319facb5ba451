package org.ovshighway.hotplug.libvirt;

import java.util.Locale;
import org.libvirt.LibvirtException;

/**
 * Maps a libvirt failure to a {@link HotplugException.Reason}. libvirt reports several distinct
 * operator problems under one generic code (a full PCI bus and an unreadable backing file are
 * both {@code VIR_ERR_INTERNAL_ERROR}), so the message text decides where the code does not.
 * The texts matched are libvirt 9's and QEMU 7's.
 */
public final class LibvirtErrors {
    private LibvirtErrors() {
    }

    /** The reason for a libvirt error of code {@code code} (its {@code ErrorNumber} name) and {@code message}. */
    public static HotplugException.Reason classify(String code, String message) {
        String text = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if ("VIR_ERR_NO_DOMAIN".equals(code) || text.contains("domain not found")) {
            return HotplugException.Reason.DOMAIN_NOT_FOUND;
        }
        if (text.contains("domain is not running")) {
            return HotplugException.Reason.DOMAIN_NOT_RUNNING;
        }
        if (text.contains("no more available pci slots") || text.contains("no free pci slot")) {
            return HotplugException.Reason.NO_PCI_SLOT;
        }
        if (text.contains("can't open backing store") || text.contains("permission denied")) {
            return HotplugException.Reason.REGION_FILE_ACCESS;
        }
        if (text.contains("prefetch") || text.contains("bar") && text.contains("window")) {
            return HotplugException.Reason.PREFETCH_WINDOW_TOO_SMALL;
        }
        return HotplugException.Reason.LIBVIRT;
    }

    /** A {@link HotplugException} for {@code e} that names {@code what}, the domain and the shmem device. */
    public static HotplugException wrap(String what, String domain, String shmem, LibvirtException e) {
        return wrap(what, domain, shmem, null, e);
    }

    /** Same, also naming the region file ({@code null}: not known here). */
    public static HotplugException wrap(String what, String domain, String shmem, Object region, LibvirtException e) {
        String code = e.getError() == null || e.getError().getCode() == null ? "unknown" : e.getError().getCode().name();
        String message = e.getError() == null ? e.getMessage() : e.getError().getMessage();
        return new HotplugException(classify(code, message), what + " failed: domain=" + domain
                + (region == null ? "" : " region=" + region) + " shmem=" + shmem + " libvirtCode=" + code + " libvirtMessage=" + (message == null ? "" : message.strip()), e);
    }
}
