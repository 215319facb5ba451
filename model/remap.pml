/*
 * Highway remap protocol, one direction X -> Y of one link (docs/remap-model.md explains
 * what is modelled and what is abstracted away).
 *
 * Frames are (kind, seq). X sends data frames 1..N. Before the bypass they travel
 * X --oldTx--> OVS --oldRx--> Y; while bypassed they travel X --link--> Y. The receiver
 * asserts that data arrives exactly in order 1, 2, 3, ... (no loss, no reordering, no
 * duplication); the LTL property `delivered` says that, when no guest stops responding,
 * all N frames eventually arrive (progress under weak fairness).
 *
 * Compile-time switches (spin -D...):
 *   STALL_X / STALL_Y   that guest may stop responding forever at any point
 *   DROPS               how many FENCE frames OVS may drop (default 1)
 *   N                   data frames (default 3)
 */

#ifndef N
#define N 3
#endif
#ifndef DROPS
#define DROPS 1
#endif

mtype = { DATA, FENCE_IN, FENCE_OUT };  /* FENCE_IN: on the old ring when bypassing; FENCE_OUT: on the link ring when reverting */

chan oldTx = [2] of { mtype, byte };    /* X's ring port TX ring (X -> OVS) */
chan oldRx = [2] of { mtype, byte };    /* Y's ring port RX ring (OVS -> Y) */
chan link  = [2] of { mtype, byte };    /* the link ring X -> Y */

/* Shared words. Writers: attach/detach/usable/revert/force by the agent; mapped[] by the guests;
   fenceAck, revertReady, revertAck by the receiver Y. */
bool attachReq, detachReq;
bool mappedX, mappedY;
bool usable;
bool fenceAck;          /* Y saw FENCE_IN on the old ring: X may stop repeating it */
bool revertReq;         /* agent asks for the revert */
bool revertReady;       /* Y stopped reading its old RX ring until it drains the link */
bool revertAck;         /* Y saw FENCE_OUT on the link ring */
bool forced;            /* revert deadline hit: the agent gave up waiting for a guest */
bool stalledX, stalledY;

byte expect = 1;        /* next sequence number Y must see */
byte drops = 0;

ltl delivered { <> (expect == N + 1) }

active proctype AgentProc() {
    attachReq = true;
    if
    :: atomic { mappedX && mappedY -> usable = true }
    :: atomic { !(mappedX && mappedY) -> detachReq = true };   /* mapping deadline: roll back */
       goto done
    fi;
    /* ACTIVE once Y acknowledged the fence; a deadline fires only for a guest that stopped. */
    if
    :: fenceAck
    :: stalledX || stalledY -> goto teardown
    fi;
    if
    :: goto done                                               /* the link stays bypassed */
    :: revertReq = true
    fi;
    if
    :: revertAck -> usable = false; detachReq = true; goto done
    :: stalledX || stalledY -> skip                            /* revert deadline */
    fi;
teardown:
    revertReq = true; forced = true; usable = false; detachReq = true;
done:
    skip
}

active proctype X() {
    byte next = 1;
    bool onLink = false;     /* X transmits on the link ring */
    bool mapped = false;
end_x:
    do
    :: attachReq && !detachReq && !mapped -> mapped = true; mappedX = true
    :: detachReq && mapped && !onLink -> mapped = false; mappedX = false
    /* First burst after `usable`: FENCE_IN on the old ring, everything after it on the link. */
    :: atomic { !onLink && usable && !revertReq && nfull(oldTx) -> oldTx!FENCE_IN, 0; onLink = true }
    /* Repeat the fence until Y acknowledges it (OVS may have dropped it). */
    :: atomic { onLink && !fenceAck && !forced && empty(oldTx) -> oldTx!FENCE_IN, 0 }
    /* Revert once Y no longer reads its old RX ring; FENCE_OUT marks the end of the link data. */
    :: atomic { onLink && revertReady && nfull(link) -> link!FENCE_OUT, 0; onLink = false }
    :: atomic { onLink && forced -> onLink = false }
    :: atomic { next <= N && !onLink && !(usable && !revertReq) && nfull(oldTx) -> oldTx!DATA, next; next++ }
    :: atomic { next <= N && onLink && !revertReady && !forced && nfull(link) -> link!DATA, next; next++ }
#ifdef STALL_X
    :: stalledX = true -> goto end_dead
#endif
    od;
end_dead:
    false
}

active proctype OVS() {
    mtype kind; byte seq;
end_ovs:
    do
    /* OVS forwards while Y's RX ring has room (a stopped Y leaves it full: OVS would drop and count). */
    :: atomic { nempty(oldTx) && nfull(oldRx) -> oldTx?kind, seq;
       if
       :: kind == FENCE_IN && drops < DROPS -> drops++      /* the fence is lost on the way */
       :: else -> oldRx!kind, seq
       fi }
    od
}

active proctype Y() {
    mtype kind; byte seq;
    bool mapped = false;
    bool onLink = false;     /* Y reads the link ring, and its old RX ring unless reverting */
end_y:
    do
    :: attachReq && !detachReq && !mapped -> mapped = true; mappedY = true
    :: detachReq && mapped && !onLink -> mapped = false; mappedY = false
    :: !(onLink && revertReady) && nempty(oldRx) -> oldRx?kind, seq;
       if
       :: kind == DATA -> assert(!onLink); assert(seq == expect); expect++
       :: kind == FENCE_IN && mapped && !onLink && !fenceAck -> onLink = true; fenceAck = true
       :: else -> skip                                      /* a repeated or stale fence is consumed */
       fi
    :: onLink && nempty(link) -> link?kind, seq;
       if
       :: kind == DATA -> assert(seq == expect); expect++
       :: kind == FENCE_OUT -> onLink = false; revertAck = true; revertReady = false
       fi
    :: onLink && revertReq && !revertReady && !forced -> revertReady = true
    /* The sender stopped: drain what is on the link, then go back to the old ring. */
    :: atomic { onLink && forced && empty(link) -> onLink = false; revertReady = false }
#ifdef STALL_Y
    :: stalledY = true -> goto end_dead
#endif
    od;
end_dead:
    false
}
