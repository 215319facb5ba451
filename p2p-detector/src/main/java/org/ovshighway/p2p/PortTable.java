package org.ovshighway.p2p;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.ovshighway.p2p.flow.PortNo;

/**
 * A map keyed by port, laid out for the CPU cache: ports numbered below {@link #DIRECT_BELOW} (OVS
 * numbers ordinary ports from 1 upwards) index an array directly, so a lookup reads one array slot
 * and the value, where a {@link HashMap} reads a table slot, a node and the key; other ports go to
 * a {@link HashMap}. The array grows to the highest direct port stored (at most 16 KiB of
 * references). Iteration: direct ports in ascending order, then the others. Null values are not allowed.
 */
final class PortTable<V> {

    static final int DIRECT_BELOW = 4096;

    private static final Object[] EMPTY = {};

    private Object[] direct = EMPTY;
    private final Map<PortNo, V> other = new HashMap<>();
    private int directCount;

    private static boolean isDirect(PortNo port) {
        return port.number() < DIRECT_BELOW;
    }

    @SuppressWarnings("unchecked")
    V get(PortNo port) {
        if (isDirect(port)) {
            int i = (int) port.number();
            return i < direct.length ? (V) direct[i] : null;
        }
        return other.get(port);
    }

    boolean containsKey(PortNo port) {
        return get(port) != null;
    }

    /** Stores {@code value} under {@code port}; returns the value replaced, or {@code null}. */
    @SuppressWarnings("unchecked")
    V put(PortNo port, V value) {
        Objects.requireNonNull(value, "value");
        if (!isDirect(port)) {
            return other.put(port, value);
        }
        int i = (int) port.number();
        if (i >= direct.length) {
            direct = Arrays.copyOf(direct, Math.min(DIRECT_BELOW, Math.max(i + 1, direct.length * 2)));
        }
        V old = (V) direct[i];
        direct[i] = value;
        if (old == null) {
            directCount++;
        }
        return old;
    }

    @SuppressWarnings("unchecked")
    V remove(PortNo port) {
        if (!isDirect(port)) {
            return other.remove(port);
        }
        int i = (int) port.number();
        if (i >= direct.length || direct[i] == null) {
            return null;
        }
        V old = (V) direct[i];
        direct[i] = null;
        directCount--;
        return old;
    }

    V computeIfAbsent(PortNo port, Function<PortNo, V> create) {
        V value = get(port);
        if (value == null) {
            value = Objects.requireNonNull(create.apply(port), "created value");
            put(port, value);
        }
        return value;
    }

    int size() {
        return directCount + other.size();
    }

    boolean isEmpty() {
        return size() == 0;
    }

    void clear() {
        direct = EMPTY;
        directCount = 0;
        other.clear();
    }

    @SuppressWarnings("unchecked")
    void forEach(BiConsumer<PortNo, V> action) {
        for (int i = 0; i < direct.length; i++) {
            if (direct[i] != null) {
                action.accept(PortNo.of(i), (V) direct[i]);
            }
        }
        other.forEach(action);
    }

    /** The ports held, as a new list (direct ports ascending, then the others). */
    List<PortNo> keys() {
        List<PortNo> keys = new ArrayList<>(size());
        forEach((port, value) -> keys.add(port));
        return keys;
    }

    /** The values held, as a new list, in the order of {@link #keys()}. */
    List<V> values() {
        List<V> values = new ArrayList<>(size());
        forEach((port, value) -> values.add(value));
        return values;
    }
}
