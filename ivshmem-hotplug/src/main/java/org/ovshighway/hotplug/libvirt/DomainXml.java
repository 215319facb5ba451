package org.ovshighway.hotplug.libvirt;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * What the attacher reads from a domain's live XML ({@code virDomainGetXMLDesc}): its shmem
 * devices and its machine type. Parsed without DTDs or external entities.
 */
public final class DomainXml {
    /**
     * One parser, made on first use and reset after each parse, under {@link #PARSER_LOCK}: a new
     * factory and builder for every parse cost 1.5-3 ms of each attach here (the factory lookup
     * alone 0.2 ms).
     */
    private static DocumentBuilder builder;
    private static final Object PARSER_LOCK = new Object();

    /**
     * What {@link #warmUp} parses: a live XML as libvirt gives it for a running domain with one
     * hot-plugged shmem device (names and numbers made up).
     */
    private static final String WARMUP_XML = """
            <domain type='qemu' id='7'>
              <name>highway-warmup</name>
              <uuid>00000000-0000-4000-8000-000000000000</uuid>
              <memory unit='KiB'>524288</memory>
              <currentMemory unit='KiB'>524288</currentMemory>
              <vcpu placement='static'>1</vcpu>
              <resource><partition>/machine</partition></resource>
              <os><type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type><kernel>/var/lib/vmlinuz</kernel>
                <initrd>/var/lib/initrd.img</initrd><cmdline>console=ttyS0 quiet</cmdline><boot dev='hd'/></os>
              <features><acpi/></features>
              <cpu mode='custom' match='exact' check='full'><model fallback='forbid'>qemu64</model></cpu>
              <clock offset='utc'/>
              <on_poweroff>destroy</on_poweroff><on_reboot>restart</on_reboot><on_crash>destroy</on_crash>
              <devices>
                <emulator>/usr/bin/qemu-system-x86_64</emulator>
                <controller type='usb' index='0' model='none'><alias name='usb'/></controller>
                <controller type='pci' index='0' model='pci-root'><alias name='pci.0'/></controller>
                <serial type='file'><source path='/var/log/highway.console'/><target type='isa-serial' port='0'>
                  <model name='isa-serial'/></target><alias name='serial0'/></serial>
                <console type='file'><source path='/var/log/highway.console'/><target type='serial' port='0'/>
                  <alias name='serial0'/></console>
                <input type='mouse' bus='ps2'><alias name='input0'/></input>
                <audio id='1' type='none'/>
                <memballoon model='none'/>
                <shmem name='highway-port-warmup'><model type='ivshmem-plain'/><size unit='M'>16</size>
                  <alias name='shmem0'/><address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/></shmem>
                <shmem name='hwlink-1'><model type='ivshmem-plain'/><size unit='M'>4</size>
                  <alias name='shmem1'/><address type='pci' domain='0x0000' bus='0x00' slot='0x06' function='0x0'/></shmem>
              </devices>
              <seclabel type='dynamic' model='dac' relabel='yes'><label>+64055:+994</label>
                <imagelabel>+64055:+994</imagelabel></seclabel>
            </domain>
            """;

    private final String domain;
    private final String machine;
    private final List<ShmemDevice> shmems;

    private DomainXml(String domain, String machine, List<ShmemDevice> shmems) {
        this.domain = domain;
        this.machine = machine;
        this.shmems = List.copyOf(shmems);
    }

    /**
     * Parses a domain's XML.
     *
     * @throws IllegalArgumentException naming what is malformed (quoting the start of the text)
     */
    public static DomainXml parse(String xml) {
        Document document;
        synchronized (PARSER_LOCK) {
            if (builder == null) {
                builder = newBuilder();
            }
            try {
                document = builder.parse(new InputSource(new StringReader(xml)));
            } catch (SAXException | IOException e) {
                throw new IllegalArgumentException("domain XML does not parse: " + e.getMessage() + " xml=" + head(xml), e);
            } finally {
                builder.reset();
            }
        }
        Element root = document.getDocumentElement();
        if (!"domain".equals(root.getTagName())) {
            throw new IllegalArgumentException("not a domain XML: root=" + root.getTagName() + " xml=" + head(xml));
        }
        String name = text(child(root, "name"));
        String machine = "";
        Element os = child(root, "os");
        if (os != null && child(os, "type") != null) {
            machine = child(os, "type").getAttribute("machine");
        }
        List<ShmemDevice> shmems = new ArrayList<>();
        Element devices = child(root, "devices");
        if (devices != null) {
            for (Element shmem : children(devices, "shmem")) {
                shmems.add(shmem(name, shmem));
            }
        }
        return new DomainXml(name, machine, shmems);
    }

