package org.ovshighway.ovs.ovsdb;

import static org.opendaylight.ovsdb.lib.operations.Operations.op;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.opendaylight.ovsdb.lib.MonitorCallBack;
import org.opendaylight.ovsdb.lib.message.MonitorRequest;
import org.opendaylight.ovsdb.lib.message.MonitorRequestBuilder;
import org.opendaylight.ovsdb.lib.message.MonitorSelect;
import org.opendaylight.ovsdb.lib.message.TableUpdates;
import org.opendaylight.ovsdb.lib.notation.Mutator;
import org.opendaylight.ovsdb.lib.notation.Row;
import org.opendaylight.ovsdb.lib.notation.UUID;
import org.opendaylight.ovsdb.lib.operations.Operation;
import org.opendaylight.ovsdb.lib.operations.OperationResult;
import org.opendaylight.ovsdb.lib.schema.ColumnSchema;
import org.opendaylight.ovsdb.lib.schema.DatabaseSchema;
import org.opendaylight.ovsdb.lib.schema.GenericTableSchema;

/**
 * Highway's connection to one ovsdb-server's {@code Open_vSwitch} database: an always-current
 * mirror of bridges, ports, interfaces and controllers kept by a monitor, listeners fed with
 * immutable snapshots and events, and the few writes Highway needs (ring ports, external_ids,
 * controller targets). No type of the underlying OVSDB library appears in this API.
 *
 * <p>Writes block until OVSDB answers and, where they wait for ovs-vswitchd, until it has applied
 * the change ({@code cur_cfg} reached the transaction's {@code next_cfg}), like ovs-vsctl does.
 * When a write returns, {@link #snapshot()} already shows it. Thread-safe.
 *
 * <p>No reconnection: when the connection drops, listeners get {@code onDisconnected} and every
 * later call fails; open a new session.
 */
