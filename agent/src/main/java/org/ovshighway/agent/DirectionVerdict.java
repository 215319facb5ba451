package org.ovshighway.agent;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import org.ovshighway.p2p.flow.PortNo;

/**
 * What the agent knows about the traffic of one candidate port {@code from}, as of {@code since}:
 * either it all goes to {@code to} alone ({@link #pointToPoint}), or {@code reason} says why not.
 *
 * @param from     the candidate port
 * @param to       its point-to-point peer, empty when not point-to-point
 * @param reason   why not (an operator-readable sentence naming the rule), empty when point-to-point
 * @param since    when this verdict last changed
 */
record DirectionVerdict(PortNo from, Optional<PortNo> to, Optional<String> reason, Instant since) {
    DirectionVerdict {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(since, "since");
        if (to.isPresent() == reason.isPresent()) {
            throw new IllegalArgumentException("a verdict has a peer or a reason, not both: from=" + from + " to=" + to
                    + " reason=" + reason);
        }
    }

    boolean pointToPoint() {
        return to.isPresent();
    }
}
