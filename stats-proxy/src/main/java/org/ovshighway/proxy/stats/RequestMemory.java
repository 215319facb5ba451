package org.ovshighway.proxy.stats;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Aggregate requests awaiting their reply, by XID; bounded: when full the oldest is dropped and
 * counted (its reply then passes unchanged, which the rewriter counts and logs).
 */
final class RequestMemory {

    private final int capacity;
    private final LinkedHashMap<Long, FlowStatsRequest> byXid;
    private long evicted;

    RequestMemory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("request memory capacity must be positive: capacity=" + capacity);
        }
        this.capacity = capacity;
        this.byXid = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, FlowStatsRequest> eldest) {
                if (size() > RequestMemory.this.capacity) {
                    evicted++;
                    return true;
                }
                return false;
            }
        };
    }

    /** Remembers {@code request} under {@code xid}, replacing (and re-aging) an older one. */
    void put(long xid, FlowStatsRequest request) {
        byXid.remove(xid);
        byXid.put(xid, request);
    }

    void forget(long xid) {
        byXid.remove(xid);
    }

    FlowStatsRequest get(long xid) {
        return byXid.get(xid);
    }

    int size() {
        return byXid.size();
    }

    long evicted() {
        return evicted;
    }
}
