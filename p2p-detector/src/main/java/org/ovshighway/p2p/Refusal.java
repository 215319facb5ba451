package org.ovshighway.p2p;

import org.ovshighway.p2p.PortAnalysis.Forwards;
import org.ovshighway.p2p.flow.GroupEntry;
import org.ovshighway.p2p.flow.Match;
import org.ovshighway.p2p.flow.PortNo;

/**
 * Why a port's traffic cannot bypass the switch, kept as the few immutable values that prove it;
 * the operator's text is built only when asked for ({@link #text}), off the event path.
 */
sealed interface Refusal {

    /** The explanation in words an operator understands, naming the rule (table, priority, match, actions). */
    String text();

    /** One rule's own effect disqualifies it; {@code via} is the group whose bucket did it, or {@code null}. */
    record RuleProblem(Rule rule, Problem problem, Object detail, GroupEntry via) implements Refusal {
        @Override
        public String text() {
            String prefix = via == null ? "" : groupText(via) + " bucket ";
            return rule + " — " + prefix + problem.describe(detail);
        }
    }

    /** Two rules the port's traffic may hit send it to different ports. */
    record Split(PortNo port, Forwards first, Forwards second) implements Refusal {
        @Override
        public String text() {
            return "traffic of port " + port + " is split: " + first.evidence() + " sends it to port " + first.to() + " but "
                    + second.evidence() + " sends it to port " + second.to();
        }
    }

    /** No rule of the table matches all of the port's traffic reaching it. */
    record TableMiss(PortNo port, int table, Match region) implements Refusal {
        @Override
        public String text() {
            return "table " + table + ": no rule matches all traffic of port " + port + " reaching it (" + region
                    + "); the rest misses the table";
        }
    }

    /** The pipeline visits more table/match combinations than an analysis may. */
    record TooComplex(PortNo port) implements Refusal {
        @Override
        public String text() {
            return "the pipeline of port " + port + " reaches more than " + PortAnalyzer.MAX_REGIONS
                    + " table/match combinations; too complex to prove point-to-point";
        }
    }

    /** What is wrong with a rule; {@code detail} is the value the text names (timeout, action, port, group...). */
    enum Problem {
        IDLE_TIMEOUT, REWRITE, SET_QUEUE, METER, EXTENSION, DROP, SEVERAL_OUTPUTS, SEVERAL_EFFECTS, GOTO_NOT_LATER,
        OUTPUT_RESERVED, OUTPUT_IN_PORT, GROUP_MISSING, GROUP_FAST_FAILOVER, GROUP_NOT_ONE_BUCKET, GROUP_WEIGHT_ZERO,
        GROUP_BUCKET_NOT_OUTPUT;

        String describe(Object detail) {
            return switch (this) {
                case IDLE_TIMEOUT -> "idle_timeout=" + detail + " would expire the rule while the traffic bypasses the switch";
                case REWRITE -> "rewrites headers (" + detail + ")";
                case SET_QUEUE -> detail + " selects an output queue";
                case METER -> detail + " applies a meter";
                case EXTENSION -> "action " + detail + " is not a plain output";
                case DROP -> "drops the traffic";
                case SEVERAL_OUTPUTS -> "more than one output";
                case SEVERAL_EFFECTS -> "more than one output, group or goto_table";
                case GOTO_NOT_LATER -> "goto_table:" + detail + " does not lead to a later table";
                case OUTPUT_RESERVED -> "output to " + detail + ", not to a single port";
                case OUTPUT_IN_PORT -> "output to the input port " + detail + ", which the switch drops";
                case GROUP_MISSING -> "group " + detail + " does not exist";
                case GROUP_FAST_FAILOVER -> groupText((GroupEntry) detail) + " is fast-failover: it drops traffic when its watched port is down";
                case GROUP_NOT_ONE_BUCKET -> groupText((GroupEntry) detail) + " does not have exactly one bucket";
                case GROUP_WEIGHT_ZERO -> groupText((GroupEntry) detail) + " selects a bucket of weight 0, which is never used";
                case GROUP_BUCKET_NOT_OUTPUT -> groupText((GroupEntry) detail) + " bucket is not a single output: "
                        + ((GroupEntry) detail).buckets().getFirst();
            };
        }
    }

    private static String groupText(GroupEntry group) {
        return "group " + group.groupId() + " (" + group.type().name().toLowerCase() + ", " + group.buckets().size() + " buckets)";
    }
}
