package org.ovshighway.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import org.ovshighway.p2p.flow.Action;
import org.ovshighway.p2p.flow.Bucket;
import org.ovshighway.p2p.flow.FieldId;
import org.ovshighway.p2p.flow.FieldMatch;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.p2p.flow.FlowEvent;
import org.ovshighway.p2p.flow.FlowFlag;
import org.ovshighway.p2p.flow.FlowKey;
import org.ovshighway.p2p.flow.GroupEntry;
import org.ovshighway.p2p.flow.GroupType;
import org.ovshighway.p2p.flow.Match;
import org.ovshighway.p2p.flow.PortNo;
import org.ovshighway.p2p.flow.RemovalReason;

/**
 * Random event sequences over a deliberately small universe (5 ports, 3 tables, 4 priorities, a
 * few match fields, 3 groups), so that point-to-point directions appear and disappear often; after
 * every event the incremental verdicts must equal {@link ReferenceDecider}'s from-scratch ones,
 * and the link events received must add up to the published verdicts.
 */
class IncrementalMatchesReferenceTest {

    /** Two ports above 127 so that port bytes with the high bit set are exercised. */
    private static final List<PortNo> PORTS = List.of(PortNo.of(1), PortNo.of(2), PortNo.of(3), PortNo.of(128), PortNo.of(129));
    private static final FieldId REG0 = FieldId.named("reg0");

    /** One step of a generated sequence; steps naming an existing flow pick it by index modulo the table size. */
    sealed interface Step {
    }

    record AddFlow(FlowEntry flow) implements Step {
    }

    record ModifyFlow(int pick, List<Action> actions, int idleTimeout, int hardTimeout) implements Step {
    }

    record RemoveFlow(int pick, RemovalReason reason, FlowKey ifEmpty) implements Step {
    }

    record PutGroup(GroupEntry group, boolean asModify) implements Step {
    }

    record DeleteGroup(long groupId) implements Step {
    }

    record AddCandidate(PortNo port) implements Step {
    }

    record RemoveCandidate(PortNo port) implements Step {
    }

    record SetCandidates(Set<PortNo> ports) implements Step {
    }

    record Resync(List<FlowEntry> flows, List<GroupEntry> groups) implements Step {
    }

    @Property(tries = 6000, edgeCases = EdgeCasesMode.NONE)
    void incrementalVerdictsEqualReferenceAfterEveryEvent(@ForAll("sequences") List<Step> steps) {
        run(steps, 15);
    }

    /** Fewer rules per sequence, so that point-to-point directions survive longer and then break. */
    @Property(tries = 4000, edgeCases = EdgeCasesMode.NONE)
    void shortSequencesOftenReachPointToPoint(@ForAll("shortSequences") List<Step> steps) {
        run(steps, 30);
    }

    /**
     * The same sequences fed to a second detector in bursts ({@link P2pDetector#acceptAll}) cut at
     * random places (and before every candidate change): at the end of every burst its verdicts
     * equal the reference's and the per-event detector's, and its link events add up to them.
     */
    @Property(tries = 3000, edgeCases = EdgeCasesMode.NONE)
    void batchedVerdictsEqualPerEventVerdictsAndReference(@ForAll("sequences") List<Step> steps,
                                                           @ForAll("batchEnds") List<Boolean> batchEnds) {
        Harness h = new Harness(batchEnds);
        h.setAllCandidates();
        for (Step step : steps) {
            h.apply(step);
        }
        h.flushBatch();
        Statistics.label("batches of more than one event").collect(h.batched.sawMultiEventBatch);
        Statistics.label("batches of more than one event").coverage(c -> c.check(true).percentage(p -> p > 50));
    }

    private void run(List<Step> steps, double minPercentReached) {
        Harness h = new Harness(null);
        h.setAllCandidates();
        for (Step step : steps) {
            h.apply(step);
        }
        Statistics.label("decided from a port summary").collect(h.detector.summaryDecisions() > 0);
        Statistics.label("decided from a port summary").coverage(c -> c.check(true).percentage(p -> p > 30));
        Statistics.label("reached point-to-point").collect(h.sawUp);
        Statistics.label("lost point-to-point").collect(h.sawDown);
        Statistics.label("reached point-to-point").coverage(c -> c.check(true).percentage(p -> p > minPercentReached));
        Statistics.label("lost point-to-point").coverage(c -> c.check(true).percentage(p -> p > 5));
    }

