package org.ovshighway.agent;

import java.nio.file.Path;
import java.util.Map;
import org.ovshighway.ovs.openflow.BridgeEndpoint;

/**
 * Where the local OVS listens when the command line does not say: OVS's own convention,
 * {@code $OVS_RUNDIR} (as ovs-vsctl and ovs-ofctl use it) or {@code /var/run/openvswitch}.
 */
record OvsLocations(Path runDir) {

    static OvsLocations fromEnvironment(Map<String, String> environment) {
        String runDir = environment.get("OVS_RUNDIR");
        return new OvsLocations(Path.of(runDir == null || runDir.isBlank() ? "/var/run/openvswitch" : runDir));
    }

    String defaultOvsdb() {
        return "unix:" + runDir.resolve("db.sock");
    }

    /**
     * Parses {@code unix:PATH} or {@code tcp:HOST:PORT} as the bridge's OpenFlow endpoint;
     * {@code null} means the bridge's management socket {@code <rundir>/<bridge>.mgmt}.
     */
    BridgeEndpoint openflowEndpoint(String bridge, String target) throws UsageException {
        if (target == null) {
            return BridgeEndpoint.managementSocket(runDir, bridge);
        }
        return parseOpenflowTarget(bridge, target);
    }

    /** Parses {@code unix:PATH} or {@code tcp:HOST:PORT} as bridge {@code bridge}'s OpenFlow endpoint. */
    static BridgeEndpoint parseOpenflowTarget(String bridge, String target) throws UsageException {
        if (target.startsWith("unix:") && target.length() > "unix:".length()) {
            return new BridgeEndpoint.UnixSocket(bridge, Path.of(target.substring("unix:".length())));
        }
        if (target.startsWith("tcp:")) {
            String rest = target.substring("tcp:".length());
            int colon = rest.lastIndexOf(':');
            if (colon > 0) {
                try {
                    return new BridgeEndpoint.Tcp(bridge, rest.substring(0, colon), Integer.parseInt(rest.substring(colon + 1)));
                } catch (IllegalArgumentException e) {
                    throw new UsageException("bad OpenFlow target: target=" + target + " (" + e.getMessage() + ")");
                }
            }
        }
        throw new UsageException("OpenFlow target must be unix:PATH or tcp:HOST:PORT: target=" + target);
    }
}
