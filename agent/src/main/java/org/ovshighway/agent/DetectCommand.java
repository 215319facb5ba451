package org.ovshighway.agent;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.ovshighway.ovs.openflow.BridgeEndpoint;
import org.ovshighway.ovs.openflow.BridgeFlowMonitor;
import org.ovshighway.ovs.ovsdb.BridgeInfo;
import org.ovshighway.ovs.ovsdb.OvsdbEndpoint;
import org.ovshighway.ovs.ovsdb.OvsdbSession;
import org.ovshighway.p2p.flow.PortNo;

/**
 * {@code highway detect}: reads a live bridge (ports from OVSDB, flow tables through Highway's
 * own OpenFlow flow monitor) and prints, per candidate port, whether its traffic could be
 * bypassed and, if not, why.
 */
final class DetectCommand implements Subcommand {

    private final Map<String, String> environment;

    DetectCommand(Map<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public String name() {
        return "detect";
    }

    @Override
    public String summary() {
        return "print which ports of a live bridge are point-to-point, and why not";
    }

    @Override
    public String usage() {
        return """
                usage: highway detect --bridge BR [--ovsdb TARGET] [--openflow TARGET] [--all-ports] [--timeout SECONDS] [--verbose]

                Reads bridge BR as it is now and prints one line per candidate port X, ports as
                OpenFlow numbers:
                  X -> Y p2p                  every packet from X goes to Y alone, and Y hears from X alone
                  X -> - not-p2p REASON       the rule or fact that prevents it
                Candidates are the bridge's Highway ring ports (external_ids:highway-ring-port=true)
                and legacy dpdkr ports; with --all-ports, every port with an OpenFlow number.
                The port names are listed on stderr.

                  --bridge BR         the bridge to read (required)
                  --ovsdb TARGET      unix:PATH or tcp:HOST:PORT (default unix:$OVS_RUNDIR/db.sock,
                                      OVS_RUNDIR defaulting to /var/run/openvswitch)
                  --openflow TARGET   unix:PATH or tcp:HOST:PORT of the bridge's OpenFlow management
                                      listener (default unix:$OVS_RUNDIR/BR.mgmt)
                  --all-ports         treat every port as a candidate, not only ring ports
                  --timeout SECONDS   how long to wait for OVSDB and the flow dump (default 10)
                  --verbose           log the OVSDB and OpenFlow connections' progress
                """;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        CommandLineOptions options = CommandLineOptions.parse(args,
                Set.of("--bridge", "--ovsdb", "--openflow", "--timeout"), Set.of("--all-ports", "--verbose"));
        if (!options.flag("--verbose")) {
            // a one-shot report: connection progress is noise unless asked for; warnings still show
            Logger.getLogger("").setLevel(Level.WARNING);
        }
        String bridgeName = options.required("--bridge");
        Duration timeout = Duration.ofSeconds(options.seconds("--timeout", 10, 1, 3600));
        OvsLocations locations = OvsLocations.fromEnvironment(environment);
        String ovsdbTarget = options.value("--ovsdb").orElse(locations.defaultOvsdb());
        OvsdbEndpoint ovsdbEndpoint;
        try {
            ovsdbEndpoint = OvsdbEndpoint.parse(ovsdbTarget);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        BridgeEndpoint openflow = locations.openflowEndpoint(bridgeName, options.value("--openflow").orElse(null));

        BridgeInfo bridge;
        try (OvsdbSession session = OvsdbSession.connect(ovsdbEndpoint, timeout)) {
            bridge = session.snapshot().bridge(bridgeName).orElse(null);
            if (bridge == null) {
                List<String> known = session.snapshot().bridges().stream().map(BridgeInfo::name).toList();
                err.println("highway detect: no bridge=" + bridgeName + " in ovsdb=" + ovsdbTarget + " (bridges: " + known + ")");
                return 1;
            }
        }
        SortedMap<PortNo, String> candidates = CandidatePorts.of(bridge, options.flag("--all-ports"));
        candidates.forEach((port, name) -> err.println("port " + port + " = " + name));
        if (candidates.isEmpty()) {
            err.println("highway detect: bridge=" + bridgeName + " has no candidate ports"
                    + (options.flag("--all-ports") ? "" : " (no ring ports; --all-ports considers every port)"));
            return 0;
        }

        FlowTableVerdicts verdicts = new FlowTableVerdicts(candidates.keySet());
        try (BridgeFlowMonitor monitor = BridgeFlowMonitor.start(openflow, verdicts)) {
            List<String> lines;
            try {
                lines = verdicts.lines().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                err.println("highway detect: no complete flow table from bridge=" + bridgeName + " openflow=" + openflow
                        + " within " + timeout.toSeconds() + "s (connection state=" + monitor.state() + ")");
                return 1;
            } catch (ExecutionException e) {
                err.println("highway detect: reading the flow tables of bridge=" + bridgeName + " failed: " + e.getCause());
                return 1;
            }
            lines.forEach(out::println);
        }
        return 0;
    }
}
