package org.ovshighway.p2p.flow;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A group bucket. {@code weight} matters for SELECT groups, {@code watchPort}/{@code watchGroup}
 * for FAST_FAILOVER ({@link PortNo#ANY} and {@link GroupEntry#ANY_GROUP} when unused).
 */
public record Bucket(List<Action> actions, int weight, PortNo watchPort, long watchGroup) {

    public Bucket {
        actions = List.copyOf(Objects.requireNonNull(actions, "actions"));
        if (weight < 0 || weight > 0xffff) {
            throw new IllegalArgumentException("bucket weight out of range 0..65535: weight=" + weight);
        }
        Objects.requireNonNull(watchPort, "watchPort");
        if (watchGroup < 0 || watchGroup > 0xffffffffL) {
            throw new IllegalArgumentException("watch group out of unsigned 32-bit range: watchGroup=" + watchGroup);
        }
    }

    /** A bucket with weight 1 and no watch port or group. */
    public static Bucket of(Action... actions) {
        return new Bucket(List.of(actions), 1, PortNo.ANY, GroupEntry.ANY_GROUP);
    }

    @Override
    public String toString() {
        return "bucket=" + (actions.isEmpty() ? "drop" : actions.stream().map(Action::toString).collect(Collectors.joining(",")));
    }
}
