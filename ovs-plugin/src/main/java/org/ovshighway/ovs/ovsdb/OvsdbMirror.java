package org.ovshighway.ovs.ovsdb;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * A copy of the monitored rows, kept as plain values so that it knows nothing of the OVSDB
 * library: a row is a map from column name to String, Long, Boolean, Double, a row UUID as
 * String, an immutable Set of those (OVSDB sets, including optional columns) or an immutable Map.
 * Not thread-safe; the session serialises access.
 */
final class OvsdbMirror {

    static final String OPEN_VSWITCH = "Open_vSwitch";
    static final String BRIDGE = "Bridge";
    static final String PORT = "Port";
    static final String INTERFACE = "Interface";
    static final String CONTROLLER = "Controller";
    static final String SSL = "SSL";

    /** Monitored columns per table; statistics are left out, they change every few seconds. */
    static final Map<String, List<String>> COLUMNS = Map.of(
            OPEN_VSWITCH, List.of("cur_cfg", "next_cfg", "ssl"),
            BRIDGE, List.of("name", "datapath_type", "fail_mode", "controller", "ports", "external_ids"),
            PORT, List.of("name", "interfaces", "external_ids"),
            INTERFACE, List.of("name", "type", "options", "ofport", "external_ids", "link_state", "error"),
            CONTROLLER, List.of("target", "type", "connection_mode", "local_ip", "local_netmask", "local_gateway",
                    "max_backoff", "inactivity_probe", "controller_queue_size", "controller_rate_limit",
                    "controller_burst_limit", "enable_async_messages", "other_config", "external_ids"),
            SSL, List.of("private_key", "certificate", "ca_cert", "bootstrap_ca_cert"));

    private final Map<String, Map<String, Map<String, Object>>> tables = new HashMap<>();

    /** Stores a row's new contents, or deletes it when {@code row} is null. */
    void apply(String table, String uuid, Map<String, Object> row) {
        Map<String, Map<String, Object>> rows = tables.computeIfAbsent(table, t -> new HashMap<>());
        if (row == null) {
            rows.remove(uuid);
        } else {
            rows.put(uuid, Map.copyOf(row));
        }
    }

    OvsdbSnapshot snapshot() {
        long curCfg = rows(OPEN_VSWITCH).values().stream().findFirst()
                .map(r -> optLong(r.get("cur_cfg")).orElse(0)).orElse(0L);
        List<BridgeInfo> bridges = new ArrayList<>();
        rows(BRIDGE).forEach((uuid, row) -> bridges.add(bridge(uuid, row)));
        bridges.sort(Comparator.comparing(BridgeInfo::name));
        return new OvsdbSnapshot(curCfg, bridges);
    }

    private Map<String, Map<String, Object>> rows(String table) {
        return tables.getOrDefault(table, Map.of());
    }

    /** The switch's TLS files, empty when {@code Open_vSwitch:ssl} points at no SSL row. */
    Optional<SslSettings> ssl() {
        for (Map<String, Object> root : rows(OPEN_VSWITCH).values()) {
            for (String ref : uuids(root.get("ssl"))) {
                Map<String, Object> row = rows(SSL).get(ref);
                if (row != null) {
                    return Optional.of(new SslSettings(str(row.get("private_key")), str(row.get("certificate")),
                            str(row.get("ca_cert")), Boolean.TRUE.equals(row.get("bootstrap_ca_cert"))));
                }
            }
        }
        return Optional.empty();
    }

