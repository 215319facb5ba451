package org.ovshighway.agent;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ovshighway.ovs.ovsdb.ControllerConfig;
import org.ovshighway.ovs.ovsdb.OvsdbEndpoint;
import org.ovshighway.ovs.ovsdb.OvsdbSession;

/** {@code highway detach}: restores a bridge's original controllers saved by {@code highway attach}. */
final class DetachCommand implements Subcommand {

    private final Map<String, String> environment;

    DetachCommand(Map<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public String name() {
        return "detach";
    }

    @Override
    public String summary() {
        return "restore a bridge's original controllers (after attach, also after a crash)";
    }

    @Override
    public String usage() {
        return """
                usage: highway detach --bridge BR [--ovsdb TARGET] [--timeout SECONDS]

                Restores the controllers saved in the bridge's external_ids:highway-original-controllers
                by 'highway attach', every column as it was, and removes Highway's keys, in one OVSDB
                transaction. Needed only when attach did not stop cleanly (a clean stop restores by
                itself). Fails, changing nothing, when the bridge is not attached.

                  --bridge BR         the bridge (required)
                  --ovsdb TARGET      unix:PATH or tcp:HOST:PORT (default unix:$OVS_RUNDIR/db.sock,
                                      OVS_RUNDIR defaulting to /var/run/openvswitch)
                  --timeout SECONDS   OVSDB request timeout (default 10)
                """;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        CommandLineOptions options = CommandLineOptions.parse(args, Set.of("--bridge", "--ovsdb", "--timeout"), Set.of());
        String bridge = options.required("--bridge");
        Duration timeout = Duration.ofSeconds(options.seconds("--timeout", 10, 1, 3600));
        String ovsdbTarget = options.value("--ovsdb").orElse(OvsLocations.fromEnvironment(environment).defaultOvsdb());
        OvsdbEndpoint endpoint;
        try {
            endpoint = OvsdbEndpoint.parse(ovsdbTarget);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        try (OvsdbSession session = OvsdbSession.connect(endpoint, timeout)) {
            List<ControllerConfig> restored = BridgeAttachment.restore(session, bridge);
            out.println("detached: bridge=" + bridge + " controllers=" + restored.stream().map(ControllerConfig::target).toList());
        }
        return 0;
    }
}