    /** The switch as the test sees it, applied naively. */
    private static final class Model {
        final Map<FlowKey, FlowEntry> flows = new LinkedHashMap<>();
        final Map<Long, GroupEntry> groups = new HashMap<>();
        final Set<PortNo> candidates = new LinkedHashSet<>();
    }

    /** A detector fed in bursts: events wait in {@link #pending} until the harness ends the batch. */
    private static final class BatchedDetector {
        final Map<PortNo, PortNo> heard = new TreeMap<>();
        final P2pDetector detector = new P2pDetector(this::hear);
        final List<FlowEvent> pending = new ArrayList<>();
        private final List<Boolean> ends;
        private int cursor;
        boolean sawMultiEventBatch;

        BatchedDetector(List<Boolean> ends) {
            this.ends = ends;
        }

        private void hear(LinkEvent event) {
            switch (event) {
                case LinkEvent.DirectionUp(PortNo from, PortNo to) ->
                        assertFalse(heard.containsKey(from), () -> "batched: up while another direction from the port is up: " + event);
                case LinkEvent.DirectionDown(PortNo from, PortNo to, String reason) -> {
                    assertEquals(to, heard.get(from), () -> "batched: down for a direction that was not up: " + event);
                    assertFalse(reason.isBlank());
                }
            }
            if (event instanceof LinkEvent.DirectionUp(PortNo from, PortNo to)) {
                heard.put(from, to);
            } else {
                heard.remove(event.from());
            }
        }

        /** True when the step just applied ends a batch (the generated pattern, repeated). */
        boolean endsHere() {
            return ends.get(cursor++ % ends.size());
        }
    }

    private static final class Harness {
        final Model model = new Model();
        final Map<PortNo, PortNo> heard = new TreeMap<>();
        final List<LinkEvent> events = new ArrayList<>();
        final P2pDetector detector = new P2pDetector(this::hear);
        /** {@code null} unless the property compares batches. */
        final BatchedDetector batched;
        boolean sawUp;
        boolean sawDown;

        Harness(List<Boolean> batchEnds) {
            this.batched = batchEnds == null ? null : new BatchedDetector(batchEnds);
        }

        void setAllCandidates() {
            detector.setCandidatePorts(Set.copyOf(PORTS));
            if (batched != null) {
                batched.detector.setCandidatePorts(Set.copyOf(PORTS));
            }
            model.candidates.addAll(PORTS);
            check();
        }

        /** Feeds the per-event detector now and the batched one at the end of the batch. */
        private void feed(FlowEvent event) {
            detector.accept(event);
            if (batched != null) {
                batched.pending.add(event);
            }
        }

        /** Candidate changes are not flow events: the batch ends before them, then both detectors change. */
        private void candidates(java.util.function.Consumer<P2pDetector> change) {
            flushBatch();
            change.accept(detector);
            if (batched != null) {
                change.accept(batched.detector);
            }
        }

        void flushBatch() {
            if (batched == null) {
                return;
            }
            batched.sawMultiEventBatch |= batched.pending.size() > 1;
            batched.detector.acceptAll(List.copyOf(batched.pending));
            batched.pending.clear();
            Map<PortNo, PortNo> expected = ReferenceDecider.decide(model.flows.values(), model.groups, model.candidates);
            Map<PortNo, PortNo> actual = batched.detector.pointToPointDirections();
            assertEquals(expected, actual, () -> "batched verdicts differ from the reference; flows=" + model.flows.values()
                    + " groups=" + model.groups.values() + " candidates=" + model.candidates);
            assertEquals(detector.pointToPointDirections(), actual, "batched verdicts differ from per-event verdicts");
            assertEquals(actual, batched.heard, "batched link events must add up to the published verdicts");
            assertEquals(model.flows.size(), batched.detector.flowCount());
            for (PortNo port : model.candidates) {
                assertEquals(!actual.containsKey(port), batched.detector.explain(port).isPresent(), () -> "batched explain(" + port + ")");
            }
        }

