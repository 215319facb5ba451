package org.ovshighway.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.ovshighway.p2p.flow.Action;
import org.ovshighway.p2p.flow.FieldId;
import org.ovshighway.p2p.flow.FieldMatch;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.p2p.flow.Match;
import org.ovshighway.p2p.flow.PortNo;

class RulesByPriorityTest {

    private static Rule rule(int priority, int k) {
        Match match = Match.of(FieldMatch.inPort(PortNo.of(1)), FieldMatch.exact(FieldId.TCP_DST, k, 2));
        return new Rule(FlowEntry.of(0, priority, match, List.of(new Action.Output(PortNo.of(2)))));
    }

    /** Levels, highest first, each in insertion order, as the set reports them. */
    private static List<List<Rule>> levels(RulesByPriority set) {
        List<List<Rule>> levels = new ArrayList<>();
        for (int i = 0; i < set.levelCount(); i++) {
            if (i > 0) {
                assertTrue(set.priorityAt(i - 1) > set.priorityAt(i), "priorities strictly descending at level=" + i);
            }
            levels.add(new ArrayList<>(set.rulesAt(i)));
        }
        return levels;
    }

    @Test
    void emptySetHasNoTop() {
        RulesByPriority set = new RulesByPriority();
        assertTrue(set.isEmpty());
        assertEquals(RulesByPriority.NONE, set.topPriority());
        assertNull(set.topRule());
        assertEquals(0, set.levelCount());
    }

    @Test
    void ordersByDescendingPriorityAndKeepsInsertionOrderWithinALevel() {
        RulesByPriority set = new RulesByPriority();
        Rule a = rule(100, 1);
        Rule b = rule(300, 2);
        Rule c = rule(100, 3);
        Rule d = rule(5, 4);
        Rule e = rule(100, 5);
        for (Rule r : List.of(a, b, c, d, e)) {
            set.add(r);
        }
        assertEquals(List.of(List.of(b), List.of(a, c, e), List.of(d)), levels(set));
        assertEquals(300, set.topPriority());
        assertSame(b, set.topRule());
        set.remove(b);
        assertSame(a, set.topRule());
        set.remove(a);
        assertSame(c, set.topRule());
        assertEquals(List.of(List.of(c, e), List.of(d)), levels(set));
    }

    @Test
    void removingARuleNotHeldThrowsNamingIt() {
        RulesByPriority set = new RulesByPriority();
        set.add(rule(100, 1));
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> set.remove(rule(100, 1)));
        assertTrue(thrown.getMessage().contains("rule=table 0 priority 100"), thrown.getMessage());
        assertThrows(IllegalStateException.class, () -> set.remove(rule(7, 1)));
    }

    /** Random adds and removes against a TreeMap of insertion-ordered lists. */
    @Test
    void agreesWithATreeOfListsOverRandomChanges() {
        Random random = new Random(7);
        RulesByPriority set = new RulesByPriority();
        Map<Integer, List<Rule>> expected = new TreeMap<>(Collections.reverseOrder());
        List<Rule> held = new ArrayList<>();
        for (int step = 0; step < 20_000; step++) {
            if (held.isEmpty() || random.nextInt(100) < 55) {
                Rule r = rule(random.nextInt(40) * 7, step % 60_000);
                set.add(r);
                held.add(r);
                expected.computeIfAbsent(r.priority(), p -> new ArrayList<>()).add(r);
            } else {
                Rule r = held.remove(random.nextInt(held.size()));
                set.remove(r);
                List<Rule> level = expected.get(r.priority());
                level.remove(r);
                if (level.isEmpty()) {
                    expected.remove(r.priority());
                }
            }
            if (step % 97 == 0) {
                assertEquals(new ArrayList<>(expected.values()), levels(set), "step=" + step);
            }
            assertEquals(expected.isEmpty() ? RulesByPriority.NONE : expected.keySet().iterator().next(), set.topPriority());
        }
        Map<Integer, List<Rule>> seen = new LinkedHashMap<>();
        for (int i = 0; i < set.levelCount(); i++) {
            seen.put(set.priorityAt(i), new ArrayList<>(set.rulesAt(i)));
        }
        assertEquals(expected, seen);
    }
}
