package org.ovshighway.testbed.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.ovshighway.guest.DeviceSource;
import org.ovshighway.guest.GuestPort;
import org.ovshighway.guest.PacketBurst;
import org.ovshighway.guest.PacketView;
import org.ovshighway.guest.PortNotFoundException;
import org.ovshighway.guest.PortStats;
import org.ovshighway.guest.abi.LinkControl;
import org.ovshighway.guest.abi.RegionFormatException;
import org.ovshighway.guest.abi.RegionKind;
import org.ovshighway.guest.abi.RegionValidator;
import org.ovshighway.guest.abi.ValidatedRegion;
import org.ovshighway.guest.mapping.IvshmemDevice;
import org.ovshighway.guest.mapping.IvshmemScanner;
import org.ovshighway.guest.mapping.MappedRegion;

/**
 * The application inside a VM of the VM scenario (testbed/vm-test): a one-way forwarder end on a
 * hot-plugged link region. It depends on guest-pmd-lib only (the guest image carries a java.base
 * runtime, guest-pmd-lib's jar and this class).
 *
 * <ol>
 *   <li>warms up the mapping code on a scratch file ({@code HW_APP warmed});</li>
 *   <li>with {@code ringport=<name>} (not empty): opens that ring port with
 *       {@code GuestPort.open(DeviceSource.sysfs(), name)} as soon as its PORT region is
 *       hot-plugged, prints {@code HW_APP port-opened}, and closes it again (the host then
 *       unplugs it);</li>
 *   <li>prints {@code HW_APP ready}, then scans sysfs every 10 ms until an ivshmem-plain device
 *       (1af4:1110) holds a valid LINK region naming {@code port}; maps its {@code resource2}
 *       (mmap through FFM; read() gives EIO) and stores {@code mapped[end] = generation};</li>
 *   <li>waits until the host stores {@code usable = generation} (the host's half of the handshake);</li>
 *   <li>{@code role=tx}: sends {@code frames} 64-byte frames whose bytes 14..21 carry the sequence
 *       0, 1, 2, ... (retrying what a full ring refuses); {@code role=rx}: receives until it has
 *       {@code frames} frames or the deadline passes, checking every sequence number;</li>
 *   <li>closes the port (munmap), prints {@code HW_APP unmapped}, and waits until the device has
 *       left sysfs (the host's detach reached the guest): {@code HW_APP device-gone}.</li>
 * </ol>
 * Every line starts with {@code HW_APP} and carries {@code key=value} fields; the host reads them
 * from the serial console log.
 */
public final class VmLinkGuest {
    /** Where the sequence number sits: right after the Ethernet header. */
    static final int SEQUENCE_OFFSET = 14;
    static final int FRAME_LENGTH = 64;

    private VmLinkGuest() {
    }

