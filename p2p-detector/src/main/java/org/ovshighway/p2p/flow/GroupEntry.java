package org.ovshighway.p2p.flow;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** A group table entry: id, type and buckets in order. */
public record GroupEntry(long groupId, GroupType type, List<Bucket> buckets) {

    /** Highest id an ordinary group can have (OFPG_MAX). */
    public static final long MAX_GROUP_ID = 0xffffff00L;
    /** Wildcard group (OFPG_ANY), used as "no watch group". */
    public static final long ANY_GROUP = 0xffffffffL;

    public GroupEntry {
        requireGroupId(groupId);
        Objects.requireNonNull(type, "type");
        buckets = List.copyOf(Objects.requireNonNull(buckets, "buckets"));
    }

    static void requireGroupId(long groupId) {
        if (groupId < 0 || groupId > MAX_GROUP_ID) {
            throw new IllegalArgumentException("group id out of range 0..0xffffff00: group=" + groupId);
        }
    }

    @Override
    public String toString() {
        return "group_id=" + groupId + ",type=" + type.name().toLowerCase() + ","
                + buckets.stream().map(Bucket::toString).collect(Collectors.joining(","));
    }
}
