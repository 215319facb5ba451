package org.ovshighway.proxy.stats;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The flows' extra counters by identity, matches in {@link CanonicalMatch} form (several elements of one identity summed, saturating). */
final class FlowExtraIndex {

    private final Map<FlowIdentity, long[]> byIdentity = new HashMap<>();

    FlowExtraIndex(List<FlowExtra> flows) {
        for (FlowExtra f : flows) {
            FlowIdentity id = new FlowIdentity(f.tableId(), f.priority(), f.cookie(), CanonicalMatch.of(f.match()));
            long[] sum = byIdentity.computeIfAbsent(id, k -> new long[2]);
            sum[0] = SaturatingCounter.add(sum[0], f.packets());
            sum[1] = SaturatingCounter.add(sum[1], f.bytes());
        }
    }

    boolean isEmpty() {
        return byIdentity.isEmpty();
    }

    /** {packets, bytes} of the flow (its match in {@link CanonicalMatch} form), or {@code null} when it has none. */
    long[] get(FlowIdentity identity) {
        return byIdentity.get(identity);
    }
}
