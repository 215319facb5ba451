package org.ovshighway.agent;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ovshighway.proxy.ProxyConfig;
import org.ovshighway.remapper.RegionFiles;
import org.ovshighway.remapper.RemapDeadlines;

/**
 * The agent's configuration file, Java properties syntax:
 * <pre>
 * ovsdb=unix:/var/run/openvswitch/db.sock      OVSDB endpoint (unix:PATH or tcp:HOST:PORT), required
 * bridge=br0                                  bridge the ring ports go on, required
 * memif-socket-dir=/var/run/highway           existing directory for the ports' memif sockets, required
 * region-dir=/dev/hugepages                   existing directory for region files (default: hugetlbfs
 *                                             when a mount fits, else /dev/shm)
 * ring-port.NAME.guest=vm1                    the port's guest, required per port
 * ring-port.NAME.publish-root=/run/vm1-sysfs  a process guest: existing directory, its sysfs-shaped root
 * ring-port.NAME.domain=vm1                   a VM: its libvirt domain (name or UUID); the port's region
 *                                             (and every link region of the guest) is hot-plugged into
 *                                             it as an ivshmem-plain device. Exactly one of publish-root
 *                                             and domain per port; all ports of a guest agree
 * libvirt-uri=qemu:///system                  libvirt connection for domain ports (default qemu:///system)
 * libvirt-detach-deadline-ms=30000            how long an unplug waits for the guest to release the
 *                                             device (1..600000, default 30000); at the agent's stop
 *                                             all unplugs share one such wait
 * libvirt-watch-ms=1000                       how often the VM guests' port devices are checked; one
 *                                             a restarted domain lost is plugged again (0: never)
 * ring-port.NAME.ofport=10                    requested OpenFlow port number (1..65279), optional
 * openflow=unix:/var/run/openvswitch/br0.mgmt  the bridge's OpenFlow endpoint for flow monitoring
 *                                             (unix:PATH or tcp:HOST:PORT; default: BRIDGE.mgmt beside
 *                                             a unix: OVSDB socket, required with tcp: OVSDB)
 * control-socket=/var/run/highway/highway.ctl  the agent's management socket (default: highway.ctl in
 *                                             memif-socket-dir)
 * bypass=true                                 move point-to-point directions onto links (default true)
 * bypass-quiet-ms=20                          no link within this many ms of a flow change the proxy
 *                                             forwarded, unless a barrier reply confirmed it and
 *                                             the flow monitor caught up (0..10000, default 20)
 * controller-proxy=false                      put the OpenFlow proxy between the bridge and its
 *                                             controllers (default false)
 * proxy-listen=127.0.0.1                      address of the proxy's bridge-facing listeners, or
 *                                             unix:DIR for Unix sockets DIR/highway-BRIDGE-N.sock
 * proxy-passive=127.0.0.1:6634                optional listener for the switch's own OpenFlow clients
 * proxy-hold-deadline-ms=5000                 longest hold of a rule that breaks a link (1..60000)
 * proxy-busy-poll-us=0                        how long the proxy's event loops poll their sockets
 *                                             before sleeping (0..10000 us; 0: sleep at once)
 * proxy-ssl-private-key=/etc/highway/key.pem  TLS toward ssl: controllers: a PEM private key (PKCS#8,
 * proxy-ssl-certificate=/etc/highway/cert.pem  PKCS#1 RSA or SEC1 EC) and certificate, with
 * proxy-ssl-ca-cert=/etc/highway/ca.pem        the CA certificate the controller's must chain to;
 * proxy-ssl-keystore=/etc/highway/client.p12  or a PKCS#12/JKS key store holding the key and
 * proxy-ssl-keystore-password-file=/etc/...   certificate (password: the file's first line; CA:
 *                                             proxy-ssl-ca-cert or the store's trusted entries);
 *                                             none of them: the switch's own (ovs-vsctl get-ssl)
 * link-map-deadline-ms=5000                   both guests must map a new link within this, else it is
 *                                             rolled back (1..600000)
 * link-fence-deadline-ms=2000                 every FENCE_IN of a new link must be acknowledged within
 *                                             this, else the revert is forced (1..600000)
 * link-revert-deadline-ms=2000                a revert must complete within this, else it is forced
 *                                             (1..600000)
 * link-grace-ms=1000                          after a rollback or forced revert, how long the guests get
 *                                             to unmap before the devices are detached anyway (1..600000)
 * link-spare-regions=true                     keep one initialised link region per link shape ready, so
 *                                             establishing a link does not create one (default true)
 * link-standby=false                          after a pair's link is reverted, keep a standby link for it
 *                                             (attached to and mapped by both guests, nothing on it) and
 *                                             activate it when the pair is point-to-point again: the
 *                                             region, the devices (a VM's hot-plug) and the guests' mapping
 *                                             are off that re-establishment's path (default false)
 * link-warmup-cycles=200                      at start, run 25 times this many scratch flow changes
 *                                             through the flow monitor and detector, then establish and
 *                                             revert a scratch link this many times (scratch ports,
 *                                             /dev/shm), so detection and the establish path are
 *                                             compiled before the first real link; 0 = off (0..10000)
 * control-nice=-10                            nice value of the flow monitor's, the bypass controller's,
 *                                             the link supervisor's and the OpenFlow proxy's threads
 *                                             (-20..19; 0 = the agent's own); a lower value needs root
 *                                             or CAP_SYS_NICE
 * control-realtime-priority=0                 SCHED_FIFO priority of those same threads (1..99; 0 =
 *                                             off, the default): they then run as soon as they are
 *                                             woken instead of after a busy core's time slice; needs
 *                                             root or CAP_SYS_NICE; not with proxy-busy-poll-us
 * </pre>
 * Unknown keys, keys given twice, empty values, relative or missing directories, bad numbers and
 * names are errors naming the file and the key.
 *
 * @param file           where it was read from
 * @param ovsdb          OVSDB endpoint
 * @param bridge         bridge name
 * @param regionDir      directory for region files, empty for automatic placement
 * @param memifSocketDir directory for memif sockets
 * @param ringPorts      ring ports in name order
 * @param openflow       the bridge's OpenFlow endpoint, unix:PATH or tcp:HOST:PORT
 * @param controlSocket  the agent's management socket
 * @param bypass         whether point-to-point directions are moved onto links
 * @param bypassQuiet    no link within this time of a flow change the proxy forwarded
 * @param controllerProxy whether the OpenFlow proxy relays the bridge's controllers
 * @param proxyListen    address of the proxy's bridge-facing listeners
 * @param proxyPassive   the proxy's listener for the switch's own clients, if any
 * @param proxyHoldDeadline longest hold of a rule that breaks a link
 * @param proxyBusyPoll  how long the proxy's event loops poll before they sleep
 * @param linkDeadlines  how long a link may wait for its guests in each state
 * @param linkSpareRegions whether initialised link regions are kept ready for the next links
 * @param linkStandby    whether a pair whose link was reverted keeps a standby link
 * @param linkWarmupCycles scratch establish/revert cycles at start (0: none)
 * @param controlNice    nice value of the threads a link's establishment and revert wait for
 *                       (and the proxy's, which relay and hold)
 * @param controlRealtimePriority SCHED_FIFO priority of those threads, 0 for the normal policy
 * @param libvirtUri     libvirt connection for ring ports with a domain
 * @param libvirtDetachDeadline how long an unplug waits for the guest to release the device
 * @param libvirtWatch   how often VM guests' port devices are checked (zero: never)
 * @param proxyTls       where the proxy's TLS toward ssl: controllers comes from
 */