// The library's transact takes a raw List<Operation>, so operation lists here are raw too.
@SuppressWarnings("rawtypes")
public final class OvsdbSession implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(OvsdbSession.class.getName());
    private static final String DATABASE = "Open_vSwitch";
    /**
     * Bound of each request and wait. Generous: the first reply (a ~27 KB schema) is parsed while
     * the JVM is still loading and compiling the JSON classes, which took over 10 s on a 2-core
     * host at load 18 while ovsdb-server had answered at once.
     */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final int SCHEMA_ATTEMPTS = 3;

    private final OvsdbEndpoint endpoint;
    private final Duration timeout;
    private final ExecutorService eventThread;
    private final List<OvsdbListener> listeners = new CopyOnWriteArrayList<>();

    private final Object lock = new Object();
    // Guarded by lock: the mirror, the snapshot made from it, and the updates that arrived while
    // the initial monitor reply was not applied yet (null once it is).
    private final OvsdbMirror mirror = new OvsdbMirror();
    private OvsdbSnapshot current = OvsdbSnapshot.EMPTY;
    private List<TableUpdates> beforeInitial = new ArrayList<>();
    private String disconnectReason;

    private OvsdbTransport transport;
    private DatabaseSchema schema;

    private OvsdbSession(OvsdbEndpoint endpoint, Duration timeout) {
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.eventThread = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().daemon().name("ovsdb-events").factory());
    }

    /** Connects to {@code unix:PATH} or {@code tcp:HOST:PORT} with {@link #DEFAULT_TIMEOUT}. */
    public static OvsdbSession connect(String endpoint) {
        return connect(OvsdbEndpoint.parse(endpoint), DEFAULT_TIMEOUT);
    }

    /**
     * Connects, reads the schema and starts the monitor; returns once the initial contents are in
     * {@link #snapshot()}. {@code timeout} bounds each request and each wait for ovs-vswitchd.
     */
    public static OvsdbSession connect(OvsdbEndpoint endpoint, Duration timeout) {
        Objects.requireNonNull(endpoint, "endpoint");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: timeout=" + timeout);
        }
        OvsdbSession session = new OvsdbSession(endpoint, timeout);
        try {
            session.start();
            return session;
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    private void start() {
        schema = readSchema();
        if (schema == null) {
            throw new OvsdbException("database not served: endpoint=" + endpoint + " database=" + DATABASE);
        }
        List<MonitorRequest> requests = new ArrayList<>();
        // Columns an older schema lacks (e.g. Controller:type before OVS 2.16) are left out.
        OvsdbMirror.COLUMNS.forEach((table, columns) -> requests.add(
                new MonitorRequestBuilder<>(table(table)).addColumns(columns.stream()
                                .filter(c -> table(table).getColumns().contains(c)).toList())
                        .with(new MonitorSelect(true, true, true, true)).build()));
        TableUpdates initial = transport.client().monitor(schema, requests, new MonitorCallBack() {
            @Override
            public void update(TableUpdates result, DatabaseSchema dbSchema) {
                onMonitorUpdate(result);
            }

            @Override
            public void exception(Throwable cause) {
                LOG.log(System.Logger.Level.WARNING, "ovsdb monitor failed: endpoint=" + endpoint, cause);
            }
        }, (int) Math.max(1, timeout.toSeconds()));
        if (initial == null) {
            throw new OvsdbException("monitor request failed: endpoint=" + endpoint);
        }
        synchronized (lock) {
            apply(initial);
            List<TableUpdates> queued = beforeInitial;
            beforeInitial = null;
            queued.forEach(this::apply);
            publish();
        }
    }

    /**
     * Connects and reads the schema, on a fresh connection up to {@value #SCHEMA_ATTEMPTS} times.
     * On loaded hosts the library's reply to this first request was seen lost now and then (the
     * reply reached the socket, the future never completed, a fresh connection worked), so each
     * attempt gets a third of the timeout.
     */
    private DatabaseSchema readSchema() {
        Duration attemptTimeout = timeout.dividedBy(SCHEMA_ATTEMPTS);
        OvsdbException last = null;
        for (int attempt = 1; attempt <= SCHEMA_ATTEMPTS; attempt++) {
            transport = OvsdbTransport.open(endpoint, timeout, this::disconnected);
            try {
                return awaitWithin("read schema", transport.client().getSchema(DATABASE), attemptTimeout);
            } catch (OvsdbException e) {
                last = e;
                if (attempt < SCHEMA_ATTEMPTS) {
                    LOG.log(System.Logger.Level.WARNING, "no schema from ovsdb-server yet, reconnecting: endpoint="
                            + endpoint + " attempt=" + attempt + " " + e.getMessage());
                    transport.close();
                }
            }
        }
        throw last;
    }

    // Runs on the library's I/O thread, in the order ovsdb-server sent the updates.
    private void onMonitorUpdate(TableUpdates updates) {
        synchronized (lock) {
            if (beforeInitial != null) {
                beforeInitial.add(updates);
                return;
            }
            apply(updates);
            publish();
        }
    }

    private void apply(TableUpdates updates) {
        for (OdlRows.RowChange change : OdlRows.changes(updates)) {
            mirror.apply(change.table(), change.uuid(), change.row());
        }
    }

    // Caller holds lock: queues the new snapshot and its events behind everything queued before.
    private void publish() {
        OvsdbSnapshot next = mirror.snapshot();
        List<OvsdbEvent> events = SnapshotDiff.between(current, next);
        current = next;
        lock.notifyAll();
        if (!events.isEmpty()) {
            for (OvsdbListener listener : listeners) {
                eventThread.execute(() -> deliver(listener, next, events));
            }
        }
    }

    private void deliver(OvsdbListener listener, OvsdbSnapshot snapshot, List<OvsdbEvent> events) {
        if (!listeners.contains(listener)) {
            return;
        }
        try {
            listener.onUpdate(snapshot, events);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "ovsdb listener failed: endpoint=" + endpoint
                    + " listener=" + listener, e);
        }
    }

    private void disconnected(String reason) {
        synchronized (lock) {
            if (disconnectReason != null) {
                return;
            }
            disconnectReason = reason;
            lock.notifyAll();
            for (OvsdbListener listener : listeners) {
                eventThread.execute(() -> {
                    try {
                        listener.onDisconnected(reason);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "ovsdb listener failed: endpoint=" + endpoint, e);
                    }
                });
            }
        }
    }

    /** The endpoint this session talks to. */
    public OvsdbEndpoint endpoint() {
        return endpoint;
    }

    /** True until the connection drops or the session is closed. */
    public boolean isConnected() {
        synchronized (lock) {
            return disconnectReason == null;
        }
    }

    /** Why the connection ended ({@code "closed"} after {@link #close}); empty while connected. */
    public Optional<String> disconnectReason() {
        synchronized (lock) {
            return Optional.ofNullable(disconnectReason);
        }
    }

    /** The database as of the last monitor update. */
    public OvsdbSnapshot snapshot() {
        synchronized (lock) {
            return current;
        }
    }

    /**
     * Registers a listener; it first receives the current snapshot with no events, then every
     * update. Closing the returned handle unregisters it.
     */
    public Subscription addListener(OvsdbListener listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (lock) {
            listeners.add(listener);
            OvsdbSnapshot now = current;
            eventThread.execute(() -> deliver(listener, now, List.of()));
        }
        return () -> listeners.remove(listener);
    }

    /** Handle of a registered listener. */
    @FunctionalInterface
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Waits until the mirrored database satisfies {@code condition} and returns that snapshot.
     *
     * @throws OvsdbException when it does not within {@code wait} or the connection drops
     */
    public OvsdbSnapshot awaitSnapshot(Predicate<OvsdbSnapshot> condition, Duration wait) {
        return awaitSnapshotOrEmpty(condition, wait).orElseThrow(() -> new OvsdbException(
                "condition not met: endpoint=" + endpoint + " timeout=" + wait));
    }

    private Optional<OvsdbSnapshot> awaitSnapshotOrEmpty(Predicate<OvsdbSnapshot> condition, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (lock) {
            while (true) {
                if (condition.test(current)) {
                    return Optional.of(current);
                }
                requireConnected();
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new OvsdbException("interrupted waiting for ovsdb: endpoint=" + endpoint, e);
                }
            }
        }
    }

    // ---------------------------------------------------------------- ring ports

    /**
     * Creates a ring port (Port + Interface + the bridge's ports mutation in one transaction),
     * waits until ovs-vswitchd applied it and returns the port as OVS set it up.
     *
     * @throws OvsdbException naming the port when OVSDB refuses the transaction (e.g. duplicate
     *                        name), the bridge does not exist, or ovs-vswitchd cannot open the
     *                        interface ({@code ofport=-1}, {@code error} column); in the last case
     *                        the port is removed again, because a failing port makes
     *                        ovs-vswitchd retry it for ever
     */
    public PortInfo addRingPort(RingPortSpec spec) {
        Objects.requireNonNull(spec, "spec");
        String where = "port=" + spec.port() + " bridge=" + spec.bridge();
        if (snapshot().bridge(spec.bridge()).isEmpty()) {
            throw new OvsdbException("ring port not created, no such bridge: " + where);
        }
        GenericTableSchema iface = table(OvsdbMirror.INTERFACE);
        GenericTableSchema port = table(OvsdbMirror.PORT);
        GenericTableSchema bridge = table(OvsdbMirror.BRIDGE);
        List<Operation> ops = new ArrayList<>();
        ops.add(op.insert(iface).withId("highway_iface")
                .value(iface.column("name", String.class), spec.port())
                .value(iface.column("type", String.class), "dpdk")
                .value(iface.multiValuedColumn("options", String.class, String.class), spec.options())
                .value(iface.multiValuedColumn("external_ids", String.class, String.class), spec.externalIds())
                .value(iface.multiValuedColumn("ofport_request", Long.class),
                        spec.ofportRequest().isPresent() ? Set.of(spec.ofportRequest().getAsLong()) : Set.of()));
        ops.add(op.insert(port).withId("highway_port")
                .value(port.column("name", String.class), spec.port())
                .value(port.multiValuedColumn("interfaces", UUID.class), Set.of(new UUID("highway_iface"))));
        ops.add(op.mutate(bridge)
                .addMutation(bridge.multiValuedColumn("ports", UUID.class), Mutator.INSERT,
                        Set.of(new UUID("highway_port")))
                .where(bridge.column("name", String.class).opEqual(spec.bridge())).build());
        int bridgeMutation = ops.size() - 1;
        long nextCfg = transactWithNextCfg("ring port not created: " + where, ops, bridgeMutation);

        Optional<OvsdbSnapshot> settled = awaitSnapshotOrEmpty(s -> s.curCfg() >= nextCfg
                && s.findInterface(spec.port()).map(i -> i.ofport().isPresent() || i.error().isPresent())
                .orElse(false), timeout);
        if (settled.isEmpty()) {
            String failure = "ring port not set up by ovs-vswitchd within timeout: " + where + " timeout=" + timeout
                    + " next_cfg=" + nextCfg + " cur_cfg=" + snapshot().curCfg();
            removeAfterFailure(spec, failure);
            throw new OvsdbException(failure + " removed=true");
        }
        PortInfo created = settled.get().bridge(spec.bridge()).flatMap(b -> b.port(spec.port()))
                .orElseThrow(() -> new OvsdbException("ring port vanished after creation: " + where));
        InterfaceInfo info = created.iface(spec.port()).orElseThrow();
        if (info.failed() || info.error().isPresent()) {
            String failure = "ring port failed in ovs-vswitchd: " + where + " ofport="
                    + (info.ofport().isPresent() ? info.ofport().getAsLong() : "[]")
                    + " error=" + info.error().orElse("(none)");
            removeAfterFailure(spec, failure);
            throw new OvsdbException(failure + " removed=true");
        }
        return created;
    }

    private void removeAfterFailure(RingPortSpec spec, String failure) {
        try {
            deleteRingPort(spec.bridge(), spec.port());
        } catch (RuntimeException e) {
            OvsdbException rollback = new OvsdbException(failure + " removed=false removeError=" + e.getMessage(), e);
            throw rollback;
        }
    }

    /**
     * Removes a ring port Highway created from its bridge (OVSDB then drops the unreferenced Port
     * and Interface rows) and waits until ovs-vswitchd applied that, so the memif socket is
     * released when this returns.
     *
     * @throws OvsdbException when the port does not exist on that bridge or is not a Highway
     *                        ring port ({@code external_ids:highway-ring-port=true})
     */
    public void deleteRingPort(String bridgeName, String portName) {
        deleteRingPort(bridgeName, portName, timeout);
    }

    /**
     * {@link #deleteRingPort(String, String)}, waiting at most {@code applyWait} for ovs-vswitchd
     * (zero: not at all) and then failing as that does; the deletion is in OVSDB either way, and
     * ovs-vswitchd applies it when it runs.
     */
    public void deleteRingPort(String bridgeName, String portName, Duration applyWait) {
        if (applyWait.isNegative()) {
            throw new IllegalArgumentException("applyWait must be >= 0: applyWait=" + applyWait);
        }
        String where = "port=" + portName + " bridge=" + bridgeName;
        PortInfo existing = snapshot().bridge(bridgeName).flatMap(b -> b.port(portName))
                .orElseThrow(() -> new OvsdbException("ring port not deleted, no such port on bridge: " + where));
        if (existing.interfaces().stream().noneMatch(InterfaceInfo::isRingPort)) {
            throw new OvsdbException("not deleted, not a Highway ring port: " + where + " external_ids="
                    + existing.interfaces().stream().map(InterfaceInfo::externalIds).toList());
        }
        GenericTableSchema bridge = table(OvsdbMirror.BRIDGE);
        List<Operation> ops = new ArrayList<>();
        ops.add(op.mutate(bridge)
                .addMutation(bridge.multiValuedColumn("ports", UUID.class), Mutator.DELETE,
                        Set.of(new UUID(existing.uuid())))
                .where(bridge.column("name", String.class).opEqual(bridgeName)).build());
        long nextCfg = transactWithNextCfg("ring port not deleted: " + where, ops, 0);
        awaitSnapshotOrEmpty(s -> s.curCfg() >= nextCfg && s.findPort(portName).isEmpty(), applyWait)
                .orElseThrow(() -> new OvsdbException("ring port deleted from OVSDB but ovs-vswitchd did not apply it"
                        + " within the wait: " + where + " wait_ms=" + applyWait.toMillis() + " next_cfg=" + nextCfg
                        + " cur_cfg=" + snapshot().curCfg()));
    }

    // ---------------------------------------------------------------- external_ids

    /**
     * Sets {@code put} and removes {@code remove} in the {@code external_ids} of the bridge, port
     * or interface named {@code name}, atomically, other keys untouched.
     *
     * @throws OvsdbException when no such row exists or OVSDB refuses the change
     */
    public void updateExternalIds(ExternalIdsOwner owner, String name, Map<String, String> put,
                                  Collection<String> remove) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(name, "name");
        Map<String, String> puts = Map.copyOf(put);
        Set<String> removes = Set.copyOf(remove);
        String where = owner.name().toLowerCase(java.util.Locale.ROOT) + "=" + name;
        Set<String> overlap = new HashSet<>(removes);
        overlap.retainAll(puts.keySet());
        if (!overlap.isEmpty()) {
            throw new IllegalArgumentException("keys both set and removed: " + where + " keys=" + overlap);
        }
        GenericTableSchema table = table(owner.table());
        // A map "insert" mutation keeps an existing key's old value, so every key written is deleted first.
        Set<String> deleteKeys = new LinkedHashSet<>(removes);
        deleteKeys.addAll(puts.keySet());
        List<Operation> ops = new ArrayList<>();
        ops.add(op.mutate(table)
                .addMutation(keySetColumn(table, "external_ids"), Mutator.DELETE, deleteKeys)
                .addMutation(table.multiValuedColumn("external_ids", String.class, String.class), Mutator.INSERT, puts)
                .where(table.column("name", String.class).opEqual(name)).build());
        List<OperationResult> results = transact("external_ids not updated: " + where, ops);
        if (results.get(0).getCount() != 1) {
            throw new OvsdbException("external_ids not updated, no such row: " + where);
        }
        awaitSnapshotOrEmpty(s -> externalIds(s, owner, name).map(ids -> ids.entrySet().containsAll(puts.entrySet())
                && removes.stream().noneMatch(ids::containsKey)).orElse(false), timeout)
                .orElseThrow(() -> new OvsdbException("external_ids update not seen by monitor: " + where
                        + " timeout=" + timeout));
    }

    /** The external_ids of the named bridge, port or interface, if it exists. */
    public Optional<Map<String, String>> externalIds(ExternalIdsOwner owner, String name) {
        return externalIds(snapshot(), owner, name);
    }

    private static Optional<Map<String, String>> externalIds(OvsdbSnapshot s, ExternalIdsOwner owner, String name) {
        return switch (owner) {
            case BRIDGE -> s.bridge(name).map(BridgeInfo::externalIds);
            case PORT -> s.findPort(name).map(PortInfo::externalIds);
            case INTERFACE -> s.findInterface(name).map(InterfaceInfo::externalIds);
        };
    }

    // ---------------------------------------------------------------- controllers

    /** The bridge's controller targets (e.g. {@code tcp:127.0.0.1:6653}), sorted. */
    public List<String> controllerTargets(String bridgeName) {
        return snapshot().bridge(bridgeName).map(BridgeInfo::controllerTargets)
                .orElseThrow(() -> new OvsdbException("no such bridge: bridge=" + bridgeName));
    }

    /**
     * Replaces the bridge's controllers with one Controller row per target (other Controller
     * columns at their defaults); an empty list removes all controllers.
     */
    public void setControllerTargets(String bridgeName, List<String> targets) {
        List<String> wanted = List.copyOf(new LinkedHashSet<>(targets));
        for (String target : wanted) {
            if (target.isBlank()) {
                throw new IllegalArgumentException("blank controller target: bridge=" + bridgeName);
            }
        }
        GenericTableSchema controller = table(OvsdbMirror.CONTROLLER);
        GenericTableSchema bridge = table(OvsdbMirror.BRIDGE);
        List<Operation> ops = new ArrayList<>();
        Set<UUID> refs = new LinkedHashSet<>();
        for (int i = 0; i < wanted.size(); i++) {
            String id = "highway_controller" + i;
            ops.add(op.insert(controller).withId(id).value(controller.column("target", String.class), wanted.get(i)));
            refs.add(new UUID(id));
        }
        ops.add(op.update(bridge).set(bridge.multiValuedColumn("controller", UUID.class), refs)
                .where(bridge.column("name", String.class).opEqual(bridgeName)).build());
        String where = "bridge=" + bridgeName + " targets=" + wanted;
        List<OperationResult> results = transact("controllers not set: " + where, ops);
        if (results.get(ops.size() - 1).getCount() != 1) {
            throw new OvsdbException("controllers not set, no such bridge: " + where);
        }
        List<String> sorted = wanted.stream().sorted().toList();
        awaitSnapshotOrEmpty(s -> s.bridge(bridgeName).map(b -> b.controllerTargets().equals(sorted)).orElse(false),
                timeout).orElseThrow(() -> new OvsdbException("controller change not seen by monitor: " + where));
    }

    /**
     * The configuration of the bridge's controllers as of the last monitor update, sorted by target.
     *
     * @throws OvsdbException when there is no such bridge
     */
    public List<ControllerConfig> controllers(String bridgeName) {
        synchronized (lock) {
            return mirror.controllers(bridgeName)
                    .orElseThrow(() -> new OvsdbException("no such bridge: bridge=" + bridgeName));
        }
    }

    /**
     * The switch's own TLS files ({@code ovs-vsctl get-ssl}) as of the last monitor update, empty
     * when none are configured.
     */
    public Optional<SslSettings> sslSettings() {
        synchronized (lock) {
            return mirror.ssl();
        }
    }

    /**
     * Replaces the bridge's controllers with {@code controllers} (every configuration column
     * written as given) and changes the bridge's {@code external_ids} in the same transaction, so
     * OVS never sees one without the other. Returns once the monitor shows the new controllers.
     *
     * @throws OvsdbException when the bridge does not exist, a column is not in this OVS's schema
     *                        or OVSDB refuses the transaction
     */
    public void replaceControllers(String bridgeName, List<ControllerConfig> controllers,
                                   Map<String, String> putExternalIds, Collection<String> removeExternalIds) {
        Objects.requireNonNull(bridgeName, "bridgeName");
        Map<String, String> puts = Map.copyOf(putExternalIds);
        Set<String> removes = Set.copyOf(removeExternalIds);
        String where = "bridge=" + bridgeName + " targets=" + controllers.stream().map(ControllerConfig::target).toList();
        Set<String> targets = new HashSet<>();
        for (ControllerConfig c : controllers) {
            if (!targets.add(c.target())) {
                throw new IllegalArgumentException("duplicate controller target: " + where + " target=" + c.target());
            }
        }
        GenericTableSchema controller = table(OvsdbMirror.CONTROLLER);
        GenericTableSchema bridge = table(OvsdbMirror.BRIDGE);
        List<Operation> ops = new ArrayList<>();
        Set<UUID> refs = new LinkedHashSet<>();
        for (int i = 0; i < controllers.size(); i++) {
            ControllerConfig c = controllers.get(i);
            String id = "highway_controller" + i;
            var insert = op.insert(controller).withId(id)
                    .value(controller.column("target", String.class), c.target())
                    .value(controller.multiValuedColumn("other_config", String.class, String.class), c.otherConfig())
                    .value(controller.multiValuedColumn("external_ids", String.class, String.class), c.externalIds());
            for (Map.Entry<String, String> setting : c.settings().entrySet()) {
                String column = setting.getKey();
                if (!controller.getColumns().contains(column)) {
                    throw new OvsdbException("controllers not set, column not in this OVS's schema: " + where
                            + " column=" + column);
                }
                if (ControllerConfig.INTEGER_COLUMNS.contains(column)) {
                    insert.value(controller.multiValuedColumn(column, Long.class), Set.of(Long.parseLong(setting.getValue())));
                } else if (ControllerConfig.BOOLEAN_COLUMNS.contains(column)) {
                    insert.value(controller.multiValuedColumn(column, Boolean.class),
                            Set.of(Boolean.parseBoolean(setting.getValue())));
                } else {
                    insert.value(controller.multiValuedColumn(column, String.class), Set.of(setting.getValue()));
                }
            }
            ops.add(insert);
            refs.add(new UUID(id));
        }
        Set<String> deleteKeys = new LinkedHashSet<>(removes);
        deleteKeys.addAll(puts.keySet());
        ops.add(op.update(bridge).set(bridge.multiValuedColumn("controller", UUID.class), refs)
                .where(bridge.column("name", String.class).opEqual(bridgeName)).build());
        int bridgeUpdate = ops.size() - 1;
        ops.add(op.mutate(bridge)
                .addMutation(keySetColumn(bridge, "external_ids"), Mutator.DELETE, deleteKeys)
                .addMutation(bridge.multiValuedColumn("external_ids", String.class, String.class), Mutator.INSERT, puts)
                .where(bridge.column("name", String.class).opEqual(bridgeName)).build());
        List<OperationResult> results = transact("controllers not set: " + where, ops);
        if (results.get(bridgeUpdate).getCount() != 1) {
            throw new OvsdbException("controllers not set, no such bridge: " + where);
        }
        List<ControllerConfig> sorted = controllers.stream().sorted(java.util.Comparator.comparing(ControllerConfig::target))
                .toList();
        awaitSnapshotOrEmpty(s -> {
            synchronized (lock) {
                return mirror.controllers(bridgeName).map(sorted::equals).orElse(false)
                        && s.bridge(bridgeName).map(b -> b.externalIds().entrySet().containsAll(puts.entrySet())
                        && removes.stream().noneMatch(b.externalIds()::containsKey)).orElse(false);
            }
        }, timeout).orElseThrow(() -> new OvsdbException("controller change not seen by monitor: " + where
                + " timeout=" + timeout));
    }

    // ---------------------------------------------------------------- transactions

    /**
     * Runs {@code ops} plus an increment of {@code Open_vSwitch:next_cfg} and returns the new
     * next_cfg: ovs-vswitchd sets cur_cfg to it once it applied this transaction.
     */
    private long transactWithNextCfg(String what, List<Operation> ops, int mustMatchOneRow) {
        GenericTableSchema root = table(OvsdbMirror.OPEN_VSWITCH);
        ColumnSchema<GenericTableSchema, Long> nextCfg = root.column("next_cfg", Long.class);
        List<Operation> all = new ArrayList<>(ops);
        all.add(op.mutate(root).addMutation(nextCfg, Mutator.SUM, 1L));
        all.add(op.select(root).column(nextCfg));
        List<OperationResult> results = transact(what, all);
        if (results.get(mustMatchOneRow).getCount() != 1) {
            throw new OvsdbException(what + " error=no matching row count=" + results.get(mustMatchOneRow).getCount());
        }
        List<Row<GenericTableSchema>> rows = results.get(all.size() - 1).getRows();
        if (rows == null || rows.size() != 1) {
            throw new OvsdbException(what + " error=Open_vSwitch table must have exactly one row rows="
                    + (rows == null ? 0 : rows.size()));
        }
        OptionalLong value = OvsdbMirror.optLong(OdlRows.plain(rows.get(0).getColumn(nextCfg).getData()));
        return value.orElseThrow(() -> new OvsdbException(what + " error=next_cfg unreadable"));
    }

    /** Runs one transaction; any operation error or a trailing commit error becomes an exception. */
    private List<OperationResult> transact(String what, List<Operation> ops) {
        requireConnected();
        List<OperationResult> results = await(what, transport.client().transact(schema, ops));
        if (results == null) {
            throw new OvsdbException(what + " error=no reply");
        }
        for (int i = 0; i < results.size(); i++) {
            OperationResult result = results.get(i);
            if (result != null && result.getError() != null) {
                String operation = i < ops.size()
                        ? " op=" + ops.get(i).getOp() + " table=" + ops.get(i).getTable() : " op=commit";
                throw new OvsdbException(what + " error=" + result.getError()
                        + (result.getDetails() == null ? "" : " details=" + result.getDetails()) + operation);
            }
        }
        if (results.size() < ops.size() || results.subList(0, ops.size()).contains(null)) {
            throw new OvsdbException(what + " error=incomplete reply results=" + results.size() + " ops=" + ops.size());
        }
        return results;
    }

    private <T> T await(String what, java.util.concurrent.Future<T> future) {
        return awaitWithin(what, future, timeout);
    }

    private <T> T awaitWithin(String what, java.util.concurrent.Future<T> future, Duration within) {
        try {
            return future.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OvsdbException(what + " error=interrupted endpoint=" + endpoint, e);
        } catch (ExecutionException e) {
            throw new OvsdbException(what + " error=" + e.getCause() + " endpoint=" + endpoint, e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new OvsdbException(what + " error=no reply within timeout endpoint=" + endpoint
                    + " timeout=" + within, e);
        }
    }

    private void requireConnected() {
        synchronized (lock) {
            if (disconnectReason != null) {
                throw new OvsdbException("ovsdb session not connected: endpoint=" + endpoint
                        + " reason=" + disconnectReason);
            }
        }
    }

    private GenericTableSchema table(String name) {
        GenericTableSchema table = schema.table(name, GenericTableSchema.class);
        if (table == null) {
            throw new OvsdbException("table missing from schema: endpoint=" + endpoint + " table=" + name);
        }
        return table;
    }

    /** A map column seen as a set of its keys, the operand of a map "delete" mutation. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ColumnSchema<GenericTableSchema, Set<String>> keySetColumn(GenericTableSchema table, String column) {
        ColumnSchema map = table.multiValuedColumn(column, String.class, String.class);
        return (ColumnSchema<GenericTableSchema, Set<String>>) map;
    }

    /** Closes the connection and the event thread; listeners get no onDisconnected call. */
    @Override
    public void close() {
        synchronized (lock) {
            if (disconnectReason == null) {
                disconnectReason = "closed";
            }
            lock.notifyAll();
        }
        listeners.clear();
        if (transport != null) {
            transport.close();
        }
        eventThread.shutdown();
    }
}
