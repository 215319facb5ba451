package org.ovshighway.agent;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code highway agent --config FILE}: runs the agent until SIGTERM or SIGINT, then removes
 * everything it made (ring ports in OVS, region files, publications).
 */
final class AgentCommand implements Subcommand {
    private static final System.Logger LOG = System.getLogger(AgentCommand.class.getName());
    private final Map<String, String> environment;

    AgentCommand(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }


    @Override
    public String name() {
        return "agent";
    }

    @Override
    public String summary() {
        return "run the agent: provision ring ports and keep their memif connections";
    }

    @Override
    public String usage() {
        return """
                usage: highway agent --config FILE

                Runs until SIGTERM or SIGINT. For every ring port of FILE it creates the port's
                region, adds an OVS-DPDK interface (net_memif server, 2 rx queues,
                external_ids:highway-ring-port=true, highway-guest=GUEST), connects to it as the
                guest's memif client, and gives the region to the guest: published under a
                process guest's sysfs-shaped root, or hot-plugged into a VM's libvirt domain as
                an ivshmem-plain device (link regions reach that guest the same way). When
                ovs-vswitchd restarts it reconnects the ports (the guest sees DOWN, then UP with
                a new generation). It watches the bridge's flow tables through its own OpenFlow
                connection and logs which ring-port directions become point-to-point or stop
                being so ('highway links' shows them). On exit it removes the ports,
                publications, VM devices and region files; a SIGTERM that arrives while it
                is still starting lets the start finish, then removes them all the same.
                An agent that was killed leaves them; the next one re-adopts them: the same
                region file (the guest keeps its mapping), the same OVS interface when it is
                still Highway's for the same guest and socket, the VM's device when the domain
                still has it (else it is hot-plugged again), a new memif generation. Links it
                left keep carrying traffic and are re-adopted too (standby links are kept
                only with link-standby=true).

                FILE (Java properties syntax):
                  ovsdb=unix:/var/run/openvswitch/db.sock     OVSDB endpoint (unix:PATH or tcp:HOST:PORT)
                  bridge=br0                                 bridge for the ring ports
                  memif-socket-dir=/var/run/highway          existing directory for memif sockets
                  region-dir=/dev/hugepages                  optional; default hugetlbfs when it fits, else /dev/shm
                  ring-port.NAME.guest=GUEST                 one group per ring port
                  ring-port.NAME.publish-root=/run/GUEST     a process guest: existing directory, its sysfs-shaped root
                  ring-port.NAME.domain=DOMAIN               a VM: its libvirt domain (name or UUID);
                                                             exactly one of publish-root and domain
                  ring-port.NAME.ofport=10                   optional requested OpenFlow port number
                  libvirt-uri=qemu:///system                 optional; libvirt for domain ports
                  libvirt-detach-deadline-ms=30000           optional; how long an unplug waits for the guest
                                                             (at the stop: one wait for all unplugs together)
                  libvirt-watch-ms=1000                      optional; how often VM port devices are checked:
                                                             a domain started anew gets its device again (0: never)
                  openflow=unix:/var/run/openvswitch/br0.mgmt optional; the bridge's OpenFlow endpoint for
                                                             flow monitoring (default BRIDGE.mgmt beside a
                                                             unix: OVSDB socket; required with tcp: OVSDB)
                  control-socket=/var/run/highway/highway.ctl optional; the management socket that
                                                             'highway links' asks (default highway.ctl in
                                                             memif-socket-dir)
                  bypass=true                                move point-to-point directions onto links
                  bypass-quiet-ms=20                         no link within this time of a flow change
                                                             the proxy forwarded that no barrier reply
                                                             and monitor barrier confirmed (0..10000)
                  controller-proxy=false                     relay the bridge's controllers through the
                                                             OpenFlow proxy (hold, link counters)
                  proxy-listen=127.0.0.1                     address of the proxy's bridge-facing listeners,
                                                             or unix:DIR (sockets DIR/highway-BRIDGE-N.sock)
                  proxy-passive=127.0.0.1:6634               optional listener for the switch's own clients
                  proxy-hold-deadline-ms=5000                longest hold of a rule that breaks a link
                  proxy-busy-poll-us=0                       the proxy polls its sockets this long before
                                                             sleeping (0..10000; 0: sleep at once)
                  proxy-ssl-private-key=/etc/highway/key.pem TLS toward ssl: controllers: PEM private key
                  proxy-ssl-certificate=/etc/highway/cert.pem (PKCS#8, PKCS#1 RSA or SEC1 EC) and
                  proxy-ssl-ca-cert=/etc/highway/ca.pem      certificate, and the CA the controller's
                                                             certificate must chain to;
                  proxy-ssl-keystore=/etc/highway/client.p12 or a PKCS#12/JKS key store with the key and
                  proxy-ssl-keystore-password-file=/etc/highway/pw  certificate (password: the file's
                                                             first line; CA: proxy-ssl-ca-cert or the
                                                             store's trusted entries). None of them: the
                                                             switch's own files (ovs-vsctl get-ssl)
                  link-map-deadline-ms=5000                  map deadline of a new link (else rolled back)
                  link-fence-deadline-ms=2000                fence deadline (else the revert is forced)
                  link-revert-deadline-ms=2000               revert deadline (else forced)
                  link-grace-ms=1000                         time to unmap after a rollback or forced revert
                  link-spare-regions=true                    keep initialised link regions ready for new links
                  link-standby=false                         keep a standby link (mapped, carrying nothing)
                                                             for a pair whose link was reverted, activated
                                                             when it is point-to-point again
                  link-warmup-cycles=200                     scratch links (and 25x as many scratch flow
                                                             changes) at start that get detection and the
                                                             establish path compiled before the first link
                                                             (0 = off)
                  control-nice=-10                           nice value of the flow monitor's, bypass
                                                             controller's, link supervisor's and proxy's
                                                             threads (-20..19, 0 = unchanged; below 0
                                                             needs root)
                  control-realtime-priority=0                SCHED_FIFO priority of those threads (1..99,
                                                             0 = off); they then run as soon as woken
                                                             on busy cores; needs root; not with
                                                             proxy-busy-poll-us

                  --config FILE   the configuration file (required)

                Under systemd (Type=notify, packaging/systemd/highway-agent.service) it sends
                READY=1 once running and STOPPING=1 when it starts to stop, each with a STATUS
                line, to the socket NOTIFY_SOCKET names; without NOTIFY_SOCKET nothing is sent.
                """;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        CommandLineOptions options = CommandLineOptions.parse(args, Set.of("--config"), Set.of());
        AgentConfig config;
        try {
            config = AgentConfig.load(Path.of(options.required("--config")));
        } catch (ConfigException e) {
            err.println("highway agent: " + e.getMessage());
            return 1;
        }
        // log lines are formatted and written off the control threads (a link's establishment waits for them)
        AsyncLogHandler.installOnRootLogger();
        SystemdNotify systemd = SystemdNotify.fromEnvironment(environment);
        // the started agent, or null once a start failed (its own failure path removed what it made)
        CompletableFuture<HighwayAgent> started = new CompletableFuture<>();
        // SIGTERM/SIGINT run the hook; the JVM exits only after it returns, so cleanup completes. It is
        // in place before the start: a stop asked for while starting (systemd stopping a unit that is
        // still activating, Ctrl-C) lets the start finish, then removes what it made.
        Thread hook = Thread.ofPlatform().name("highway-agent-shutdown").unstarted(() -> {
            try {
                if (!started.isDone()) {
                    LOG.log(System.Logger.Level.WARNING, "stop asked for while the agent starts: the start finishes"
                            + " first, then everything it made is removed: bridge=" + config.bridge());
                }
                HighwayAgent agent = started.join();
                if (agent != null) {
                    systemd.send("STOPPING=1\nSTATUS=stopping: reverting links, restoring controllers, removing ring ports");
                    agent.close();
                }
            } finally {
                ShutdownLogManager.closeHandlers();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        ShutdownLogManager.holdDuringShutdown();
        HighwayAgent agent;
        try {
            agent = HighwayAgent.start(config);
        } catch (Throwable e) {
            // whatever ended the start, the hook must not wait for it at exit
            started.complete(null);
            systemd.send("STATUS=not started: " + e.getMessage());
            throw e;
        }
        started.complete(agent);
        out.println("highway agent running: ring ports " + agent.ringPorts().ports().stream()
                .map(ManagedRingPort::name).toList() + ", control socket " + agent.control().path()
                + " (SIGTERM or SIGINT to stop)");
        out.flush();
        // Type=notify: the ring ports exist, the flow monitor and (if configured) the proxy run
        systemd.send("READY=1\nSTATUS=running: bridge=" + config.bridge() + " ring ports "
                + agent.ringPorts().ports().stream().map(ManagedRingPort::name).toList());
        agent.awaitClosed();
        return 0;
    }
}
