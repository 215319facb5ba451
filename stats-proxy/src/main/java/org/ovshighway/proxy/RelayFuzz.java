package org.ovshighway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * Seeded mutation fuzzing of the relay's real pipeline (frame splitter, relay handler, relayed
 * connection with holds) on in-memory channels. Each case sends a stream of OpenFlow frames from
 * one side, possibly mutated (bit flips, bad or huge length fields, truncation, inserted garbage,
 * duplicated ranges), in random chunks, with random holds of FLOW_MODs, and checks it against a
 * plain reference cut of the same bytes:
 * <ul>
 *   <li>the other side receives exactly the complete frames before the first header with
 *       {@code length < 8}, byte for byte, one buffer per frame, in order;</li>
 *   <li>a bad header closes both sides; a clean stream leaves them open unless the peer closed;</li>
 *   <li>no exception escapes the pipeline and every received buffer is released.</li>
 * </ul>
 */
public final class RelayFuzz {

    private static final int MAX_FRAMES_PER_CASE = 32;

    /**
     * The outcome of a run. {@code firstFailure} is empty when nothing failed, else it names the
     * case seed that reproduces the first failure.
     */
    public record Report(long seed, long messages, long cases, long crashes, long mismatches, long leaks,
                         long malformedCloses, long holds, long mutatedCases, String firstFailure) {

        public boolean passed() {
            return crashes == 0 && mismatches == 0 && leaks == 0;
        }

        public String resultLine() {
            return "RESULT fuzz-proxy messages=" + messages + " crashes=" + crashes + " mismatches=" + mismatches
                    + " leaks=" + leaks + " cases=" + cases + " mutated_cases=" + mutatedCases
                    + " malformed_closes=" + malformedCloses + " holds=" + holds + " seed=" + seed;
        }
    }

    private final SplittableRandom random;
    private long messages;
    private long cases;
    private long crashes;
    private long mismatches;
    private long leaks;
    private long malformedCloses;
    private long holds;
    private long mutatedCases;
    private String firstFailure = "";

