package org.ovshighway.agent;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.ovshighway.ovs.ovsdb.ControllerConfig;
import org.ovshighway.ovs.ovsdb.OvsdbEndpoint;
import org.ovshighway.ovs.ovsdb.OvsdbSession;
import org.ovshighway.proxy.OpenFlowProxy;
import org.ovshighway.proxy.OpenFlowTarget;
import org.ovshighway.proxy.ProxyConfig;
import org.ovshighway.proxy.ProxyRoute;
import org.ovshighway.proxy.RelayMetrics;
import org.ovshighway.proxy.RelayPolicy;
import org.ovshighway.proxy.ProxyException;

/**
 * {@code highway attach}: puts the OpenFlow proxy between a bridge and its controllers and runs it
 * in the foreground; a clean stop (SIGTERM, SIGINT) restores the original controllers.
 */
final class AttachCommand implements Subcommand {

    /** Blocks until the command should stop; the standard one waits for SIGTERM/SIGINT. */
    interface StopSignal {
        /**
         * Called before the command changes anything: from now on a stop request is kept (one that
         * comes while the proxy starts is answered once it runs, by the restore) and the process waits
         * for {@link #stopped}.
         */
        default void arm() {
        }

        void await() throws InterruptedException;

        /** Called once the bridge is restored, so a signal handler can let the JVM exit. */
        void stopped();
    }

    private final Map<String, String> environment;
    private final StopSignal stop;

    AttachCommand(Map<String, String> environment, StopSignal stop) {
        this.environment = environment;
        this.stop = stop;
    }

