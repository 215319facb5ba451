package org.ovshighway.ovs.openflow;

import java.util.ArrayList;
import java.util.List;
import org.ovshighway.p2p.flow.Bucket;
import org.ovshighway.p2p.flow.GroupEntry;
import org.ovshighway.p2p.flow.GroupType;
import org.ovshighway.p2p.flow.PortNo;
import org.projectfloodlight.openflow.protocol.OFBucket;
import org.projectfloodlight.openflow.protocol.OFGroupDescStatsEntry;
import org.projectfloodlight.openflow.protocol.OFGroupBucketProp;
import org.projectfloodlight.openflow.protocol.OFGroupBucketPropWatchGroup;
import org.projectfloodlight.openflow.protocol.OFGroupBucketPropWatchPort;
import org.projectfloodlight.openflow.protocol.OFGroupBucketPropWeight;
import org.projectfloodlight.openflow.protocol.OFVersion;

/**
 * openflowj group-description entries to the model. OpenFlow 1.3/1.4 carry weight and watch
 * port/group in the bucket; 1.5 moved them into bucket properties.
 */
final class GroupConverter {

    private GroupConverter() {
    }

    static GroupEntry convert(OFGroupDescStatsEntry entry) throws MalformedUpdateException {
        long groupId = Integer.toUnsignedLong(entry.getGroup().getGroupNumber());
        String where = "GROUP_DESC group=" + groupId;
        GroupType type = switch (entry.getGroupType()) {
            case ALL -> GroupType.ALL;
            case SELECT -> GroupType.SELECT;
            case INDIRECT -> GroupType.INDIRECT;
            case FF -> GroupType.FAST_FAILOVER;
        };
        List<Bucket> buckets = new ArrayList<>();
        for (OFBucket b : entry.getBuckets()) {
            int weight = 0;
            long watchPort = OpenFlowWire.PORT_ANY;
            long watchGroup = GroupEntry.ANY_GROUP;
            if (b.getVersion().compareTo(OFVersion.OF_15) < 0) {
                weight = b.getWeight();
                watchPort = Integer.toUnsignedLong(b.getWatchPort().getPortNumber());
                watchGroup = Integer.toUnsignedLong(b.getWatchGroup().getGroupNumber());
            } else {
                for (OFGroupBucketProp p : b.getProperties()) {
                    if (p instanceof OFGroupBucketPropWeight w) {
                        weight = w.getWeight();
                    } else if (p instanceof OFGroupBucketPropWatchPort wp) {
                        watchPort = wp.getWatch();
                    } else if (p instanceof OFGroupBucketPropWatchGroup wg) {
                        watchGroup = wg.getWatch();
                    }
                }
            }
            try {
                buckets.add(new Bucket(ActionDecoder.actions(b.getActions(), where), weight, PortNo.of(watchPort), watchGroup));
            } catch (IllegalArgumentException e) {
                throw new MalformedUpdateException(where + ": " + e.getMessage(), e);
            }
        }
        try {
            return new GroupEntry(groupId, type, buckets);
        } catch (IllegalArgumentException e) {
            throw new MalformedUpdateException(where + ": " + e.getMessage(), e);
        }
    }
}