    /**
     * Parses a representative live domain XML {@code parses} times (stopping early when the
     * thread is interrupted) so that the attach path's parses run compiled: an agent attaches
     * too rarely for the JIT to get there, and cold, each parse took milliseconds here.
     *
     * @return parses done
     */
    public static int warmUp(int parses) {
        int done = 0;
        while (done < parses && !Thread.currentThread().isInterrupted()) {
            if (parse(WARMUP_XML).shmem("hwlink-1").flatMap(ShmemDevice::pciAddress).isEmpty()) {
                throw new IllegalStateException("warm-up domain XML lost its link device");
            }
            done++;
        }
        return done;
    }

    private static DocumentBuilder newBuilder() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            return builder;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser refuses the secure-processing configuration", e);
        }
    }

    /** The domain's name. */
    public String domain() {
        return domain;
    }

    /** The machine type ({@code pc-i440fx-7.2}, {@code pc-q35-7.2}, ...), empty when absent. */
    public String machine() {
        return machine;
    }

    /** Whether the machine is a q35 (PCI Express: devices hot-plug into root ports). */
    public boolean isQ35() {
        return machine.contains("q35");
    }

    /** The shmem devices, in document order. */
    public List<ShmemDevice> shmems() {
        return shmems;
    }

    /** The shmem device named {@code name}, if the domain has one. */
    public Optional<ShmemDevice> shmem(String name) {
        return shmems.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    private static ShmemDevice shmem(String domain, Element shmem) {
        String name = shmem.getAttribute("name");
        Element model = child(shmem, "model");
        Element size = child(shmem, "size");
        long bytes = size == null ? 0 : scaled(domain, name, text(size), size.getAttribute("unit"));
        Optional<String> address = Optional.empty();
        Element addr = child(shmem, "address");
        if (addr != null && "pci".equals(addr.getAttribute("type"))) {
            address = Optional.of(String.format("%04x:%02x:%02x.%x", hex(addr, "domain"), hex(addr, "bus"),
                    hex(addr, "slot"), hex(addr, "function")));
        }
        return new ShmemDevice(name, model == null ? "" : model.getAttribute("type"), bytes, address);
    }

    /** A libvirt scaled integer; the default unit of a shmem size is MiB. */
    static long scaled(String domain, String shmem, String value, String unit) {
        long number;
        try {
            number = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("shmem size is not a number: domain=" + domain + " shmem=" + shmem
                    + " size=" + value, e);
        }
        long multiplier = switch (unit.isEmpty() ? "m" : unit.toLowerCase(Locale.ROOT)) {
            case "b", "bytes" -> 1L;
            case "k", "kib" -> 1L << 10;
            case "kb" -> 1000L;
            case "m", "mib" -> 1L << 20;
            case "mb" -> 1000_000L;
            case "g", "gib" -> 1L << 30;
            case "gb" -> 1000_000_000L;
            default -> throw new IllegalArgumentException("unknown shmem size unit: domain=" + domain + " shmem="
                    + shmem + " unit=" + unit);
        };
        return Math.multiplyExact(number, multiplier);
    }

    private static int hex(Element address, String attribute) {
        String v = address.getAttribute(attribute);
        if (v.isEmpty()) {
            return 0;
        }
        return Integer.decode(v);
    }

    private static Element child(Element parent, String tag) {
        List<Element> found = children(parent, tag);
        return found.isEmpty() ? null : found.getFirst();
    }

    private static List<Element> children(Element parent, String tag) {
        List<Element> found = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node node = nodes.item(i);
            if (node instanceof Element e && e.getTagName().equals(tag)) {
                found.add(e);
            }
        }
        return found;
    }

    private static String text(Element element) {
        return element == null ? "" : element.getTextContent().trim();
    }

    private static String head(String xml) {
        String flat = xml == null ? "null" : xml.replaceAll("\\s+", " ");
        return flat.length() <= 80 ? flat : flat.substring(0, 80) + "...";
    }
}
