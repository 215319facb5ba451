package org.ovshighway.remapper;

/**
 * A snapshot of one link.
 *
 * @param linkId     the link id
 * @param generation its generation
 * @param end0       port of end 0 (sends direction 0)
 * @param end1       port of end 1 (sends direction 1 on a two-way link)
 * @param twoWay     whether direction 1 is bypassed too
 * @param state      where it is
 * @param outcome    how it ended (OPEN while not CLOSED)
 */
public record LinkStatus(long linkId, long generation, String end0, String end1, boolean twoWay, LinkState state,
                         LinkOutcome outcome) {
}
