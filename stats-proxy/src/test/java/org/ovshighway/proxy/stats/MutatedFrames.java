package org.ovshighway.proxy.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;

/** Seeded mutations of whole frames (header kept) for the FLOW_MOD decoders' never-throw tests. */
final class MutatedFrames {
    private MutatedFrames() {
    }

    /**
     * Runs {@code decodes} over {@code count} frames, each a copy of one of {@code seeds} in turn
     * with one to four bytes after the header set at random; checks that no frame was consumed and
     * returns on how many {@code decodes} said true.
     */
    static int decoded(List<ByteBuf> seeds, long seed, int count, Predicate<ByteBuf> decodes) {
        Random random = new Random(seed);
        int decoded = 0;
        for (int i = 0; i < count; i++) {
            ByteBuf original = seeds.get(i % seeds.size());
            byte[] b = new byte[original.readableBytes()];
            original.getBytes(0, b);
            for (int m = 1 + random.nextInt(4); m > 0; m--) {
                b[8 + random.nextInt(b.length - 8)] = (byte) random.nextInt(256);
            }
            ByteBuf mutated = Unpooled.wrappedBuffer(b);
            if (decodes.test(mutated)) {
                decoded++;
            }
            assertEquals(0, mutated.readerIndex(), "the frame is not consumed");
        }
        return decoded;
    }
}
