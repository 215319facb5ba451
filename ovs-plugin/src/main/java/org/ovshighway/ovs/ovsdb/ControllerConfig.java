package org.ovshighway.ovs.ovsdb;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The configuration columns of one {@code Controller} row: what must be written back for OVS to
 * treat a restored controller exactly as before. The read-only status columns
 * ({@code is_connected}, {@code role}, {@code status}) are not part of it.
 *
 * @param settings    the optional scalar columns that are set, column name to value as text
 *                    (integers in decimal, booleans {@code true}/{@code false}); a column not in
 *                    the map is empty (OVS default)
 * @param otherConfig {@code other_config}
 * @param externalIds {@code external_ids}
 */
public record ControllerConfig(String target, SortedMap<String, String> settings, Map<String, String> otherConfig,
                               Map<String, String> externalIds) {

    /** Optional string columns. */
    public static final Set<String> STRING_COLUMNS = Set.of("type", "connection_mode", "local_ip", "local_netmask",
            "local_gateway");
    /** Optional integer columns. */
    public static final Set<String> INTEGER_COLUMNS = Set.of("max_backoff", "inactivity_probe", "controller_queue_size",
            "controller_rate_limit", "controller_burst_limit");
    /** Optional boolean columns. */
    public static final Set<String> BOOLEAN_COLUMNS = Set.of("enable_async_messages");

    public ControllerConfig {
        Objects.requireNonNull(target, "target");
        if (target.isBlank()) {
            throw new IllegalArgumentException("blank controller target");
        }
        settings = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(settings));
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String column = e.getKey();
            String value = Objects.requireNonNull(e.getValue(), "value of " + column);
            if (INTEGER_COLUMNS.contains(column)) {
                try {
                    Long.parseLong(value);
                } catch (NumberFormatException ex) {
                    throw new IllegalArgumentException("integer column with non-integer value: target=" + target
                            + " column=" + column + " value=" + value);
                }
            } else if (BOOLEAN_COLUMNS.contains(column)) {
                if (!value.equals("true") && !value.equals("false")) {
                    throw new IllegalArgumentException("boolean column with non-boolean value: target=" + target
                            + " column=" + column + " value=" + value);
                }
            } else if (!STRING_COLUMNS.contains(column)) {
                throw new IllegalArgumentException("not a Controller configuration column: target=" + target
                        + " column=" + column);
            }
        }
        otherConfig = Map.copyOf(otherConfig);
        externalIds = Map.copyOf(externalIds);
    }

    /** A controller with only a target, every other column at its default. */
    public static ControllerConfig of(String target) {
        return new ControllerConfig(target, new TreeMap<>(), Map.of(), Map.of());
    }

    /** The same configuration with another target. */
    public ControllerConfig withTarget(String newTarget) {
        return new ControllerConfig(newTarget, settings, otherConfig, externalIds);
    }
}