        private void hear(LinkEvent event) {
            events.add(event);
            switch (event) {
                case LinkEvent.DirectionUp(PortNo from, PortNo to) -> {
                    assertFalse(heard.containsKey(from), () -> "up while another direction from the port is up: " + event + " heard=" + heard);
                    heard.put(from, to);
                    sawUp = true;
                }
                case LinkEvent.DirectionDown(PortNo from, PortNo to, String reason) -> {
                    assertEquals(to, heard.remove(from), () -> "down for a direction that was not up: " + event);
                    assertFalse(reason.isBlank());
                    sawDown = true;
                }
            }
        }

        void apply(Step step) {
            switch (step) {
                case AddFlow(FlowEntry flow) -> {
                    model.flows.put(flow.key(), flow);
                    feed(new FlowEvent.FlowAdded(flow));
                }
                case ModifyFlow(int pick, List<Action> actions, int idle, int hard) -> {
                    if (model.flows.isEmpty()) {
                        return;
                    }
                    FlowEntry old = pickFlow(pick);
                    FlowEntry now = old.withActions(actions).withTimeouts(idle, hard);
                    model.flows.put(now.key(), now);
                    feed(new FlowEvent.FlowModified(now));
                }
                case RemoveFlow(int pick, RemovalReason reason, FlowKey ifEmpty) -> {
                    FlowKey key = model.flows.isEmpty() ? ifEmpty : pickFlow(pick).key();
                    model.flows.remove(key);
                    feed(new FlowEvent.FlowRemoved(key, reason));
                }
                case PutGroup(GroupEntry group, boolean asModify) -> {
                    model.groups.put(group.groupId(), group);
                    feed(asModify ? new FlowEvent.GroupModified(group) : new FlowEvent.GroupAdded(group));
                }
                case DeleteGroup(long groupId) -> {
                    model.groups.remove(groupId);
                    feed(new FlowEvent.GroupDeleted(groupId));
                }
                case AddCandidate(PortNo port) -> {
                    candidates(d -> d.addCandidatePort(port));
                    model.candidates.add(port);
                }
                case RemoveCandidate(PortNo port) -> {
                    candidates(d -> d.removeCandidatePort(port));
                    model.candidates.remove(port);
                }
                case SetCandidates(Set<PortNo> ports) -> {
                    candidates(d -> d.setCandidatePorts(ports));
                    model.candidates.clear();
                    model.candidates.addAll(ports);
                }
                case Resync(List<FlowEntry> flows, List<GroupEntry> groups) -> resync(flows, groups);
            }
            check();
            if (batched != null && batched.endsHere()) {
                flushBatch();
            }
        }

        private void resync(List<FlowEntry> flows, List<GroupEntry> groups) {
            Map<PortNo, PortNo> before = detector.pointToPointDirections();
            int eventsBefore = events.size();
            model.flows.clear();
            model.groups.clear();
            feed(new FlowEvent.ResyncStarted());
            for (GroupEntry g : groups) {
                model.groups.put(g.groupId(), g);
                feed(new FlowEvent.GroupAdded(g));
            }
            for (FlowEntry f : flows) {
                model.flows.put(f.key(), f);
                feed(new FlowEvent.FlowAdded(f));
                assertTrue(detector.isResyncing());
                assertEquals(before, detector.pointToPointDirections(), "verdicts must be held during a resync");
            }
            assertEquals(eventsBefore, events.size(), "no link event during a resync");
            feed(new FlowEvent.ResyncCompleted());
            assertFalse(detector.isResyncing());
        }

        private FlowEntry pickFlow(int pick) {
            return new ArrayList<>(model.flows.values()).get(Math.floorMod(pick, model.flows.size()));
        }

        void check() {
            Map<PortNo, PortNo> expected = ReferenceDecider.decide(model.flows.values(), model.groups, model.candidates);
            Map<PortNo, PortNo> actual = detector.pointToPointDirections();
            assertEquals(expected, actual, () -> "incremental verdicts differ from the reference; flows=" + model.flows.values()
                    + " groups=" + model.groups.values() + " candidates=" + model.candidates);
            assertEquals(actual, heard, "link events must add up to the published verdicts");
            assertEquals(model.flows.size(), detector.flowCount());
            for (PortNo port : model.candidates) {
                assertEquals(!actual.containsKey(port), detector.explain(port).isPresent(), () -> "explain(" + port + ")");
            }
        }
    }

    // ---- generators ----

    @Provide
    Arbitrary<List<Step>> sequences() {
        return step(flow(), 4).list().ofMinSize(1).ofMaxSize(30);
    }

