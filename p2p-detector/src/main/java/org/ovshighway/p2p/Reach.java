package org.ovshighway.p2p;

import java.util.Set;
import org.ovshighway.p2p.flow.PortNo;

/**
 * The ports a rule may send packets to, over-approximated: either a small set of ports or
 * "any port" (FLOOD, ALL, NORMAL, an extension action, a missing or chained group...).
 */
record Reach(boolean any, Set<PortNo> ports) {

    static final Reach NONE = new Reach(false, Set.of());
    static final Reach ANY = new Reach(true, Set.of());

    Reach {
        ports = Set.copyOf(ports);
    }

    boolean isEmpty() {
        return !any && ports.isEmpty();
    }
}