    /** The stop signal of the real command: the JVM's shutdown hook, which waits for the restore. */
    static StopSignal shutdownHook() {
        CountDownLatch requested = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        return new StopSignal() {
            @Override
            public void arm() {
                // in place before the controllers are changed: a SIGTERM while the proxy starts must not
                // end the JVM with the bridge pointing at a proxy that is gone
                Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("highway-attach-stop").unstarted(() -> {
                    requested.countDown();
                    try {
                        done.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        ShutdownLogManager.closeHandlers();
                    }
                }));
                ShutdownLogManager.holdDuringShutdown();
            }

            @Override
            public void await() throws InterruptedException {
                requested.await();
            }

            @Override
            public void stopped() {
                done.countDown();
            }
        };
    }

    @Override
    public String name() {
        return "attach";
    }

    @Override
    public String summary() {
        return "put the OpenFlow proxy between a bridge and its controllers (foreground)";
    }

    @Override
    public String usage() {
        return """
                usage: highway attach --bridge BR [--ovsdb TARGET] [--listen ADDR] [--listen-port PORT]
                                      [--passive ADDR:PORT] [--switch-endpoint TARGET]
                                      [--ssl-private-key FILE --ssl-certificate FILE --ssl-ca-cert FILE |
                                       --ssl-keystore FILE [--ssl-keystore-password-file FILE] [--ssl-ca-cert FILE]]
                                      [--hold-deadline SECONDS] [--busy-poll-us US] [--timeout SECONDS]

                Reads bridge BR's controllers from OVSDB, opens one proxy listener per active
                controller target (tcp:, ssl:, unix:), and re-points each of those controllers at its
                listener, every other column of the Controller row kept. In the same OVSDB transaction
                the originals are saved in the bridge's external_ids:highway-original-controllers, so
                'highway detach' restores them exactly even if this process dies. Passive targets
                (ptcp:, punix:) are left as they are. When the bridge connects, the proxy connects to
                the original controller and relays every message byte for byte; if that controller is
                unreachable, the bridge's connection is closed, so its fail mode applies as before.
                Runs in the foreground; SIGTERM or SIGINT restores the original controllers and exits.
                Attaching a bridge that is still attached (the agent died) relays to the saved originals.

                  --bridge BR              the bridge (required)
                  --ovsdb TARGET           unix:PATH or tcp:HOST:PORT (default unix:$OVS_RUNDIR/db.sock,
                                           OVS_RUNDIR defaulting to /var/run/openvswitch)
                  --listen ADDR            address of the bridge-facing listeners (default 127.0.0.1),
                                           or unix:DIR for Unix sockets DIR/highway-BR-N.sock (the
                                           bridge then connects to unix: targets; cheaper per message,
                                           and only users with access to DIR can connect)
                  --listen-port PORT       port of the first listener, the next ones follow (default 0:
                                           any free port)
                  --passive ADDR:PORT      also listen here for OpenFlow clients of the switch
                                           (ovs-ofctl ... tcp:ADDR:PORT), relayed to --switch-endpoint
                  --switch-endpoint TARGET the bridge's own OpenFlow listener for --passive
                                           (default unix:$OVS_RUNDIR/BR.mgmt)
                  --ssl-private-key FILE   TLS toward ssl: controllers: PEM private key (PKCS#8, PKCS#1
                  --ssl-certificate FILE   RSA or SEC1 EC, unencrypted), certificate, and the CA
                  --ssl-ca-cert FILE       certificate the controller's must chain to
                  --ssl-keystore FILE      or a PKCS#12/JKS key store with the key and certificate (CA:
                                           --ssl-ca-cert, else the store's trusted entries)
                  --ssl-keystore-password-file FILE  its password, the file's first line
                                           With none of these, the switch's own files ('ovs-vsctl
                                           get-ssl'), so the proxy presents itself as the bridge did
                  --hold-deadline SECONDS  longest hold of a rule that breaks a bypass (default 5)
                  --busy-poll-us US        poll the sockets this long after each message before
                                           sleeping, saving wake-ups on request/reply pairs
                                           (0..10000, default 0: sleep at once)
                  --timeout SECONDS        OVSDB request timeout (default 10)
                """;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        CommandLineOptions options = CommandLineOptions.parse(args,
                Set.of("--bridge", "--ovsdb", "--listen", "--listen-port", "--passive", "--switch-endpoint",
                        "--ssl-private-key", "--ssl-certificate", "--ssl-ca-cert", "--ssl-keystore",
                        "--ssl-keystore-password-file", "--hold-deadline", "--busy-poll-us", "--timeout"),
                Set.of());
        String bridge = options.required("--bridge");
        Duration timeout = Duration.ofSeconds(options.seconds("--timeout", 10, 1, 3600));
        Duration holdDeadline = Duration.ofSeconds(options.seconds("--hold-deadline", 5, 1, 3600));
        Duration busyPoll = Duration.ofNanos(1000L * options.integer("--busy-poll-us",
                (int) (ProxyConfig.DEFAULT_BUSY_POLL.toNanos() / 1000), 0, (int) (ProxyConfig.MAX_BUSY_POLL.toNanos() / 1000)));
        UpstreamTlsSource tlsSource;
        try {
            tlsSource = UpstreamTlsSource.choose(suffix -> options.value("--ssl-" + suffix)
                    .map(AttachCommand::absolute), "--ssl-");
        } catch (UpstreamTlsSource.ChoiceException e) {
            throw new UsageException(e.option() + ": " + e.getMessage());
        }
        OvsLocations locations = OvsLocations.fromEnvironment(environment);
        String ovsdbTarget = options.value("--ovsdb").orElse(locations.defaultOvsdb());
        OvsdbEndpoint ovsdbEndpoint;
        try {
            ovsdbEndpoint = OvsdbEndpoint.parse(ovsdbTarget);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        String listenAddress = options.value("--listen").orElse("127.0.0.1");
        Optional<String> listenProblem = ControllerProxy.listenProblem(listenAddress, bridge);
        if (listenProblem.isPresent()) {
            throw new UsageException("--listen " + listenProblem.get());
        }
        int firstPort = options.integer("--listen-port", 0, 0, 65535);
        Optional<InetSocketAddress> passive = Optional.empty();
        if (options.value("--passive").isPresent()) {
            passive = Optional.of(hostPort(options.value("--passive").get()));
        }
        OpenFlowTarget switchEndpoint = parseTarget(options.value("--switch-endpoint")
                .orElse("unix:" + locations.runDir().resolve(bridge + ".mgmt")));

        stop.arm();
        try (OvsdbConnection connection = new OvsdbConnection(OvsdbSession.connect(ovsdbEndpoint, timeout))) {
            OvsdbSession session = connection.session();
            boolean reattach = BridgeAttachment.isAttached(session, bridge);
            List<ControllerConfig> originals = BridgeAttachment.originals(session, bridge);
            List<ProxyRoute> routes;
            try {
                routes = ControllerProxy.routes(originals, listenAddress, firstPort, bridge);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            boolean needsTls = routes.stream().anyMatch(r -> r.target().kind() == OpenFlowTarget.Kind.SSL);
            for (ControllerConfig original : originals) {
                // A hold also delays the controller's ECHO replies: the bridge disconnects after
                // two probe intervals without hearing from its controller.
                String probe = original.settings().get("inactivity_probe");
                long probeMs = probe == null ? 5000 : Long.parseLong(probe);
                if (BridgeAttachment.relayed(original) && probeMs > 0 && holdDeadline.toMillis() >= 2 * probeMs) {
                    err.println("highway attach: warning: hold deadline reaches the bridge's disconnect time:"
                            + " controller=" + original.target() + " inactivity_probe_ms=" + probeMs
                            + " hold_deadline_ms=" + holdDeadline.toMillis()
                            + " (a long hold would make the bridge drop this controller)");
                }
            }
            if (routes.isEmpty() && passive.isEmpty()) {
                err.println("highway attach: bridge=" + bridge + " has no active controller target to relay"
                        + " (controllers=" + originals.stream().map(ControllerConfig::target).toList()
                        + ") and no --passive listener was asked for");
                return 1;
            }
            Optional<io.netty.handler.ssl.SslContext> tls = Optional.empty();
            if (needsTls) {
                try {
                    tls = Optional.of(tlsSource.context(session));
                } catch (ProxyException e) {
                    err.println("highway attach: bridge=" + bridge + " has ssl: controllers: " + e.getMessage());
                    return 1;
                }
                out.println("tls: bridge=" + bridge + " from " + tlsSource.describe());
            }
            RelayPolicy policy = new RelayPolicy(org.ovshighway.proxy.HoldDecider.NEVER,
                    n -> org.ovshighway.proxy.StatsRewriter.NONE, holdDeadline, new RelayMetrics());
            try (ControllerProxy attached = ControllerProxy.start(connection, bridge, originals, routes,
                    passive.map(a -> new ProxyRoute(a, switchEndpoint)), policy, tls, busyPoll)) {
                OpenFlowProxy proxy = attached.proxy();
                List<String> proxyTargets = attached.proxyTargets();
                for (int i = 0; i < routes.size(); i++) {
                    out.println("attached: bridge=" + bridge + " listener=" + proxyTargets.get(i)
                            + " controller=" + routes.get(i).target() + (reattach ? " reattached=true" : ""));
                }
                proxy.passiveAddress().ifPresent(a -> out.println("passive: bridge=" + bridge + " listener="
                        + OpenFlowTarget.tcpText(a) + " switch=" + switchEndpoint));
                out.flush();
                try {
                    stop.await();
                } finally {
                    String metrics = proxy.metrics().toString();
                    List<ControllerConfig> restored = attached.restore();
                    out.println("detached: bridge=" + bridge + " controllers="
                            + restored.stream().map(ControllerConfig::target).toList() + " " + metrics);
                    out.flush();
                }
            }
        } finally {
            stop.stopped();
        }
        return 0;
    }

    /** A file named on the command line, relative to the working directory; left as given when it is no path. */
    private static String absolute(String value) {
        try {
            return Path.of(value).toAbsolutePath().toString();
        } catch (java.nio.file.InvalidPathException e) {
            return value;
        }
    }

    private static OpenFlowTarget parseTarget(String text) throws UsageException {
        try {
            return OpenFlowTarget.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static InetSocketAddress hostPort(String text) throws UsageException {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new UsageException("--passive needs ADDR:PORT: value=" + text);
        }
        String host = text.substring(0, colon).replace("[", "").replace("]", "");
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new UsageException("--passive port is not a number: value=" + text);
        }
        if (port < 0 || port > 65535) {
            throw new UsageException("--passive port out of range: value=" + text);
        }
        return new InetSocketAddress(host, port);
    }
}