    /** Where batches end, one entry per step, repeated: mostly bursts of a few steps. */
    @Provide
    Arbitrary<List<Boolean>> batchEnds() {
        return Arbitraries.frequency(net.jqwik.api.Tuple.of(1, true), net.jqwik.api.Tuple.of(3, false)).list().ofMinSize(1).ofMaxSize(30);
    }

    @Provide
    Arbitrary<List<Step>> shortSequences() {
        return step(flow(), 10).list().ofMinSize(1).ofMaxSize(12);
    }

    /** @param linkWeight weight of adding a plain {@code in_port=X actions=output:Y} rule, the stuff point-to-point is made of */
    private static Arbitrary<Step> step(Arbitrary<FlowEntry> flow, int linkWeight) {
        Arbitrary<Step> add = flow.map(AddFlow::new);
        Arbitrary<Step> link = Combinators.combine(port(), port(), Arbitraries.of(0, 10, 20))
                .as((x, y, p) -> (Step) new AddFlow(FlowEntry.of(0, p, Match.of(FieldMatch.inPort(x)), List.of(new Action.Output(y)))));
        Arbitrary<Step> modify = Combinators.combine(Arbitraries.integers().between(0, 1000), actions(), idle(), hard())
                .as(ModifyFlow::new);
        Arbitrary<Step> remove = Combinators.combine(Arbitraries.integers().between(0, 1000),
                Arbitraries.of(RemovalReason.DELETE, RemovalReason.IDLE_TIMEOUT, RemovalReason.HARD_TIMEOUT),
                flow.map(FlowEntry::key)).as(RemoveFlow::new);
        Arbitrary<Step> putGroup = Combinators.combine(group(), Arbitraries.of(true, false)).as(PutGroup::new);
        Arbitrary<Step> deleteGroup = groupId().map(DeleteGroup::new);
        Arbitrary<Step> addCandidate = port().map(AddCandidate::new);
        Arbitrary<Step> removeCandidate = port().map(RemoveCandidate::new);
        Arbitrary<Step> setCandidates = port().set().ofMinSize(0).ofMaxSize(5).map(SetCandidates::new);
        Arbitrary<Step> resync = Combinators.combine(flow.list().ofMaxSize(8), group().list().ofMaxSize(2)).as(Resync::new);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(10, add),
                net.jqwik.api.Tuple.of(linkWeight, link),
                net.jqwik.api.Tuple.of(3, modify),
                net.jqwik.api.Tuple.of(4, remove),
                net.jqwik.api.Tuple.of(2, putGroup),
                net.jqwik.api.Tuple.of(1, deleteGroup),
                net.jqwik.api.Tuple.of(2, addCandidate),
                net.jqwik.api.Tuple.of(1, removeCandidate),
                net.jqwik.api.Tuple.of(1, setCandidates),
                net.jqwik.api.Tuple.of(1, resync));
    }

    private static Arbitrary<PortNo> port() {
        return Arbitraries.of(PORTS);
    }

    private static Arbitrary<Long> groupId() {
        return Arbitraries.longs().between(1, 3);
    }

    private static Arbitrary<Integer> idle() {
        return Arbitraries.frequency(net.jqwik.api.Tuple.of(9, 0), net.jqwik.api.Tuple.of(1, 10));
    }

    private static Arbitrary<Integer> hard() {
        return Arbitraries.frequency(net.jqwik.api.Tuple.of(9, 0), net.jqwik.api.Tuple.of(1, 30));
    }

    private static Arbitrary<FlowEntry> flow() {
        Arbitrary<Integer> table = Arbitraries.frequency(net.jqwik.api.Tuple.of(4, 0), net.jqwik.api.Tuple.of(2, 1), net.jqwik.api.Tuple.of(1, 2));
        Arbitrary<Integer> priority = Arbitraries.of(0, 10, 20, 30);
        return Combinators.combine(table, priority, match(), actions(), idle(), hard())
                .as((t, p, m, a, i, h) -> new FlowEntry(t, p, 0x1234, m, a, i, h, Set.of(FlowFlag.SEND_FLOW_REM)));
    }

    private static Arbitrary<Match> match() {
        Arbitrary<List<FieldMatch>> inPort = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, port().map(p -> List.of(FieldMatch.inPort(p)))),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(List.<FieldMatch>of())),
                // in_port 128 or 129: a masked in_port, which the detector must treat as a wildcard.
                net.jqwik.api.Tuple.of(1, Arbitraries.just(List.of(FieldMatch.masked(FieldId.IN_PORT, 128, 0xfffffffeL, 4)))));
        Arbitrary<List<FieldMatch>> proto = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.just(List.<FieldMatch>of())),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(List.of(FieldMatch.exact(FieldId.IP_PROTO, 6, 1)))),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(List.of(FieldMatch.exact(FieldId.IP_PROTO, 17, 1)))));
        Arbitrary<List<FieldMatch>> extra = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.just(List.<FieldMatch>of())),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(List.of(FieldMatch.masked(FieldId.TCP_DST, 0, 0xff00, 2)))),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(List.of(FieldMatch.masked(FieldId.TCP_DST, 0x8000, 0x8000, 2)))),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(List.of(FieldMatch.exact(FieldId.TCP_DST, 80, 2)))),
                // Same field at two widths: a field the detector does not understand.
                net.jqwik.api.Tuple.of(1, Arbitraries.just(List.of(FieldMatch.exact(REG0, 1, 4)))),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(List.of(FieldMatch.exact(REG0, 1, 2)))));
        return Combinators.combine(inPort, proto, extra).as((a, b, c) -> {
            List<FieldMatch> all = new ArrayList<>(a);
            all.addAll(b);
            all.addAll(c);
            return Match.of(all);
        });
    }

    private static Arbitrary<List<Action>> actions() {
        Arbitrary<Action> out = port().map(Action.Output::new);
        Arbitrary<Action> reserved = Arbitraries.of(PortNo.FLOOD, PortNo.ALL, PortNo.NORMAL, PortNo.CONTROLLER, PortNo.LOCAL,
                PortNo.IN_PORT, PortNo.TABLE).map(Action.Output::new);
        Arbitrary<Action> setField = Arbitraries.just(new Action.SetField(FieldMatch.exact(FieldId.ETH_DST, new byte[] {2, 0, 0, 0, 0, 1})));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(10, out.map(List::of)),
                net.jqwik.api.Tuple.of(4, Arbitraries.integers().between(1, 2).map(t -> List.<Action>of(new Action.GotoTable(t)))),
                net.jqwik.api.Tuple.of(3, groupId().map(g -> List.<Action>of(new Action.Group(g)))),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(List.<Action>of())),
                net.jqwik.api.Tuple.of(2, reserved.map(List::of)),
                net.jqwik.api.Tuple.of(1, Combinators.combine(out, out).as(List::of)),
                net.jqwik.api.Tuple.of(1, Combinators.combine(setField, out).as(List::of)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(List.<Action>of(new Action.Other("learn(table=1,output:NXM_OF_IN_PORT[])")))),
                net.jqwik.api.Tuple.of(1, out.map(o -> List.of(new Action.Meter(1), o))),
                net.jqwik.api.Tuple.of(1, out.map(o -> List.of(new Action.SetQueue(1), o))),
                net.jqwik.api.Tuple.of(1, out.map(o -> List.of(o, new Action.GotoTable(2)))));
    }

    private static Arbitrary<GroupEntry> group() {
        Arbitrary<List<Action>> bucketActions = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, port().map(p -> List.<Action>of(new Action.Output(p)))),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(List.<Action>of(new Action.Output(PortNo.FLOOD)))),
                net.jqwik.api.Tuple.of(1, groupId().map(g -> List.<Action>of(new Action.Group(g)))),
                net.jqwik.api.Tuple.of(1, port().map(p -> List.<Action>of(new Action.HeaderRewrite("dec_ttl"), new Action.Output(p)))),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(List.<Action>of())));
        Arbitrary<Integer> weight = Arbitraries.frequency(net.jqwik.api.Tuple.of(5, 1), net.jqwik.api.Tuple.of(1, 0));
        Arbitrary<Bucket> bucket = Combinators.combine(bucketActions, weight).as((a, w) -> new Bucket(a, w, PortNo.ANY, GroupEntry.ANY_GROUP));
        Arbitrary<List<Bucket>> buckets = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, bucket.list().ofSize(1)),
                net.jqwik.api.Tuple.of(2, bucket.list().ofSize(2)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(List.<Bucket>of())));
        return Combinators.combine(groupId(), Arbitraries.of(GroupType.class), buckets).as(GroupEntry::new);
    }
}
