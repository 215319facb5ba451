package org.ovshighway.ovs.openflow;

import io.netty.buffer.ByteBuf;
import java.util.HashMap;
import java.util.Map;
import org.ovshighway.p2p.flow.FieldId;
import org.ovshighway.p2p.flow.FieldMatch;
import org.ovshighway.p2p.flow.Match;

/**
 * Reads an OpenFlow 1.2+ {@code ofp_match} of type OXM into the model, TLV by TLV and byte for byte.
 * openflowj's OFMatchV3 reader is not used for matches because it keeps only the fields it knows:
 * Nicira-class fields OVS reports (registers, tunnel metadata, conntrack state) would be dropped
 * or fail the parse, and a dropped constraint makes a rule look wider than it is.
 *
 * <pre>
 *  ofp_match:  type(2)=1 | length(2) = 4 + TLVs | OXM TLVs ... | zero pad to a multiple of 8
 *  OXM TLV:    class(2) | field(7 bits) hasmask(1 bit) | length(1) | value | mask (hasmask)
 *  class 0xffff (experimenter): experimenter id(4) first, inside length
 * </pre>
 */
final class OxmMatchReader {

    private static final int OFPMT_OXM = 1;
    private static final int OXM_CLASS_EXPERIMENTER = 0xffff;

    private OxmMatchReader() {
    }

    /** Reads the match at the reader index and advances past its padding. */
    static Match read(ByteBuf buf, String where) throws MalformedUpdateException {
        if (buf.readableBytes() < 4) {
            throw new MalformedUpdateException(where + ": ofp_match header truncated: remaining=" + buf.readableBytes());
        }
        int start = buf.readerIndex();
        int type = buf.getUnsignedShort(start);
        int length = buf.getUnsignedShort(start + 2);
        if (type != OFPMT_OXM) {
            throw new MalformedUpdateException(where + ": ofp_match type is not OXM: type=" + type);
        }
        int padded = (length + 7) & ~7;
        if (length < 4 || padded > buf.readableBytes()) {
            throw new MalformedUpdateException(where + ": ofp_match length out of bounds: length=" + length
                    + " remaining=" + buf.readableBytes());
        }
        Match match = readTlvs(buf.slice(start + 4, length - 4), where, false);
        buf.readerIndex(start + padded);
        return match;
    }

    /**
     * Reads a run of OXM/NXM TLVs filling all of {@code tlvs}. With {@code nxm} set, class 0 and 1
     * are the Nicira NXM classes (OpenFlow 1.0 nx_match); otherwise OXM classes.
     */
    static Match readTlvs(ByteBuf tlvs, String where, boolean nxm) throws MalformedUpdateException {
        Map<FieldId, FieldMatch> fields = new HashMap<>();
        while (tlvs.isReadable()) {
            int offset = tlvs.readerIndex();
            if (tlvs.readableBytes() < 4) {
                throw new MalformedUpdateException(where + ": match field header truncated: offset=" + offset
                        + " remaining=" + tlvs.readableBytes());
            }
            long header = tlvs.readUnsignedInt();
            int oxmClass = (int) (header >>> 16);
            int field = (int) (header >>> 9) & 0x7f;
            boolean hasMask = (header & 0x100) != 0;
            int length = (int) (header & 0xff);
            if (length > tlvs.readableBytes()) {
                throw new MalformedUpdateException(where + ": match field overruns the match: offset=" + offset
                        + " class=0x" + Integer.toHexString(oxmClass) + " field=" + field + " length=" + length
                        + " remaining=" + tlvs.readableBytes());
            }
            FieldId id;
            int payload = length;
            if (!nxm && oxmClass == OXM_CLASS_EXPERIMENTER) {
                if (length < 4) {
                    throw new MalformedUpdateException(where + ": experimenter match field without experimenter id: offset="
                            + offset + " length=" + length);
                }
                long experimenter = tlvs.readUnsignedInt();
                payload -= 4;
                id = FieldId.named(String.format("oxm_exp_0x%08x_%d", experimenter, field));
            } else {
                id = nxm ? NxmFields.fieldId(oxmClass, field) : FieldId.oxm(oxmClass, field);
            }
            if (payload == 0 || (hasMask && payload % 2 != 0)) {
                throw new MalformedUpdateException(where + ": match field has a bad payload length: offset=" + offset
                        + " field=" + id + " length=" + payload + " hasMask=" + hasMask);
            }
            int valueLength = hasMask ? payload / 2 : payload;
            byte[] value = new byte[valueLength];
            tlvs.readBytes(value);
            byte[] mask = null;
            if (hasMask) {
                mask = new byte[valueLength];
                tlvs.readBytes(mask);
            }
            FieldMatch constraint = NxmFields.normalise(id, value, mask, nxm, where);
            if (fields.put(constraint.field(), constraint) != null) {
                throw new MalformedUpdateException(where + ": match names a field twice: field=" + constraint.field());
            }
        }
        return new Match(fields);
    }
}
