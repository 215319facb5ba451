package org.ovshighway.p2p.flow;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A flow match: a set of field constraints, at most one per field, all of which a packet must
 * satisfy. Fields not listed are wildcarded; constraints with an all-zero mask are dropped on
 * construction, so two matches admitting the same packets through the same constraints are equal.
 * Prerequisites (eth_type for ip_proto...) are whatever the source reported; the detector's
 * overlap test stays sound without them because it only ever errs towards "may overlap".
 */
public record Match(Map<FieldId, FieldMatch> fields) {

    /** The match that admits every packet. */
    public static final Match ANY = new Match(Map.of());

    public Match {
        Objects.requireNonNull(fields, "fields");
        Map<FieldId, FieldMatch> copy = new HashMap<>();
        for (Map.Entry<FieldId, FieldMatch> e : fields.entrySet()) {
            FieldMatch fm = Objects.requireNonNull(e.getValue(), () -> "constraint for field=" + e.getKey());
            if (!fm.field().equals(e.getKey())) {
                throw new IllegalArgumentException("constraint keyed under another field: key=" + e.getKey() + " field=" + fm.field());
            }
            if (!fm.isWildcard()) {
                copy.put(e.getKey(), fm);
            }
        }
        fields = Map.copyOf(copy);
    }

    public static Match of(FieldMatch... constraints) {
        return of(List.of(constraints));
    }

    public static Match of(Collection<FieldMatch> constraints) {
        Map<FieldId, FieldMatch> map = new HashMap<>();
        for (FieldMatch c : constraints) {
            if (map.put(c.field(), c) != null) {
                throw new IllegalArgumentException("duplicate constraint: field=" + c.field());
            }
        }
        return new Match(map);
    }

    /** This match plus (or with replaced) one constraint. */
    public Match with(FieldMatch constraint) {
        Map<FieldId, FieldMatch> map = new HashMap<>(fields);
        map.put(constraint.field(), constraint);
        return new Match(map);
    }

    /** This match without any constraint on {@code field}. */
    public Match without(FieldId field) {
        Map<FieldId, FieldMatch> map = new HashMap<>(fields);
        map.remove(field);
        return new Match(map);
    }

    public Optional<FieldMatch> get(FieldId field) {
        return Optional.ofNullable(fields.get(field));
    }

    /** The input port when the match names exactly one; empty when in_port is wildcarded or masked. */
    public Optional<PortNo> inPort() {
        FieldMatch fm = fields.get(FieldId.IN_PORT);
        if (fm == null || !fm.isExact()) {
            return Optional.empty();
        }
        return Optional.of(PortNo.of(fm.valueAsLong()));
    }

    /** True when some packet may match both: no field constrained by both has values that differ under both masks. */
    public boolean overlaps(Match other) {
        Map<FieldId, FieldMatch> small = fields.size() <= other.fields.size() ? fields : other.fields;
        Map<FieldId, FieldMatch> large = small == fields ? other.fields : fields;
        for (Map.Entry<FieldId, FieldMatch> e : small.entrySet()) {
            FieldMatch o = large.get(e.getKey());
            if (o != null && !e.getValue().overlaps(o)) {
                return false;
            }
        }
        return true;
    }

    /** True when every packet admitted by {@code narrower} is admitted by this match. */
    public boolean covers(Match narrower) {
        for (Map.Entry<FieldId, FieldMatch> e : fields.entrySet()) {
            FieldMatch n = narrower.fields.get(e.getKey());
            if (n == null || !e.getValue().covers(n)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The match admitting the packets both admit (a superset of it where a field's widths differ);
     * only meaningful when the two {@link #overlaps overlap}.
     */
    public Match intersect(Match other) {
        Map<FieldId, FieldMatch> map = new HashMap<>(fields);
        for (Map.Entry<FieldId, FieldMatch> e : other.fields.entrySet()) {
            map.merge(e.getKey(), e.getValue(), FieldMatch::intersect);
        }
        return new Match(map);
    }

    /**
     * Consistent with the record's {@code equals} (the same constraints give the same sum), but
     * each constraint's hash is mixed before summing: {@code Map}'s own hash (sum of key ^ value of
     * polynomial array hashes) collides for matches whose numbers vary together (in_port=X with
     * nw_dst=k, tp_dst=k...), which turned the mirror's hash maps into long collision chains.
     */
    @Override
    public int hashCode() {
        int h = 0;
        for (FieldMatch constraint : fields.values()) {
            h += mix(constraint.hashCode());
        }
        return h;
    }

    /** MurmurHash3's 32-bit finaliser: every input bit affects every output bit. */
    private static int mix(int x) {
        x ^= x >>> 16;
        x *= 0x85ebca6b;
        x ^= x >>> 13;
        x *= 0xc2b2ae35;
        return x ^ (x >>> 16);
    }

    /** ovs-ofctl-like text, in_port first then fields by name; {@code *} for the match-all. */
    @Override
    public String toString() {
        if (fields.isEmpty()) {
            return "*";
        }
        List<FieldMatch> ordered = new ArrayList<>(fields.values());
        ordered.sort((a, b) -> {
            boolean ai = a.field().equals(FieldId.IN_PORT);
            boolean bi = b.field().equals(FieldId.IN_PORT);
            return ai != bi ? (ai ? -1 : 1) : a.field().compareTo(b.field());
        });
        return ordered.stream().map(FieldMatch::toString).collect(Collectors.joining(","));
    }
}
