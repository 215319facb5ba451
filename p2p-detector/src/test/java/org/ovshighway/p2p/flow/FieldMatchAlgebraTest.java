package org.ovshighway.p2p.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * overlaps, covers and intersect of two-byte constraints against brute force over all 65,536
 * values. The detector and its reference both rely on this algebra, so it is checked on its own.
 */
class FieldMatchAlgebraTest {

    private static final int VALUES = 1 << 16;

    @Property(tries = 300)
    void algebraAgreesWithBruteForce(@ForAll("constraints") FieldMatch a, @ForAll("constraints") FieldMatch b) {
        boolean anyBoth = false;
        boolean bImpliesA = true;
        FieldMatch both = a.overlaps(b) ? a.intersect(b) : null;
        for (int v = 0; v < VALUES; v++) {
            boolean inA = admits(a, v);
            boolean inB = admits(b, v);
            anyBoth |= inA && inB;
            bImpliesA &= !inB || inA;
            if (both != null) {
                assertEquals(inA && inB, admits(both, v), () -> "intersect " + a + " " + b);
            }
        }
        assertEquals(anyBoth, a.overlaps(b), () -> "overlaps " + a + " " + b);
        assertEquals(bImpliesA, a.covers(b), () -> "covers " + a + " " + b);
    }

    private static boolean admits(FieldMatch c, int v) {
        int value = (int) c.valueAsLong();
        int mask = c.isExact() ? 0xffff : (c.mask()[0] & 0xff) << 8 | (c.mask()[1] & 0xff);
        return (v & mask) == value;
    }

    @Provide
    Arbitrary<FieldMatch> constraints() {
        // Values and masks biased to the high bit and to a few patterns, so that overlaps really happen.
        Arbitrary<Integer> word = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.of(0x0000, 0xffff, 0x8000, 0xff00, 0x00ff, 0x80ff, 0xf0f0, 0x0080)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 0xffff)));
        return Combinators.combine(word, word, Arbitraries.of(true, false))
                .as((value, mask, exact) -> exact
                        ? FieldMatch.exact(FieldId.TCP_DST, value, 2)
                        : FieldMatch.masked(FieldId.TCP_DST, value, mask, 2));
    }
}
