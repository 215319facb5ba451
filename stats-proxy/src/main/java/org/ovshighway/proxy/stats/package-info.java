/**
 * Statistics merging: {@link org.ovshighway.proxy.stats.CounterMergingRewriter}, the
 * {@link org.ovshighway.proxy.StatsRewriter} that adds the traffic of bypassed links, supplied by
 * the agent through {@link org.ovshighway.proxy.stats.ExtraCounters}, to the port, flow and
 * aggregate statistics replies a controller receives. Replies are rewritten in place on the raw
 * bytes (fixed-width counters, saturating add); a reply is touched only after its whole structure
 * validated. docs/stats-proxy-counters.md lists exactly which messages and fields are adjusted.
 */
package org.ovshighway.proxy.stats;