    private RelayFuzz(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Runs cases until at least {@code messageCount} frames were generated. */
    public static Report run(long seed, long messageCount) {
        RelayFuzz fuzz = new RelayFuzz(seed);
        while (fuzz.messages < messageCount) {
            long caseSeed = fuzz.random.nextLong();
            fuzz.runCase(caseSeed);
        }
        return new Report(seed, fuzz.messages, fuzz.cases, fuzz.crashes, fuzz.mismatches, fuzz.leaks,
                fuzz.malformedCloses, fuzz.holds, fuzz.mutatedCases, fuzz.firstFailure);
    }

    /** Runs the single case {@code caseSeed} names; for reproducing a failure. */
    public static Report runOne(long caseSeed) {
        RelayFuzz fuzz = new RelayFuzz(caseSeed);
        fuzz.runCase(caseSeed);
        return new Report(caseSeed, fuzz.messages, fuzz.cases, fuzz.crashes, fuzz.mismatches, fuzz.leaks,
                fuzz.malformedCloses, fuzz.holds, fuzz.mutatedCases, fuzz.firstFailure);
    }

    private void runCase(long caseSeed) {
        cases++;
        SplittableRandom rnd = new SplittableRandom(caseSeed);
        Side from = rnd.nextBoolean() ? Side.SWITCH : Side.CONTROLLER;
        int frameCount = 1 + rnd.nextInt(MAX_FRAMES_PER_CASE);
        messages += frameCount;
        byte[] stream = frames(rnd, frameCount);
        if (rnd.nextInt(2) == 0) {
            stream = mutate(rnd, stream);
            mutatedCases++;
        }
        boolean peerCloses = rnd.nextInt(3) == 0;

        List<CompletableFuture<Void>> pending = new ArrayList<>();
        boolean holdSome = rnd.nextInt(3) == 0;
        long holdSeed = rnd.nextLong();
        SplittableRandom holdRandom = new SplittableRandom(holdSeed);
        HoldDecider decider = (name, frame) -> {
            if (holdSome && frame.getUnsignedByte(frame.readerIndex() + 1) == 14 && holdRandom.nextInt(2) == 0) {
                CompletableFuture<Void> f = new CompletableFuture<>();
                pending.add(f);
                return f;
            }
            return null;
        };
        RelayMetrics metrics = new RelayMetrics();
        RelayPolicy policy = new RelayPolicy(decider, n -> StatsRewriter.NONE, Duration.ofHours(1), metrics);
        RelayedConnection connection = new RelayedConnection("fuzz-" + Long.toHexString(caseSeed), policy);
        EmbeddedChannel sw = new EmbeddedChannel(new OpenFlowFrameSplitter(), new RelayHandler(Side.SWITCH, connection));
        EmbeddedChannel ctrl = new EmbeddedChannel(new OpenFlowFrameSplitter(), new RelayHandler(Side.CONTROLLER, connection));
        EmbeddedChannel in = from == Side.SWITCH ? sw : ctrl;
        EmbeddedChannel out = from == Side.SWITCH ? ctrl : sw;
        List<ByteBuf> sent = new ArrayList<>();
        List<ByteBuf> received = new ArrayList<>();
        try {
            connection.start(sw, ctrl);
            int offset = 0;
            while (offset < stream.length && in.isOpen()) {
                int chunk = Math.min(stream.length - offset, chunkSize(rnd));
                ByteBuf buf = Unpooled.copiedBuffer(stream, offset, chunk);
                sent.add(buf);
                in.writeInbound(buf);
                offset += chunk;
                drain(out, received);
            }
            if (peerCloses && in.isOpen()) {
                in.close();
            }
            // Complete every hold, including holds that releasing the earlier ones starts.
            for (int i = 0; i < pending.size(); i++) {
                pending.get(i).complete(null);
                ctrl.runPendingTasks();
                sw.runPendingTasks();
                drain(out, received);
            }
            sw.runPendingTasks();
            ctrl.runPendingTasks();
            drain(out, received);
            holds += metrics.holds();
            malformedCloses += metrics.malformedCloses();

            Reference expected = Reference.cut(stream);
            String problem = compare(expected, received);
            if (problem == null) {
                boolean shouldBeOpen = !expected.bad() && !peerCloses;
                if (in.isActive() != shouldBeOpen || out.isActive() != shouldBeOpen) {
                    problem = "open state wrong: bad=" + expected.bad() + " peerCloses=" + peerCloses
                            + " inActive=" + in.isActive() + " outActive=" + out.isActive();
                } else if (expected.bad() != (metrics.malformedCloses() == 1)) {
                    problem = "malformed close not counted: bad=" + expected.bad() + " counted=" + metrics.malformedCloses();
                }
            }
            if (problem != null) {
                mismatches++;
                fail(caseSeed, from, problem);
            }
        } catch (Throwable t) {
            crashes++;
            fail(caseSeed, from, "exception=" + t);
        } finally {
            for (ByteBuf buf : received) {
                buf.release();
            }
            sw.finishAndReleaseAll();
            ctrl.finishAndReleaseAll();
        }
        for (ByteBuf buf : sent) {
            if (buf.refCnt() != 0) {
                leaks++;
                fail(caseSeed, from, "leak refCnt=" + buf.refCnt());
                while (buf.refCnt() > 0) {
                    buf.release();
                }
            }
        }
    }

    private void fail(long caseSeed, Side from, String problem) {
        if (firstFailure.isEmpty()) {
            firstFailure = "caseSeed=" + caseSeed + " from=" + from + " " + problem;
        }
    }

    private static void drain(EmbeddedChannel out, List<ByteBuf> received) {
        Object msg;
        while ((msg = out.readOutbound()) != null) {
            ByteBuf buf = (ByteBuf) msg;
            if (buf.isReadable()) {
                received.add(buf);
            } else {
                buf.release();
            }
        }
    }

    private static String compare(Reference expected, List<ByteBuf> received) {
        if (received.size() != expected.frames().size()) {
            return "frame count differs: expected=" + expected.frames().size() + " received=" + received.size()
                    + " bad=" + expected.bad();
        }
        for (int i = 0; i < received.size(); i++) {
            byte[] got = ByteBufUtil.getBytes(received.get(i));
            if (!Arrays.equals(got, expected.frames().get(i))) {
                return "frame differs: index=" + i + " expectedLength=" + expected.frames().get(i).length
                        + " receivedLength=" + got.length;
            }
        }
        return null;
    }

    private static int chunkSize(SplittableRandom rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> 1 + rnd.nextInt(8);
            case 1 -> 1 + rnd.nextInt(200);
            case 2 -> 1 + rnd.nextInt(4096);
            default -> 1 + rnd.nextInt(70_000);
        };
    }