    public static void main(String[] args) throws Exception {
        String role = arg(args, "role");
        String port = arg(args, "port");
        long frames = Long.parseLong(arg(args, "frames"));
        long timeoutMs = Long.parseLong(arg(args, "timeout-ms"));
        Path sysfs = Path.of(optionalArg(args, "sysfs").isEmpty() ? "/sys" : optionalArg(args, "sysfs"));
        if (!role.equals("tx") && !role.equals("rx")) {
            throw new IllegalArgumentException("role must be tx or rx: role=" + role);
        }
        IvshmemScanner scanner = new IvshmemScanner(sysfs);
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        String ringPort = optionalArg(args, "ringport");
        say("warmed ms=" + warmUp());
        say("ready role=" + role + " port=" + port + " frames=" + frames + " ringport=" + ringPort);
        if (!ringPort.isEmpty()) {
            openRingPort(sysfs, ringPort, deadline);
        }
        Found found = awaitRegion(scanner, port, deadline);
        int end = found.validated.identity().endOf(port);
        long generation = found.validated.identity().generation();
        // pairs with the host's acquire of mapped[end]: the host may make the link usable
        LinkControl.releaseMapped(found.mapping.segment(), end, generation);
        say("mapped pci=" + found.device.address() + " uptimeNs=" + System.nanoTime() + " end=" + end + " generation=" + generation
                + " link=" + found.validated.identity().linkId() + " size=" + found.mapping.size());
        // pairs with the host's release of usable after both ends mapped
        while (LinkControl.acquireUsable(found.mapping.segment()) != generation) {
            checkDeadline(deadline, "usable");
            Thread.onSpinWait();
        }
        say("usable generation=" + generation);
        String result;
        try (GuestPort guestPort = GuestPort.open(found.mapping, found.validated, port)) {
            result = role.equals("tx") ? transmit(guestPort, frames, deadline) : receive(guestPort, frames, deadline);
            PortStats stats = guestPort.stats();
            result += " stats=" + stats;
            // a receiver clears mapped before it lets go, so the host knows both ends are done
            LinkControl.releaseMapped(found.mapping.segment(), end, 0);
        }
        say("result role=" + role + " " + result);
        say("unmapped pci=" + found.device.address());
        while (scanner.scan().stream().anyMatch(d -> d.address().equals(found.device.address()))) {
            checkDeadline(deadline, "device removal");
            Thread.sleep(10);
        }
        say("device-gone pci=" + found.device.address());
    }

