package org.ovshighway.p2p;

import java.util.Objects;
import org.ovshighway.p2p.flow.PortNo;

/** A change of verdict for one direction between two candidate ports. */
public sealed interface LinkEvent {

    PortNo from();

    PortNo to();

    /** Direction {@code from → to} became point-to-point: every packet from {@code from} goes to {@code to} and only there. */
    record DirectionUp(PortNo from, PortNo to) implements LinkEvent {
        public DirectionUp {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }
    }

    /** Direction {@code from → to} is no longer point-to-point; {@code reason} says why, naming the rule. */
    record DirectionDown(PortNo from, PortNo to, String reason) implements LinkEvent {
        public DirectionDown {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
