package org.ovshighway.testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.ovshighway.ovs.memif.MemifClient;
import org.ovshighway.ovs.memif.MemifException;
import org.ovshighway.ovs.memif.MemifPortConfig;
import org.ovshighway.ovs.memif.MemifRegions;
import org.ovshighway.remapper.PortRegion;
import org.ovshighway.remapper.RegionFiles;

/**
 * Ring ports provisioned the way the agent does it, by hand from the library parts (for
 * developing the guest side before {@code highway agent} existed): memif server port in OVS,
 * region file ({@link PortRegion}), memif client registration ({@link MemifClient}), connection
 * word UP, and a sysfs-shaped tree {@code <root>/bus/pci/devices/<port>/{vendor,device,resource2}}
 * for {@code DeviceSource.sysfs(root)}. The memif clients are only polled on close: the test
 * does not restart OVS while they run.
 */
final class RingPortsWithoutAgent implements AutoCloseable {
    private record Port(String name, PortRegion region, MemifClient client) {
    }

    private final PrivateOvsDpdk ovs;
    private final Path publishRoot;
    private final List<Port> ports = new ArrayList<>();

    RingPortsWithoutAgent(PrivateOvsDpdk ovs) {
        this.ovs = ovs;
        this.publishRoot = ovs.run().resolve("publish");
    }

    Path publishRoot() {
        return publishRoot;
    }

    void add(String name, int ofport, String guest) throws IOException, InterruptedException, MemifException {
        Path socket = Path.of(PrivateOvsDpdk.exec(Map.of(), List.of(PrivateOvsDpdk.script("ovs-dpdk-port").toString(),
                ovs.run().toString(), "add", PrivateOvsDpdk.BRIDGE, name, Integer.toString(ofport))).strip());
        PortRegion region = PortRegion.create(RegionFiles.automatic(), "hw-test-" + ProcessHandle.current().pid()
                + "-" + name, name, guest);
        MemifClient client = new MemifClient(MemifPortConfig.of(socket, name),
                MemifRegions.fromLayout(region.file().path(), region.layout()), new MemifClient.Listener() {
                    @Override
                    public void registering(int connection) {
                        region.nextGeneration();
                        region.publishDown();
                    }

                    @Override
                    public void connected(int connection, String serverInterfaceName) {
                        region.publishUp();
                    }
                });
        ports.add(new Port(name, region, client));
        client.connect(Duration.ofSeconds(30));
        Path device = publishRoot.resolve("bus/pci/devices").resolve(name);
        Files.createDirectories(device);
        Files.writeString(device.resolve("vendor"), "0x1af4\n");
        Files.writeString(device.resolve("device"), "0x1110\n");
        Files.createSymbolicLink(device.resolve("resource2"), region.file().path());
    }

    /** Region files still present (none after {@link #close()}). */
    List<Path> regionFiles() {
        return ports.stream().map(p -> p.region().file().path()).filter(Files::exists).toList();
    }

    @Override
    public void close() throws IOException {
        for (Port port : ports) {
            port.client().close();
            port.region().delete();
        }
        PrivateOvsDpdk.deleteTree(publishRoot);
    }
}
