package org.ovshighway.guest.remap;

/**
 * Counters of one port's remap machinery (monotonic, never reset).
 *
 * @param linksMapped         link regions mapped (ATTACH carried out)
 * @param linksFinished       link sessions ended (reverted, rolled back or forced) and unmapped
 * @param fencesSent          FENCE frames this port put on a ring (first copies and repetitions)
 * @param fencesConsumed      FENCE frames this port received and acted on (never delivered)
 * @param staleFencesConsumed FENCE-shaped frames consumed that were not the one awaited (repeated
 *                            copies, other links, other generations); never delivered either
 * @param forcedReverts       links this port left because the agent gave up (usable cleared), once
 *                            per link
 * @param forcedDropped       frames this port's receive side dropped from forced links: their
 *                            FENCE_IN never reached it, or the agent asked for another link before
 *                            the stopped sender left (docs/remap-protocol.md); never delivered
 * @param rejectedRegions     candidate regions that failed validation or did not fit while looking
 *                            for a link to map (one per candidate and scan)
 */
public record RemapStats(long linksMapped, long linksFinished, long fencesSent, long fencesConsumed,
                         long staleFencesConsumed, long forcedReverts, long rejectedRegions, long forcedDropped) {
}
