package org.ovshighway.ovs.ovsdb;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One row of the {@code Interface} table, immutable.
 *
 * @param uuid        OVSDB row UUID
 * @param name        interface name
 * @param type        {@code type} column; empty string means a system interface
 * @param options     {@code options} column
 * @param ofport      {@code ofport}: empty while ovs-vswitchd has not assigned one yet, -1 when
 *                    the interface failed (see {@code error})
 * @param externalIds {@code external_ids} column
 * @param linkState   {@code link_state} ("up"/"down"), empty when not reported
 * @param error       {@code error} column, empty when the interface works
 */
public record InterfaceInfo(String uuid, String name, String type, Map<String, String> options,
                            OptionalLong ofport, Map<String, String> externalIds,
                            Optional<String> linkState, Optional<String> error) {

    /** {@code external_ids} key marking an interface Highway provisioned as a ring port. */
    public static final String RING_PORT_KEY = "highway-ring-port";
    /** {@code external_ids} key naming the guest a ring port belongs to. */
    public static final String GUEST_KEY = "highway-guest";

    public InterfaceInfo {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        options = Map.copyOf(options);
        Objects.requireNonNull(ofport, "ofport");
        externalIds = Map.copyOf(externalIds);
        Objects.requireNonNull(linkState, "linkState");
        Objects.requireNonNull(error, "error");
    }

    /** True when OVS gave up on this interface ({@code ofport=-1}). */
    public boolean failed() {
        return ofport.isPresent() && ofport.getAsLong() == -1;
    }

    /** True when Highway provisioned this interface as a ring port. */
    public boolean isRingPort() {
        return "true".equals(externalIds.get(RING_PORT_KEY));
    }
}