    /**
     * Maps and validates a scratch file once before reporting ready: the first FFM downcalls
     * (linking open/fstat/mmap) and the validator's class loading cost seconds under TCG, a cost
     * of the application's start, not of a link's establishment. Returns its milliseconds.
     */
    private static long warmUp() throws IOException {
        long start = System.nanoTime();
        Path scratch = Files.createTempFile("hw-warm", ".region");
        try {
            Files.write(scratch, new byte[4096]);
            try (MappedRegion mapping = MappedRegion.map(scratch)) {
                RegionValidator.validate(mapping.segment());
            } catch (RegionFormatException expected) {
                // zeros are no region: the point was to run the code once
            }
        } finally {
            Files.delete(scratch);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Waits until a PORT region names {@code ringPort}, opens the port on it, reports and closes it. */
    private static void openRingPort(Path sysfs, String ringPort, long deadline) throws Exception {
        String last = "";
        while (true) {
            try (GuestPort opened = GuestPort.open(DeviceSource.sysfs(sysfs), ringPort)) {
                say("port-opened port=" + ringPort + " kind=" + opened.identity().kind() + " guest="
                        + opened.identity().name1() + " generation=" + opened.identity().generation() + " path="
                        + opened.path() + " canTransmit=" + opened.canTransmit() + " canReceive="
                        + opened.canReceive());
                return;
            } catch (PortNotFoundException e) {
                last = e.getMessage();
            }
            checkDeadline(deadline, "ring port region last=" + last);
            Thread.sleep(10);
        }
    }

    private static String transmit(GuestPort port, long frames, long deadline) {
        PacketBurst burst = new PacketBurst();
        long sequence = 0;
        long refusals = 0;
        while (sequence < frames) {
            int want = (int) Math.min(burst.capacity(), frames - sequence);
            int got = port.txReserve(burst, want);
            if (got == 0) {
                refusals++;
                checkDeadline(deadline, "transmit sent=" + sequence);
                Thread.onSpinWait();
                continue;
            }
            for (int i = 0; i < got; i++) {
                PacketView p = burst.packet(i);
                p.setLength(FRAME_LENGTH);
                p.putShort(12, (short) 0x88b5); // IEEE local experimental EtherType
                p.putLong(SEQUENCE_OFFSET, sequence + i);
            }
            port.txCommit(burst, got);
            sequence += got;
        }
        return "sent=" + sequence + " fullRefusals=" + refusals;
    }

    private static String receive(GuestPort port, long frames, long deadline) {
        PacketBurst burst = new PacketBurst();
        long expected = 0;
        long outOfOrder = 0;
        long badLength = 0;
        long received = 0;
        while (received < frames && System.nanoTime() < deadline) {
            int n = port.rxBurst(burst);
            for (int i = 0; i < n; i++) {
                PacketView p = burst.packet(i);
                if (p.length() != FRAME_LENGTH) {
                    badLength++;
                }
                long sequence = p.getLong(SEQUENCE_OFFSET);
                if (sequence != expected) {
                    outOfOrder++;
                }
                expected = sequence + 1;
                received++;
            }
            if (n == 0) {
                Thread.onSpinWait();
            }
        }
        port.rxRelease();
        return "received=" + received + " expected=" + frames + " outOfOrder=" + outOfOrder + " badLength="
                + badLength + " lastSequence=" + (expected - 1);
    }

    /** A mapped, validated LINK region naming the port, and the device it came from. */
    private record Found(IvshmemDevice device, MappedRegion mapping, ValidatedRegion validated) {
    }

    private static Found awaitRegion(IvshmemScanner scanner, String port, long deadline) throws Exception {
        String last = "no ivshmem device";
        Set<String> previous = addresses(scanner.scan());
        while (true) {
            List<IvshmemDevice> devices = scanner.scan();
            Set<String> present = addresses(devices);
            for (IvshmemDevice device : devices) {
                if (!previous.contains(identity(device))) {
                    // the guest's own clock: how long from "in sysfs" to "mapped and validated"
                    say("device-seen pci=" + device.address() + " uptimeNs=" + System.nanoTime());
                }
                MappedRegion mapping;
                try {
                    mapping = MappedRegion.map(device.resource2());
                } catch (IOException e) {
                    last = "pci=" + device.address() + " " + e.getMessage();
                    continue;
                }
                try {
                    ValidatedRegion validated = RegionValidator.validate(mapping.segment());
                    if (validated.identity().kind() == RegionKind.LINK && validated.identity().endOf(port) >= 0) {
                        return new Found(device, mapping, validated);
                    }
                    last = "pci=" + device.address() + " names other ports " + validated.identity();
                } catch (RegionFormatException e) {
                    last = "pci=" + device.address() + " " + e.getMessage();
                }
                mapping.close();
            }
            previous = present;
            checkDeadline(deadline, "region for port=" + port + " last=" + last);
            Thread.sleep(10);
        }
    }

    /**
     * Each device as address plus the identity of its sysfs directory: a device unplugged and
     * another plugged at the same address between two scans gets a new directory.
     */
    private static Set<String> addresses(List<IvshmemDevice> devices) {
        Set<String> addresses = new HashSet<>();
        for (IvshmemDevice device : devices) {
            addresses.add(identity(device));
        }
        return addresses;
    }

    private static String identity(IvshmemDevice device) {
        Object key;
        try {
            key = Files.readAttributes(device.resource2().getParent(), BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            key = "gone";
        }
        return device.address() + "/" + key;
    }

    private static void checkDeadline(long deadline, String waitingFor) {
        if (System.nanoTime() > deadline) {
            say("error timeout waitingFor=" + waitingFor);
            throw new IllegalStateException("timeout waiting for " + waitingFor);
        }
    }

    private static void say(String line) {
        System.out.println("HW_APP " + line);
        System.out.flush();
    }

    /** The value of {@code key=...}, empty when absent. */
    private static String optionalArg(String[] args, String key) {
        for (String a : args) {
            if (a.startsWith(key + "=")) {
                return a.substring(key.length() + 1);
            }
        }
        return "";
    }

    private static String arg(String[] args, String key) {
        for (String a : args) {
            if (a.startsWith(key + "=")) {
                return a.substring(key.length() + 1);
            }
        }
        throw new IllegalArgumentException("missing argument " + key + "=... in " + List.of(args));
    }
}
