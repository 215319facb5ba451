package org.ovshighway.proxy.stats;

import io.netty.buffer.ByteBuf;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.ovshighway.proxy.StatsRewriter;

/**
 * The statistics rewriter of one relayed connection of one bridge: adds the bypassed traffic that
 * {@link ExtraCounters} reports to port, flow and aggregate statistics replies (OpenFlow 1.0 with
 * Nicira NXST_FLOW/NXST_AGGREGATE, 1.2, 1.3, 1.4 and 1.5), in place and saturating, never changing
 * a frame's length or any byte other than those counters. Every other frame, and every reply whose
 * structure does not fully validate, passes unchanged (a malformed one is counted and logged,
 * rate-limited). Aggregate replies need their request, remembered by XID from
 * {@link #towardSwitch}; docs/stats-proxy-counters.md lists exactly what is adjusted.
 *
 * <p>Not thread-safe: one instance per connection, called from its event loop only.
 */
public final class CounterMergingRewriter implements StatsRewriter {

    /** Aggregate requests remembered per connection before the oldest is dropped. */
    public static final int DEFAULT_REQUEST_MEMORY = 256;
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final ExtraCounters extras;
    private final RequestMemory requests;
    private final RateLimitedLog log;
    private final PendingWrites writes = new PendingWrites();
    private long malformedFrames;
    private long aggregatesWithoutRequest;
    private long rewrittenReplies;

    public CounterMergingRewriter(String connectionName, ExtraCounters extras) {
        this(connectionName, extras, DEFAULT_REQUEST_MEMORY, RateLimitedLog.SYSTEM_LOGGER);
    }

    /** With a bounded request memory of {@code requestMemory} entries and warnings going to {@code logSink}. */
    CounterMergingRewriter(String connectionName, ExtraCounters extras, int requestMemory, Consumer<String> logSink) {
        this.extras = Objects.requireNonNull(extras, "extras");
        this.requests = new RequestMemory(requestMemory);
        this.log = new RateLimitedLog(Objects.requireNonNull(connectionName, "connectionName"), LOG_INTERVAL_NANOS, System::nanoTime,
                Objects.requireNonNull(logSink, "logSink"));
    }

    /** A factory giving each connection of the bridge its own rewriter over the bridge's extras. */
    public static StatsRewriter.Factory factory(ExtraCounters extras) {
        Objects.requireNonNull(extras, "extras");
        return name -> new CounterMergingRewriter(name, extras);
    }

    @Override
    public void towardSwitch(ByteBuf frame) {
        StatsEnvelope env;
        try {
            env = StatsEnvelope.parse(frame);
        } catch (MalformedStatsException e) {
            return;
        }
        if (env == null || !env.request()) {
            return;
        }
        // A new request under an XID voids whatever an older one under that XID said.
        requests.forget(env.xid());
        if (!env.isAggregate() || env.more()) {
            return;
        }
        try {
            requests.put(env.xid(), FlowStatsRequest.decode(frame, env));
        } catch (MalformedStatsException | RuntimeException e) {
            // The switch will answer it with an error; if it answers with a reply, that passes unchanged.
        }
    }

    @Override
    public void towardController(ByteBuf frame) {
        int start = frame.readerIndex();
        int end = frame.writerIndex();
        StatsEnvelope env;
        try {
            env = StatsEnvelope.parse(frame);
            if (env == null || env.request()) {
                return;
            }
            writes.clear();
            if (env.isPort()) {
                PortStatsReply.collect(frame, env, extras, writes);
            } else if (env.isFlow()) {
                FlowExtraIndex index = new FlowExtraIndex(extras.flows());
                if (index.isEmpty()) {
                    return;
                }
                FlowStatsReply.collect(frame, env, index, writes);
            } else if (env.isAggregate()) {
                FlowStatsRequest request = requests.get(env.xid());
                if (!env.more()) {
                    requests.forget(env.xid());
                }
                if (request == null) {
                    aggregatesWithoutRequest++;
                    log.warn(env.describe() + ": aggregate reply without a remembered request (evicted=" + requests.evicted() + ")");
                    return;
                }
                AggregateReply.collect(frame, env, request, extras, writes);
            } else {
                return;
            }
        } catch (MalformedStatsException e) {
            malformedFrames++;
            log.warn(e.getMessage());
            return;
        } catch (RuntimeException e) {
            // A decoder bug must cost only this reply's adjustment, never the connection.
            malformedFrames++;
            log.warn("decoder failure: " + e);
            return;
        }
        if (writes.size() > 0) {
            int outside = writes.applyTo(frame, start, end);
            if (outside >= 0) {
                malformedFrames++;
                log.warn("decoder failure: counter outside the frame: index=" + outside + " start=" + start + " end=" + end);
                return;
            }
            rewrittenReplies++;
        }
    }

    /** Statistics replies relayed unchanged because their structure did not validate. */
    public long malformedFrames() {
        return malformedFrames;
    }

    /** Aggregate replies relayed unchanged because their request was not remembered. */
    public long aggregatesWithoutRequest() {
        return aggregatesWithoutRequest;
    }

    /** Replies in which at least one counter was adjusted. */
    public long rewrittenReplies() {
        return rewrittenReplies;
    }

    /** Aggregate requests dropped from the bounded memory before their reply came. */
    public long requestsEvicted() {
        return requests.evicted();
    }
}