    /** The configuration of the named bridge's controllers sorted by target, or empty when there is no such bridge. */
    Optional<List<ControllerConfig>> controllers(String bridgeName) {
        for (Map<String, Object> row : rows(BRIDGE).values()) {
            if (!bridgeName.equals(str(row.get("name")))) {
                continue;
            }
            List<ControllerConfig> out = new ArrayList<>();
            for (String ref : uuids(row.get("controller"))) {
                Map<String, Object> controller = rows(CONTROLLER).get(ref);
                if (controller == null) {
                    continue;
                }
                TreeMap<String, String> settings = new TreeMap<>();
                for (String column : COLUMNS.get(CONTROLLER)) {
                    if (ControllerConfig.STRING_COLUMNS.contains(column) || ControllerConfig.INTEGER_COLUMNS.contains(column)
                            || ControllerConfig.BOOLEAN_COLUMNS.contains(column)) {
                        optStr(controller.get(column)).ifPresent(v -> settings.put(column, v));
                    }
                }
                out.add(new ControllerConfig(str(controller.get("target")), settings,
                        strMap(controller.get("other_config")), strMap(controller.get("external_ids"))));
            }
            out.sort(Comparator.comparing(ControllerConfig::target));
            return Optional.of(out);
        }
        return Optional.empty();
    }

    private BridgeInfo bridge(String uuid, Map<String, Object> row) {
        List<String> targets = new ArrayList<>();
        for (String ref : uuids(row.get("controller"))) {
            Map<String, Object> controller = rows(CONTROLLER).get(ref);
            if (controller != null) {
                targets.add(str(controller.get("target")));
            }
        }
        targets.sort(null);
        List<PortInfo> ports = new ArrayList<>();
        for (String ref : uuids(row.get("ports"))) {
            Map<String, Object> port = rows(PORT).get(ref);
            if (port != null) {
                ports.add(port(ref, port));
            }
        }
        ports.sort(Comparator.comparing(PortInfo::name));
        return new BridgeInfo(uuid, str(row.get("name")), str(row.get("datapath_type")),
                optStr(row.get("fail_mode")), targets, strMap(row.get("external_ids")), ports);
    }

    private PortInfo port(String uuid, Map<String, Object> row) {
        List<InterfaceInfo> interfaces = new ArrayList<>();
        for (String ref : uuids(row.get("interfaces"))) {
            Map<String, Object> iface = rows(INTERFACE).get(ref);
            if (iface != null) {
                interfaces.add(iface(ref, iface));
            }
        }
        interfaces.sort(Comparator.comparing(InterfaceInfo::name));
        return new PortInfo(uuid, str(row.get("name")), interfaces, strMap(row.get("external_ids")));
    }

    private static InterfaceInfo iface(String uuid, Map<String, Object> row) {
        return new InterfaceInfo(uuid, str(row.get("name")), str(row.get("type")), strMap(row.get("options")),
                optLong(row.get("ofport")), strMap(row.get("external_ids")), optStr(row.get("link_state")),
                optStr(row.get("error")));
    }

    /** A scalar column, or the single element of an optional one; "" when absent or empty. */
    static String str(Object value) {
        return optStr(value).orElse("");
    }

    /** An optional column (OVSDB set of 0 or 1 elements) or a scalar. */
    static Optional<String> optStr(Object value) {
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Collection<?> c) {
            return c.isEmpty() ? Optional.empty() : Optional.of(String.valueOf(c.iterator().next()));
        }
        return Optional.of(String.valueOf(value));
    }

    static OptionalLong optLong(Object value) {
        if (value instanceof Collection<?> c) {
            return c.isEmpty() ? OptionalLong.empty() : optLong(c.iterator().next());
        }
        if (value instanceof Number n) {
            return OptionalLong.of(n.longValue());
        }
        return OptionalLong.empty();
    }

    static Map<String, String> strMap(Object value) {
        if (!(value instanceof Map<?, ?> m)) {
            return Map.of();
        }
        Map<String, String> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        return out;
    }

    static Set<String> uuids(Object value) {
        if (value instanceof Collection<?> c) {
            Map<String, Boolean> ordered = new LinkedHashMap<>();
            c.forEach(v -> ordered.put(String.valueOf(v), Boolean.TRUE));
            return ordered.keySet();
        }
        return value == null ? Set.of() : Set.of(String.valueOf(value));
    }
}