public record AgentConfig(Path file, String ovsdb, String bridge, Optional<Path> regionDir, Path memifSocketDir,
                          List<RingPortConfig> ringPorts, String openflow, Path controlSocket, boolean bypass,
                          Duration bypassQuiet, boolean controllerProxy, String proxyListen,
                          Optional<InetSocketAddress> proxyPassive, Duration proxyHoldDeadline,
                          Duration proxyBusyPoll, RemapDeadlines linkDeadlines, boolean linkSpareRegions,
                          boolean linkStandby, int linkWarmupCycles, int controlNice, int controlRealtimePriority, String libvirtUri, Duration libvirtDetachDeadline,
                          Duration libvirtWatch, UpstreamTlsSource proxyTls) {

    /** A port name: usable as OVS interface name, region file name part and region header name. */
    static final Pattern PORT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,31}");
    /** A guest name: what a region header name field holds (printable ASCII, no space). */
    static final Pattern GUEST_NAME = Pattern.compile("[\\x21-\\x7e]{1,32}");
    /** A libvirt domain name or UUID as the agent accepts it: one word, no '/', at most 64 characters. */
    static final Pattern DOMAIN_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.+:-]{0,63}");
    /** Default libvirt connection. */
    static final String DEFAULT_LIBVIRT_URI = "qemu:///system";
    private static final Pattern RING_PORT_KEY = Pattern.compile("ring-port\\.([^.]*)\\.([^.]*)");
    /** Every key outside the ring-port groups (the agent's --help lists them all). */
    static final Set<String> GLOBAL_KEYS = Set.of("ovsdb", "bridge", "region-dir", "memif-socket-dir", "openflow",
            "control-socket", "bypass", "bypass-quiet-ms", "controller-proxy", "proxy-listen", "proxy-passive",
            "proxy-hold-deadline-ms", "proxy-busy-poll-us", "link-map-deadline-ms", "link-fence-deadline-ms",
            "link-revert-deadline-ms", "link-grace-ms", "link-spare-regions", "link-standby", "link-warmup-cycles", "control-nice", "control-realtime-priority", "libvirt-uri",
            "libvirt-detach-deadline-ms", "libvirt-watch-ms", "proxy-ssl-private-key", "proxy-ssl-certificate",
            "proxy-ssl-ca-cert", "proxy-ssl-keystore", "proxy-ssl-keystore-password-file");
    private static final Set<String> PORT_KEYS = Set.of("guest", "publish-root", "domain", "ofport");
    /** The longest socket path a sockaddr_un holds. */
    private static final int MAX_SOCKET_PATH = 107;
    /**
     * Default of control-nice: above the guests' and OVS's threads at the default 0, so that on a
     * host whose cores are busy the flow monitor, the bypass controller and the link supervisor do
     * not wait behind them for time slices (they sleep between links; measured in
     * docs/benchmarks.md, "bypass").
     */
    static final int DEFAULT_CONTROL_NICE = -10;
    /** Default of link-warmup-cycles: past the JIT's first compile thresholds for the code of one cycle. */
    static final int DEFAULT_WARMUP_CYCLES = 200;
    /** How the proxy's TLS keys are named in the file. */
    static final String PROXY_TLS_PREFIX = "proxy-ssl-";
    /** Longest link deadline accepted: ten minutes. */
    private static final long MAX_DEADLINE_MS = 600_000;

    public AgentConfig {
        Objects.requireNonNull(file, "file");
        ringPorts = List.copyOf(ringPorts);
    }

    /** Reads and validates {@code file}. */
    public static AgentConfig load(Path file) throws ConfigException {
        Map<String, String> values = new TreeMap<>();
        Set<String> duplicates = new LinkedHashSet<>();
        Properties properties = new Properties() {
            @Override
            public synchronized Object put(Object key, Object value) {
                if (containsKey(key)) {
                    duplicates.add((String) key);
                }
                return super.put(key, value);
            }
        };
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(file, "cannot read: " + e, e);
        }
        if (!duplicates.isEmpty()) {
            throw new ConfigException(file, duplicates.iterator().next(), "given more than once");
        }
        for (String key : properties.stringPropertyNames()) {
            values.put(key, properties.getProperty(key));
        }
        return parse(file, values);
    }

    /** Validates already-read {@code values} as the contents of {@code file}. */
    static AgentConfig parse(Path file, Map<String, String> values) throws ConfigException {
        Map<String, Map<String, String>> ports = new TreeMap<>();
        for (Map.Entry<String, String> entry : values.entrySet()) {
            String key = entry.getKey();
            if (entry.getValue().isBlank()) {
                throw new ConfigException(file, key, "missing value");
            }
            if (GLOBAL_KEYS.contains(key)) {
                continue;
            }
            Matcher m = RING_PORT_KEY.matcher(key);
            if (!m.matches() || !PORT_KEYS.contains(m.group(2))) {
                throw new ConfigException(file, key, "unknown key (known: " + String.join(", ", new java.util.TreeSet<>(GLOBAL_KEYS))
                        + ", ring-port.NAME.guest, ring-port.NAME.publish-root, ring-port.NAME.domain, ring-port.NAME.ofport)");
            }
            String name = m.group(1);
            if (!PORT_NAME.matcher(name).matches()) {
                throw new ConfigException(file, key, "port name must be 1..32 of [A-Za-z0-9._-], starting with a"
                        + " letter or digit: name=\"" + name + "\"");
            }
            ports.computeIfAbsent(name, n -> new HashMap<>()).put(m.group(2), entry.getValue().strip());
        }
        String ovsdb = required(file, values, "ovsdb");
        if (!ovsdb.startsWith("unix:") && !ovsdb.startsWith("tcp:")) {
            throw new ConfigException(file, "ovsdb", "must be unix:PATH or tcp:HOST:PORT: value=" + ovsdb);
        }
        String bridge = required(file, values, "bridge");
        Path memifSocketDir = directory(file, "memif-socket-dir", required(file, values, "memif-socket-dir"));
        Optional<Path> regionDir = values.containsKey("region-dir")
                ? Optional.of(directory(file, "region-dir", values.get("region-dir").strip())) : Optional.empty();
        if (ports.isEmpty()) {
            throw new ConfigException(file, "ring-port.NAME.guest", "no ring port configured");
        }
        List<RingPortConfig> ringPorts = new ArrayList<>();
        Map<Long, String> ofports = new HashMap<>();
        Map<String, String> guestPorts = new HashMap<>();
        Map<String, GuestPlacement> placements = new HashMap<>();
        Map<String, String> domainGuests = new HashMap<>();
        for (Map.Entry<String, Map<String, String>> port : ports.entrySet()) {
            String name = port.getKey();
            Map<String, String> keys = port.getValue();
            String prefix = "ring-port." + name + ".";
            String guest = keys.get("guest");
            if (guest == null) {
                throw new ConfigException(file, prefix + "guest", "missing (every ring port names its guest)");
            }
            if (!GUEST_NAME.matcher(guest).matches()) {
                throw new ConfigException(file, prefix + "guest", "must be 1..32 printable ASCII characters without"
                        + " spaces: value=\"" + guest + "\"");
            }
            GuestPlacement placement = placement(file, prefix, keys);
            String earlier = guestPorts.putIfAbsent(guest, name);
            if (earlier != null) {
                GuestPlacement first = placements.get(earlier);
                if (!first.equals(placement)) {
                    throw new ConfigException(file, prefix + (placement instanceof GuestPlacement.Vm ? "domain"
                            : "publish-root"), "guest=" + guest + " is placed differently by ring-port." + earlier
                            + " (" + first + ") and ring-port." + name + " (" + placement + "); all ports of a guest"
                            + " must name the same publish-root or domain");
                }
            }
            if (placement instanceof GuestPlacement.Vm(String domain)) {
                String owner = domainGuests.putIfAbsent(domain, guest);
                if (owner != null && !owner.equals(guest)) {
                    throw new ConfigException(file, prefix + "domain", "domain=" + domain + " already belongs to"
                            + " guest=" + owner + "; one VM is one guest: value=" + domain);
                }
            }
            placements.put(name, placement);
            OptionalLong ofport = OptionalLong.empty();
            if (keys.containsKey("ofport")) {
                ofport = OptionalLong.of(ofport(file, prefix + "ofport", keys.get("ofport")));
                String other = ofports.put(ofport.getAsLong(), name);
                if (other != null) {
                    throw new ConfigException(file, prefix + "ofport", "value=" + ofport.getAsLong()
                            + " already requested by ring-port." + other + ".ofport");
                }
            }
            Path socket = memifSocketDir.resolve(socketFileName(name));
            if (socket.toString().length() > MAX_SOCKET_PATH || socket.toString().contains(",")
                    || socket.toString().contains("=")) {
                throw new ConfigException(file, "memif-socket-dir", "socket path for port " + name
                        + " is longer than " + MAX_SOCKET_PATH + " bytes or holds ',' or '=': path=" + socket);
            }
            ringPorts.add(new RingPortConfig(name, guest, placement, ofport));
        }
        String openflow;
        if (values.containsKey("openflow")) {
            openflow = values.get("openflow").strip();
            if (!openflow.matches("unix:/.+|tcp:.+:\\d+")) {
                throw new ConfigException(file, "openflow", "must be unix:/PATH or tcp:HOST:PORT: value=" + openflow);
            }
        } else if (ovsdb.startsWith("unix:")) {
            openflow = "unix:" + Path.of(ovsdb.substring("unix:".length())).resolveSibling(bridge + ".mgmt");
        } else {
            throw new ConfigException(file, "openflow", "missing (required when ovsdb is tcp:; e.g."
                    + " unix:/var/run/openvswitch/" + bridge + ".mgmt)");
        }
        Path controlSocket;
        if (values.containsKey("control-socket")) {
            controlSocket = Path.of(values.get("control-socket").strip());
            if (!controlSocket.isAbsolute() || controlSocket.getParent() == null
                    || !Files.isDirectory(controlSocket.getParent())) {
                throw new ConfigException(file, "control-socket", "must be an absolute path in an existing directory:"
                        + " value=" + controlSocket);
            }
        } else {
            controlSocket = memifSocketDir.resolve("highway.ctl");
        }
        if (controlSocket.toString().length() > MAX_SOCKET_PATH) {
            throw new ConfigException(file, "control-socket", "longer than " + MAX_SOCKET_PATH + " bytes: path="
                    + controlSocket);
        }
        boolean bypass = bool(file, values, "bypass", true);
        boolean controllerProxy = bool(file, values, "controller-proxy", false);
        String proxyListen = values.getOrDefault("proxy-listen", "127.0.0.1").strip();
        Optional<String> listenProblem = ControllerProxy.listenProblem(proxyListen, bridge);
        if (listenProblem.isPresent()) {
            throw new ConfigException(file, "proxy-listen", listenProblem.get());
        }
        Optional<InetSocketAddress> proxyPassive = Optional.empty();
        if (values.containsKey("proxy-passive")) {
            String value = values.get("proxy-passive").strip();
            int colon = value.lastIndexOf(':');
            int port = -1;
            try {
                port = colon > 0 ? Integer.parseInt(value.substring(colon + 1)) : -1;
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw new ConfigException(file, "proxy-passive", "must be ADDRESS:PORT with a port 1..65535: value=" + value);
            }
            proxyPassive = Optional.of(new InetSocketAddress(value.substring(0, colon).replace("[", "").replace("]", ""), port));
        }
        Duration holdDeadline = millis(file, values, "proxy-hold-deadline-ms", 5000, 1, 60_000);
        Duration busyPoll = Duration.ofNanos(1000 * wholeNumber(file, values, "proxy-busy-poll-us",
                ProxyConfig.DEFAULT_BUSY_POLL.toNanos() / 1000, 0, ProxyConfig.MAX_BUSY_POLL.toNanos() / 1000));
        Duration quiet = millis(file, values, "bypass-quiet-ms", 20, 0, 10_000);
        RemapDeadlines defaults = RemapDeadlines.defaults();
        RemapDeadlines deadlines = new RemapDeadlines(
                millis(file, values, "link-map-deadline-ms", defaults.map().toMillis(), 1, MAX_DEADLINE_MS),
                millis(file, values, "link-fence-deadline-ms", defaults.fence().toMillis(), 1, MAX_DEADLINE_MS),
                millis(file, values, "link-revert-deadline-ms", defaults.revert().toMillis(), 1, MAX_DEADLINE_MS),
                millis(file, values, "link-grace-ms", defaults.grace().toMillis(), 1, MAX_DEADLINE_MS));
        boolean spareRegions = bool(file, values, "link-spare-regions", true);
        boolean standby = bool(file, values, "link-standby", false);
        int warmupCycles = (int) wholeNumber(file, values, "link-warmup-cycles", DEFAULT_WARMUP_CYCLES, 0, 10_000);
        int controlNice = (int) wholeNumber(file, values, "control-nice", DEFAULT_CONTROL_NICE, ThreadNice.MIN, ThreadNice.MAX);
        int controlRealtime = (int) wholeNumber(file, values, "control-realtime-priority", 0, 0, ThreadRealtime.MAX);
        if (controlRealtime > 0 && !busyPoll.isZero()) {
            // a SCHED_FIFO thread's sched_yield gives way to no normal thread: its polling window would
            // keep everything else off its core
            throw new ConfigException(file, "control-realtime-priority", "cannot be combined with proxy-busy-poll-us:"
                    + " value=" + controlRealtime + " proxy-busy-poll-us=" + busyPoll.toNanos() / 1000);
        }
        String libvirtUri = values.getOrDefault("libvirt-uri", DEFAULT_LIBVIRT_URI).strip();
        if (!libvirtUri.matches("[a-z][a-z0-9+]*:///?\\S*")) {
            throw new ConfigException(file, "libvirt-uri", "must be a libvirt URI such as qemu:///system: value="
                    + libvirtUri);
        }
        Duration detachDeadline = millis(file, values, "libvirt-detach-deadline-ms", 30_000, 1, MAX_DEADLINE_MS);
        Duration watch = millis(file, values, "libvirt-watch-ms", 1000, 0, MAX_DEADLINE_MS);
        UpstreamTlsSource proxyTls;
        try {
            proxyTls = UpstreamTlsSource.choose(suffix -> Optional.ofNullable(values.get(PROXY_TLS_PREFIX + suffix)),
                    PROXY_TLS_PREFIX);
        } catch (UpstreamTlsSource.ChoiceException e) {
            throw new ConfigException(file, e.option(), e.getMessage());
        }
        return new AgentConfig(file, ovsdb, bridge, regionDir, memifSocketDir, ringPorts, openflow, controlSocket,
                bypass, quiet, controllerProxy, proxyListen, proxyPassive, holdDeadline, busyPoll, deadlines, spareRegions,
                standby, warmupCycles, controlNice, controlRealtime, libvirtUri, detachDeadline, watch, proxyTls);
    }

    /** Where region files go: {@code region-dir}, else hugetlbfs when it fits, else /dev/shm. */
    public RegionFiles regionFiles() {
        return regionDir.map(RegionFiles::in).orElseGet(RegionFiles::automatic);
    }

    /** Whether any ring port's guest is a VM (the agent then needs a libvirt connection). */
    public boolean hasVmGuests() {
        return ringPorts.stream().anyMatch(p -> p.placement() instanceof GuestPlacement.Vm);
    }

    /** The port's placement: exactly one of {@code publish-root} (a process guest) and {@code domain} (a VM). */
    private static GuestPlacement placement(Path file, String prefix, Map<String, String> keys) throws ConfigException {
        String root = keys.get("publish-root");
        String domain = keys.get("domain");
        if (root != null && domain != null) {
            throw new ConfigException(file, prefix + "domain", "give exactly one of " + prefix + "publish-root (a"
                    + " process guest) and " + prefix + "domain (a libvirt VM), not both: publish-root=" + root
                    + " domain=" + domain);
        }
        if (domain != null) {
            if (!DOMAIN_NAME.matcher(domain).matches()) {
                throw new ConfigException(file, prefix + "domain", "must be a libvirt domain name or UUID: 1..64 of"
                        + " [A-Za-z0-9_.+:-], starting with a letter, digit or '_': value=\"" + domain + "\"");
            }
            return new GuestPlacement.Vm(domain);
        }
        if (root == null) {
            throw new ConfigException(file, prefix + "publish-root", "missing: give " + prefix + "publish-root (a"
                    + " process guest's sysfs-shaped root) or " + prefix + "domain (a libvirt VM)");
        }
        return new GuestPlacement.Process(directory(file, prefix + "publish-root", root));
    }

    /** A whole number of milliseconds {@code min..max} under {@code key}, or {@code fallback} when absent. */
    private static Duration millis(Path file, Map<String, String> values, String key, long fallback, long min, long max)
            throws ConfigException {
        return Duration.ofMillis(wholeNumber(file, values, key, fallback, min, max));
    }

    /** A whole number {@code min..max} under {@code key}, or {@code fallback} when absent. */
    private static long wholeNumber(Path file, Map<String, String> values, String key, long fallback, long min, long max)
            throws ConfigException {
        if (!values.containsKey(key)) {
            return fallback;
        }
        String value = values.get(key).strip();
        long number;
        try {
            number = Long.parseLong(value);
        } catch (NumberFormatException e) {
            number = min - 1;
        }
        if (number < min || number > max) {
            throw new ConfigException(file, key, "must be a whole number " + min + ".." + max + ": value=" + value);
        }
        return number;
    }

    private static boolean bool(Path file, Map<String, String> values, String key, boolean fallback) throws ConfigException {
        if (!values.containsKey(key)) {
            return fallback;
        }
        String value = values.get(key).strip();
        if (!value.equals("true") && !value.equals("false")) {
            throw new ConfigException(file, key, "must be true or false: value=" + value);
        }
        return Boolean.parseBoolean(value);
    }

    /** The memif socket file of port {@code name} inside {@link #memifSocketDir}. */
    static String socketFileName(String name) {
        return "memif-" + name + ".sock";
    }

    /** The memif socket of port {@code name}. */
    public Path memifSocket(String name) {
        return memifSocketDir.resolve(socketFileName(name));
    }

    private static String required(Path file, Map<String, String> values, String key) throws ConfigException {
        String value = values.get(key);
        if (value == null) {
            throw new ConfigException(file, key, "missing (required)");
        }
        return value.strip();
    }

    private static Path directory(Path file, String key, String value) throws ConfigException {
        Path path;
        try {
            path = Path.of(value);
        } catch (RuntimeException e) {
            throw new ConfigException(file, key, "not a path: value=" + value);
        }
        if (!path.isAbsolute()) {
            throw new ConfigException(file, key, "must be an absolute path: value=" + value);
        }
        if (!Files.isDirectory(path)) {
            throw new ConfigException(file, key, "not an existing directory: value=" + value);
        }
        return path.normalize();
    }

    private static long ofport(Path file, String key, String value) throws ConfigException {
        try {
            long n = Long.parseLong(value);
            if (n >= 1 && n <= 0xfeff) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the range
        }
        throw new ConfigException(file, key, "must be a whole number 1..65279: value=" + value);
    }
}
