package org.ovshighway.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ovshighway.ovs.ovsdb.ControllerConfig;
import org.ovshighway.ovs.ovsdb.ExternalIdsOwner;
import org.ovshighway.ovs.ovsdb.OvsdbException;
import org.ovshighway.ovs.ovsdb.OvsdbSession;

/**
 * Pointing a bridge's controllers at the proxy and back, through OVSDB. The originals are written
 * to the bridge's {@code external_ids} in the same transaction that re-points the controllers, so
 * whenever the bridge points at Highway, the originals are in OVSDB, and {@code highway detach}
 * can restore them even after the agent died.
 */
final class BridgeAttachment {

    /** The bridge's controllers before attach, in {@link OriginalControllers} form. */
    static final String ORIGINALS_KEY = "highway-original-controllers";
    /** The proxy targets attach set, space-separated, for operators and for detach's check. */
    static final String PROXY_KEY = "highway-proxy-controllers";

    private BridgeAttachment() {
    }

    /** True for active targets the proxy can relay (tcp:, ssl:, unix:); passive ones stay as they are. */
    static boolean relayed(ControllerConfig controller) {
        String t = controller.target();
        return t.startsWith("tcp:") || t.startsWith("ssl:") || t.startsWith("unix:");
    }

    /**
     * The controllers to relay to: those saved by an earlier attach that was never detached (the
     * agent stopped without restoring), else the bridge's current ones.
     */
    static List<ControllerConfig> originals(OvsdbSession session, String bridge) {
        Optional<String> saved = savedText(session, bridge);
        if (saved.isPresent()) {
            try {
                return OriginalControllers.decode(saved.get());
            } catch (IllegalArgumentException e) {
                throw new OvsdbException("saved controllers unreadable: bridge=" + bridge + " key=" + ORIGINALS_KEY
                        + " error=" + e.getMessage(), e);
            }
        }
        return session.controllers(bridge);
    }

    static boolean isAttached(OvsdbSession session, String bridge) {
        return savedText(session, bridge).isPresent();
    }

    private static Optional<String> savedText(OvsdbSession session, String bridge) {
        Map<String, String> ids = session.externalIds(ExternalIdsOwner.BRIDGE, bridge)
                .orElseThrow(() -> new OvsdbException("no such bridge: bridge=" + bridge));
        return Optional.ofNullable(ids.get(ORIGINALS_KEY));
    }

    /**
     * Re-points the bridge: every relayed original gets the proxy target at the same index of
     * {@code proxyTargets} (all its other columns kept, so probes, backoff and rate limits behave
     * as before); passive targets stay. Saves {@code originals} in the same transaction.
     */
    static List<ControllerConfig> pointAtProxy(OvsdbSession session, String bridge, List<ControllerConfig> originals,
                                               List<String> proxyTargets) {
        List<ControllerConfig> next = new ArrayList<>();
        int relayedIndex = 0;
        for (ControllerConfig original : originals) {
            if (relayed(original)) {
                next.add(original.withTarget(proxyTargets.get(relayedIndex++)));
            } else {
                next.add(original);
            }
        }
        if (relayedIndex != proxyTargets.size()) {
            throw new IllegalArgumentException("proxy targets do not match relayed controllers: bridge=" + bridge
                    + " relayed=" + relayedIndex + " proxyTargets=" + proxyTargets.size());
        }
        session.replaceControllers(bridge, next,
                Map.of(ORIGINALS_KEY, OriginalControllers.encode(originals), PROXY_KEY, String.join(" ", proxyTargets)),
                List.of());
        return next;
    }

    /**
     * Restores the saved controllers exactly and removes Highway's keys, in one transaction.
     *
     * @return the restored controllers
     * @throws OvsdbException when the bridge is not attached (no saved controllers)
     */
    static List<ControllerConfig> restore(OvsdbSession session, String bridge) {
        if (!isAttached(session, bridge)) {
            throw new OvsdbException("bridge not attached, nothing to restore: bridge=" + bridge
                    + " missing=external_ids:" + ORIGINALS_KEY);
        }
        List<ControllerConfig> originals = originals(session, bridge);
        session.replaceControllers(bridge, originals, Map.of(), List.of(ORIGINALS_KEY, PROXY_KEY));
        return originals;
    }
}
