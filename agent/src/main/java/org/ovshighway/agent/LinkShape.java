package org.ovshighway.agent;

/**
 * Which directions between two ring ports A and B (A's name sorts first) run on a link. The
 * remapper's links are one-way (end0 → end1) or two-way.
 */
enum LinkShape {
    /** No link: both directions go through OVS. */
    NONE,
    /** A → B on a link, B → A through OVS. */
    A_TO_B,
    /** B → A on a link, A → B through OVS. */
    B_TO_A,
    /** Both directions on one two-way link. */
    BOTH;

    static LinkShape of(boolean aToB, boolean bToA) {
        return aToB ? (bToA ? BOTH : A_TO_B) : (bToA ? B_TO_A : NONE);
    }

    boolean aToB() {
        return this == A_TO_B || this == BOTH;
    }

    boolean bToA() {
        return this == B_TO_A || this == BOTH;
    }
}
