package org.ovshighway.remapper;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the supervisor waits in each state before it gives up. Deadlines protect the ports
 * from a guest that stopped responding; a responsive guest reacts within a few bursts, so they
 * may be generous.
 *
 * @param map    ATTACHING: both ends must map within this (else roll back)
 * @param fence  USABLE: every FENCE_IN must be acknowledged within this (else force)
 * @param revert REVERTING: the revert must complete within this (else force)
 * @param grace  ROLLING_BACK / FORCING: how long to wait for the ends to unmap before detaching anyway
 */
public record RemapDeadlines(Duration map, Duration fence, Duration revert, Duration grace) {
    public RemapDeadlines {
        Objects.requireNonNull(map, "map");
        Objects.requireNonNull(fence, "fence");
        Objects.requireNonNull(revert, "revert");
        Objects.requireNonNull(grace, "grace");
    }

    /** 5 s to map, 2 s for the fences, 2 s to revert, 1 s grace. */
    public static RemapDeadlines defaults() {
        return new RemapDeadlines(Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(1));
    }
}
