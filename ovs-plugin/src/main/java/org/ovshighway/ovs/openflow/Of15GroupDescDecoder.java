package org.ovshighway.ovs.openflow;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import org.ovshighway.p2p.flow.Action;
import org.ovshighway.p2p.flow.Bucket;
import org.ovshighway.p2p.flow.GroupEntry;
import org.ovshighway.p2p.flow.GroupType;
import org.ovshighway.p2p.flow.PortNo;

/**
 * OpenFlow 1.5 OFPMP_GROUP_DESC reply body. openflowj 3.6.605 reads a 1.5 bucket id as an enum of
 * the reserved ids only and fails on OVS's ordinary id 0, so this is decoded by hand.
 *
 * <pre>
 *  ofp15_group_desc_stats: length(2) | type(1) | pad(1) | group_id(4) | bucket_list_len(2) | pad(6)
 *                          | buckets (bucket_list_len bytes) | group properties (rest of length)
 *  ofp15_bucket:           len(2) | action_array_len(2) | bucket_id(4) | actions | bucket properties
 *  bucket property:        type(2) | length(2) | WEIGHT 0: weight(2) pad(2); WATCH_PORT 1: port(4); WATCH_GROUP 2: group(4)
 * </pre>
 */
final class Of15GroupDescDecoder {

    private Of15GroupDescDecoder() {
    }

    static List<GroupEntry> decode(ByteBuf body, long xid) throws MalformedUpdateException {
        List<GroupEntry> out = new ArrayList<>();
        while (body.isReadable()) {
            String where = "OFPMP_GROUP_DESC OF15 xid=" + xid + " offset=" + body.readerIndex();
            if (body.readableBytes() < 16) {
                throw new MalformedUpdateException(where + ": group entry header truncated: remaining=" + body.readableBytes());
            }
            int length = body.getUnsignedShort(body.readerIndex());
            if (length < 16 || length > body.readableBytes()) {
                throw new MalformedUpdateException(where + ": group entry length invalid: length=" + length
                        + " remaining=" + body.readableBytes());
            }
            ByteBuf entry = body.readSlice(length);
            int type = entry.getUnsignedByte(2);
            long groupId = entry.getUnsignedInt(4);
            int bucketsLength = entry.getUnsignedShort(8);
            if (16 + bucketsLength > length) {
                throw new MalformedUpdateException(where + ": bucket list overruns the entry: bucket_list_len=" + bucketsLength
                        + " length=" + length);
            }
            GroupType groupType = switch (type) {
                case 0 -> GroupType.ALL;
                case 1 -> GroupType.SELECT;
                case 2 -> GroupType.INDIRECT;
                case 3 -> GroupType.FAST_FAILOVER;
                default -> throw new MalformedUpdateException(where + ": unknown group type: group=" + groupId + " type=" + type);
            };
            String groupWhere = where + " group=" + groupId;
            List<Bucket> buckets = buckets(entry.slice(16, bucketsLength), groupWhere);
            try {
                out.add(new GroupEntry(groupId, groupType, buckets));
            } catch (IllegalArgumentException e) {
                throw new MalformedUpdateException(groupWhere + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static List<Bucket> buckets(ByteBuf list, String where) throws MalformedUpdateException {
        List<Bucket> out = new ArrayList<>();
        while (list.isReadable()) {
            int offset = list.readerIndex();
            if (list.readableBytes() < 8) {
                throw new MalformedUpdateException(where + ": bucket header truncated: offset=" + offset);
            }
            int len = list.getUnsignedShort(offset);
            int actionsLength = list.getUnsignedShort(offset + 2);
            if (len < 8 || len > list.readableBytes() || 8 + actionsLength > len) {
                throw new MalformedUpdateException(where + ": bucket length invalid: offset=" + offset + " len=" + len
                        + " action_array_len=" + actionsLength + " remaining=" + list.readableBytes());
            }
            ByteBuf bucket = list.readSlice(len);
            List<Action> actions = ActionDecoder.actionList(OpenFlowVersion.OF15, bucket.slice(8, actionsLength), where);
            int weight = 0;
            long watchPort = OpenFlowWire.PORT_ANY;
            long watchGroup = GroupEntry.ANY_GROUP;
            ByteBuf props = bucket.slice(8 + actionsLength, len - 8 - actionsLength);
            while (props.isReadable()) {
                if (props.readableBytes() < 4) {
                    throw new MalformedUpdateException(where + ": bucket property truncated: remaining=" + props.readableBytes());
                }
                int type = props.getUnsignedShort(props.readerIndex());
                int plen = props.getUnsignedShort(props.readerIndex() + 2);
                int padded = (plen + 7) & ~7;
                if (plen < 4 || padded > props.readableBytes()) {
                    throw new MalformedUpdateException(where + ": bucket property length invalid: type=" + type + " length=" + plen);
                }
                ByteBuf p = props.readSlice(padded);
                if (type == 0 && plen >= 6) {
                    weight = p.getUnsignedShort(4);
                } else if (type == 1 && plen >= 8) {
                    watchPort = p.getUnsignedInt(4);
                } else if (type == 2 && plen >= 8) {
                    watchGroup = p.getUnsignedInt(4);
                }
            }
            try {
                out.add(new Bucket(actions, weight, PortNo.of(watchPort), watchGroup));
            } catch (IllegalArgumentException e) {
                throw new MalformedUpdateException(where + ": " + e.getMessage(), e);
            }
        }
        return out;
    }
}
