package org.ovshighway.p2p.flow;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A flow entry as the switch holds it. {@code actions} is the entry's instructions flattened in
 * execution order: a meter instruction first, then the apply-actions, then goto_table last; an
 * empty list is a drop. Timeouts are in seconds, 0 meaning none.
 */
public record FlowEntry(int tableId, int priority, long cookie, Match match, List<Action> actions,
                        int idleTimeout, int hardTimeout, Set<FlowFlag> flags) {

    /** Highest table id a flow can live in (OFPTT_MAX = 0xfe). */
    public static final int MAX_TABLE_ID = 0xfe;
    public static final int MAX_PRIORITY = 0xffff;

    public FlowEntry {
        requireTableId(tableId);
        requirePriority(priority);
        Objects.requireNonNull(match, "match");
        actions = List.copyOf(Objects.requireNonNull(actions, "actions"));
        requireTimeout("idleTimeout", idleTimeout);
        requireTimeout("hardTimeout", hardTimeout);
        flags = flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
    }

    /** A permanent entry with cookie 0 and no flags. */
    public static FlowEntry of(int tableId, int priority, Match match, List<Action> actions) {
        return new FlowEntry(tableId, priority, 0, match, actions, 0, 0, Set.of());
    }

    public FlowKey key() {
        return new FlowKey(tableId, priority, match);
    }

    public FlowEntry withActions(List<Action> newActions) {
        return new FlowEntry(tableId, priority, cookie, match, newActions, idleTimeout, hardTimeout, flags);
    }

    public FlowEntry withTimeouts(int newIdleTimeout, int newHardTimeout) {
        return new FlowEntry(tableId, priority, cookie, match, actions, newIdleTimeout, newHardTimeout, flags);
    }

    /** {@code actions=a,b,c} (or {@code actions=drop}), plus timeouts when set. */
    public String describeActions() {
        String text = actions.isEmpty() ? "drop" : actions.stream().map(Action::toString).collect(Collectors.joining(","));
        StringBuilder sb = new StringBuilder();
        if (idleTimeout != 0) {
            sb.append("idle_timeout=").append(idleTimeout).append(' ');
        }
        if (hardTimeout != 0) {
            sb.append("hard_timeout=").append(hardTimeout).append(' ');
        }
        return sb.append("actions=").append(text).toString();
    }

    /** {@code table 0 priority 100 in_port=1,ip_proto=6: actions=output:2,output:3}. */
    @Override
    public String toString() {
        return key() + ": " + describeActions();
    }

    static void requireTableId(int tableId) {
        if (tableId < 0 || tableId > MAX_TABLE_ID) {
            throw new IllegalArgumentException("table id out of range 0..254: table=" + tableId);
        }
    }

    static void requirePriority(int priority) {
        if (priority < 0 || priority > MAX_PRIORITY) {
            throw new IllegalArgumentException("priority out of range 0..65535: priority=" + priority);
        }
    }

    private static void requireTimeout(String name, int seconds) {
        if (seconds < 0 || seconds > 0xffff) {
            throw new IllegalArgumentException("timeout out of range 0..65535: " + name + "=" + seconds);
        }
    }
}