    private static byte[] frames(SplittableRandom rnd, int count) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int[] versions = {1, 4, 5, 6};
        for (int i = 0; i < count; i++) {
            int version = rnd.nextInt(20) == 0 ? rnd.nextInt(256) : versions[rnd.nextInt(versions.length)];
            int type = rnd.nextInt(4) == 0 ? 14 : rnd.nextInt(36);
            int payload = switch (rnd.nextInt(10)) {
                case 0 -> rnd.nextInt(OpenFlowFrameSplitter.MAX_FRAME_LENGTH - 8 + 1);
                case 1, 2 -> rnd.nextInt(2000);
                default -> rnd.nextInt(120);
            };
            int length = 8 + payload;
            byte[] frame = new byte[length];
            frame[0] = (byte) version;
            frame[1] = (byte) type;
            frame[2] = (byte) (length >>> 8);
            frame[3] = (byte) length;
            int xid = rnd.nextInt();
            frame[4] = (byte) (xid >>> 24);
            frame[5] = (byte) (xid >>> 16);
            frame[6] = (byte) (xid >>> 8);
            frame[7] = (byte) xid;
            for (int b = 8; b < length; b++) {
                frame[b] = (byte) rnd.nextInt(256);
            }
            out.writeBytes(frame);
        }
        return out.toByteArray();
    }

    private static byte[] mutate(SplittableRandom rnd, byte[] stream) {
        byte[] s = stream;
        int mutations = 1 + rnd.nextInt(3);
        for (int m = 0; m < mutations && s.length > 0; m++) {
            switch (rnd.nextInt(7)) {
                case 0 -> {
                    for (int i = 1 + rnd.nextInt(8); i > 0; i--) {
                        int at = rnd.nextInt(s.length);
                        s[at] ^= (byte) (1 << rnd.nextInt(8));
                    }
                }
                case 1 -> setLengthAt(s, headerOffset(rnd, s), rnd.nextInt(8));
                case 2 -> setLengthAt(s, headerOffset(rnd, s), rnd.nextInt(0x10000));
                case 3 -> s = Arrays.copyOf(s, rnd.nextInt(s.length));
                case 4 -> {
                    int at = rnd.nextInt(s.length + 1);
                    byte[] garbage = new byte[1 + rnd.nextInt(64)];
                    for (int i = 0; i < garbage.length; i++) {
                        garbage[i] = (byte) rnd.nextInt(256);
                    }
                    byte[] next = new byte[s.length + garbage.length];
                    System.arraycopy(s, 0, next, 0, at);
                    System.arraycopy(garbage, 0, next, at, garbage.length);
                    System.arraycopy(s, at, next, at + garbage.length, s.length - at);
                    s = next;
                }
                case 5 -> {
                    int from = rnd.nextInt(s.length);
                    int len = Math.min(s.length - from, 1 + rnd.nextInt(512));
                    byte[] next = Arrays.copyOf(s, s.length + len);
                    System.arraycopy(s, from, next, s.length, len);
                    s = next;
                }
                default -> setLengthAt(s, headerOffset(rnd, s), OpenFlowFrameSplitter.MAX_FRAME_LENGTH);
            }
        }
        return s;
    }

    /** The offset of a random frame header of the (possibly already mutated) stream, by the reference cut. */
    private static int headerOffset(SplittableRandom rnd, byte[] s) {
        List<Integer> headers = new ArrayList<>();
        int at = 0;
        while (at + 8 <= s.length) {
            headers.add(at);
            int length = ((s[at + 2] & 0xFF) << 8) | (s[at + 3] & 0xFF);
            if (length < 8) {
                break;
            }
            at += length;
        }
        return headers.isEmpty() ? -1 : headers.get(rnd.nextInt(headers.size()));
    }

    private static void setLengthAt(byte[] s, int at, int length) {
        if (at >= 0 && at + 4 <= s.length) {
            s[at + 2] = (byte) (length >>> 8);
            s[at + 3] = (byte) length;
        }
    }

    /** The plain reference cut: complete frames up to the first header with length below 8. */
    private record Reference(List<byte[]> frames, boolean bad) {
        static Reference cut(byte[] s) {
            List<byte[]> frames = new ArrayList<>();
            int at = 0;
            while (s.length - at >= 8) {
                int length = ((s[at + 2] & 0xFF) << 8) | (s[at + 3] & 0xFF);
                if (length < 8) {
                    return new Reference(frames, true);
                }
                if (s.length - at < length) {
                    break;
                }
                frames.add(Arrays.copyOfRange(s, at, at + length));
                at += length;
            }
            return new Reference(frames, false);
        }
    }
}
