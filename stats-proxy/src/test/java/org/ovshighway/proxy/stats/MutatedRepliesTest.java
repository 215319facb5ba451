package org.ovshighway.proxy.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Hostile input: captured exchanges of real OVS with one frame mutated at random (seeded), fed
 * to the rewriter. Whatever the mutation, the rewriter must not throw, must not write outside
 * the frame (guard bytes around it in the same buffer), must leave a frame it reports malformed
 * unchanged, and every byte it does change must belong to one 8-byte counter that grew by an
 * amount the extras can explain (or saturated).
 */
class MutatedRepliesTest {

    private static final long SEED = 0x5EED_5_7A75L;
    private static final int ITERATIONS = 50_000;
    private static final int GUARD = 16;
    private static final int SMALL_EXCHANGE = 8 * 1024;

    @Test
    void mutatedCapturedExchangesNeverThrowNorWriteOutsideCounters() throws Exception {
        List<CapturedExchanges.Exchange> small = new ArrayList<>();
        List<CapturedExchanges.Exchange> large = new ArrayList<>();
        for (CapturedExchanges file : CapturedExchanges.all()) {
            for (CapturedExchanges.Exchange ex : file.exchanges()) {
                int size = ex.frames().stream().mapToInt(f -> f.bytes().length).sum();
                (size <= SMALL_EXCHANGE ? small : large).add(ex);
            }
        }
        ExtraCounters counters = ScenarioExtras.counters(1);
        Set<Long> deltas = explainableDeltas(counters);
        Random random = new Random(SEED);
        List<String> logged = new ArrayList<>();
        long malformed = 0;
        long rewrittenMutated = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            // Large (multipart) exchanges cost ~100x more: one in 100 iterations.
            CapturedExchanges.Exchange ex = i % 100 == 99
                    ? large.get(random.nextInt(large.size()))
                    : small.get(random.nextInt(small.size()));
            int victim = random.nextInt(ex.frames().size());
            CounterMergingRewriter rewriter = new CounterMergingRewriter("mutation", counters, 4, logged::add);
            for (int f = 0; f < ex.frames().size(); f++) {
                CapturedExchanges.Frame frame = ex.frames().get(f);
                byte[] bytes = f == victim ? mutate(frame.bytes(), random) : frame.bytes();
                byte[] backing = new byte[GUARD + bytes.length + GUARD];
                random.nextBytes(backing);
                System.arraycopy(bytes, 0, backing, GUARD, bytes.length);
                byte[] before = backing.clone();
                ByteBuf buf = Unpooled.wrappedBuffer(backing);
                buf.setIndex(GUARD, GUARD + bytes.length);
                long malformedBefore = rewriter.malformedFrames();
                long rewrittenBefore = rewriter.rewrittenReplies();
                String where = "iteration=" + i + " command=" + ex.command() + " frame=" + f + " victim=" + victim + " input="
                        + HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 256));
                try {
                    if (frame.towardSwitch()) {
                        rewriter.towardSwitch(buf);
                    } else {
                        rewriter.towardController(buf);
                    }
                } catch (RuntimeException e) {
                    throw new AssertionError("rewriter threw: " + where, e);
                }
                assertEquals(GUARD, buf.readerIndex(), where);
                assertEquals(GUARD + bytes.length, buf.writerIndex(), where);
                assertArrayEquals(Arrays.copyOf(before, GUARD), Arrays.copyOf(backing, GUARD), "guard before frame written: " + where);
                assertArrayEquals(Arrays.copyOfRange(before, GUARD + bytes.length, backing.length),
                        Arrays.copyOfRange(backing, GUARD + bytes.length, backing.length), "guard after frame written: " + where);
                if (frame.towardSwitch() || rewriter.malformedFrames() > malformedBefore) {
                    assertArrayEquals(before, backing, "request or malformed frame changed: " + where);
                }
                malformed += rewriter.malformedFrames() - malformedBefore;
                if (f == victim && rewriter.rewrittenReplies() > rewrittenBefore) {
                    rewrittenMutated++;
                }
                checkOnlyCountersGrew(Arrays.copyOfRange(before, GUARD, GUARD + bytes.length),
                        Arrays.copyOfRange(backing, GUARD, GUARD + bytes.length), deltas, where);
            }
        }
        assertTrue(logged.stream().allMatch(l -> l.contains("reason=")), "a warning without its reason");
        // The run must have exercised both outcomes, or it proved nothing.
        assertTrue(malformed > ITERATIONS / 20, "few mutations detected as malformed: malformed=" + malformed);
        assertTrue(rewrittenMutated > ITERATIONS / 50, "few mutated replies still rewritten: rewritten=" + rewrittenMutated);
    }

    /** Every changed byte lies in an 8-byte window, after the header, whose value grew by an explainable delta or saturated. */
    private static void checkOnlyCountersGrew(byte[] before, byte[] after, Set<Long> deltas, String where) {
        ByteBuf b = Unpooled.wrappedBuffer(before);
        ByteBuf a = Unpooled.wrappedBuffer(after);
        int p = 0;
        while (p < before.length) {
            if (before[p] == after[p]) {
                p++;
                continue;
            }
            if (p < 8) {
                fail("header byte changed: offset=" + p + " " + where);
            }
            int explainedUpTo = -1;
            for (int s = Math.max(8, p - 7); s <= p && s + 8 <= before.length; s++) {
                long oldValue = b.getLong(s);
                long newValue = a.getLong(s);
                boolean saturated = newValue == -1L && oldValue != -1L;
                if (deltas.contains(newValue - oldValue) || saturated) {
                    explainedUpTo = s + 8;
                    break;
                }
            }
            if (explainedUpTo < 0) {
                fail("changed byte not explained by a counter addition: offset=" + p + " " + where);
            }
            p = explainedUpTo;
        }
    }

    /** Every amount the rewriter may add to one counter: port values and sums of any subset of flow values. */
    private static Set<Long> explainableDeltas(ExtraCounters counters) {
        Set<Long> out = new HashSet<>();
        for (PortExtra p : ScenarioExtras.PORTS.values()) {
            out.addAll(List.of(p.rxPackets(), p.rxBytes(), p.txPackets(), p.txBytes()));
        }
        List<FlowExtra> flows = counters.flows();
        for (int mask = 1; mask < (1 << flows.size()); mask++) {
            long packets = 0;
            long bytes = 0;
            for (int j = 0; j < flows.size(); j++) {
                if ((mask & (1 << j)) != 0) {
                    packets += flows.get(j).packets();
                    bytes += flows.get(j).bytes();
                }
            }
            out.add(packets);
            out.add(bytes);
        }
        out.remove(0L);
        return out;
    }

    /** One of several mutations; the framer guarantees header length == frame length, so most keep that true. */
    private static byte[] mutate(byte[] original, Random random) {
        byte[] m = original.clone();
        switch (random.nextInt(8)) {
            case 0 -> {
                for (int k = 1 + random.nextInt(4); k > 0; k--) {
                    int i = random.nextInt(m.length);
                    m[i] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> m[random.nextInt(m.length)] = (byte) random.nextInt(256);
            case 2 -> m = Arrays.copyOf(m, 8 + random.nextInt(Math.max(1, m.length - 8)));
            case 3 -> {
                m = Arrays.copyOf(m, m.length + 1 + random.nextInt(64));
                for (int i = original.length; i < m.length; i++) {
                    m[i] = (byte) random.nextInt(256);
                }
            }
            case 4 -> {
                // a 16-bit length field somewhere (entry length, match length, OXS length) set to a random value
                int i = 8 + random.nextInt(Math.max(1, m.length - 9));
                int v = random.nextInt(4) == 0 ? 0 : random.nextInt(0x10000);
                if (i + 1 < m.length) {
                    m[i] = (byte) (v >>> 8);
                    m[i + 1] = (byte) v;
                }
            }
            case 5 -> m[0] = (byte) (1 + random.nextInt(6));
            case 6 -> {
                // small change to a length field: off by a few bytes
                int i = 8 + random.nextInt(Math.max(1, m.length - 9));
                if (i + 1 < m.length) {
                    int v = (((m[i] & 0xff) << 8) | (m[i + 1] & 0xff)) + random.nextInt(17) - 8;
                    m[i] = (byte) (v >>> 8);
                    m[i + 1] = (byte) v;
                }
            }
            default -> {
                for (int k = 1 + random.nextInt(16); k > 0; k--) {
                    m[random.nextInt(m.length)] = (byte) random.nextInt(256);
                }
            }
        }
        if (m.length >= 4 && random.nextInt(10) != 0) {
            m[2] = (byte) (m.length >>> 8);
            m[3] = (byte) m.length;
        }
        return m;
    }
}
