/*
 * Highway remap protocol, ABI 1.3 as in the code at 49425ff, one direction X -> Y of one link
 * (docs/remap-model.md explains what is modelled, what is abstracted away, and where the model
 * differs from the code).
 *
 * Frames are (kind, seq). X sends data frames 1..N. Before the bypass they travel
 * X --oldTx--> OVS --oldRx--> Y; while bypassed they travel X --link--> Y. Y asserts that what
 * it delivers is strictly increasing (no reordering, no duplication) and that every frame it
 * skips was dropped and counted or is still on the link (where only a counted drop can take it:
 * delivering it later breaks the order); X asserts that it publishes on a link its receiver has
 * left only after the receiver released receiverGone (X then counts the frame when it leaves; a
 * frame nobody reads or counts is a silent loss). The LTL property `delivered` says that
 * every frame is eventually delivered or dropped-and-counted (progress under weak fairness).
 *
 * Compile-time switches (spin -D...):
 *   STALL_X / STALL_Y   that guest may stop responding for ever at any point
 *   PAUSE_X / PAUSE_Y   that guest may stop at any point and resume later (MAXPAUSE times)
 *   MOVE_ON             after a forced revert's grace the agent asks Y for another link
 *   FORCE_ANYTIME       the agent may force the revert at any time (an agent that stops)
 *   UNOBSERVED_OLD_READ seeded bug (the ABI 1.3 code before 49425ff): ON_LINK / WAITING_FENCE
 *                       read the old RX ring without looking at it before the request word
 *   OLD_UNOBSERVED      the code at 49425ff: OLD bursts read the old RX ring without looking at
 *                       it before the request word, and a FENCE_IN found there is the awaited
 *                       one (fails: see remap-model.md, Findings 4; without it OLD and DONE
 *                       bursts observe first, the one change the model makes to the code)
 *   DROP_CAUSE          asserts that SEEKING_FENCE's grace drops frames only when OVS dropped
 *                       or delays a FENCE_IN copy
 *   WITNESS             asserts that three scenarios never happen, so that SPIN shows they do: a
 *                       late link frame delivered; SEEKING_FENCE finding FENCE_IN and draining
 *                       the link; the grace dropping link frames (spin-check expects all three)
 *   PROGRESS            set by spin-check for the LTL check (a fair fence-repeat clock)
 *   DROPS               how many FENCE frames OVS may drop (default 1)
 *   N                   data frames (default 3)
 *   MAXPAUSE            pauses per pausing guest (default 1)
 */

#ifndef N
#define N 3
#endif
#ifndef DROPS
#define DROPS 1
#endif
#ifndef MAXPAUSE
#define MAXPAUSE 1
#endif

#define G       1       /* usable: the link's generation */
#define FORCED  2       /* usable: the agent forced the revert (0: never usable, a rollback) */

mtype = { DATA, FENCE_IN, FENCE_OUT };  /* FENCE_IN: on the old ring when bypassing; FENCE_OUT: on the link ring when reverting */
mtype = { NONE, ATTACH, DETACH };       /* the request word of both ports */

chan oldTx = [2] of { mtype, byte };    /* X's ring port TX ring (X -> OVS) */
chan oldRx = [2] of { mtype, byte };    /* Y's ring port RX ring (OVS -> Y) */
chan link  = [2] of { mtype, byte };    /* the link ring X -> Y */

/* Shared words. Writers: req, movedOn, usable by the agent; mappedX, senderLeft by X; mappedY,
   fenceAck, revertReady, revertAck, receiverGone by Y. */
mtype req = NONE;
bool movedOn;           /* Y's request word names another link (the agent gave up on this one) */
bool mappedX, mappedY;
byte usable;            /* 0, G or FORCED */
bool fenceAck;          /* Y saw FENCE_IN on the old ring: X may stop repeating it */
bool revertReady;       /* Y stopped reading its old RX ring until it drains the link */
bool revertAck;         /* Y saw FENCE_OUT on the link ring */
bool senderLeft;        /* X left the link: all its link frames are published */
bool receiverGone;      /* Y gave up on the forced link (abandon): what X published there is X's to count */
bool xFencing;          /* X is in FENCING/ON_LINK/REVERTING without the fence acknowledged (its local state, for the clock) */
bool repeatDue;         /* X's repeat interval for FENCE_IN has passed */

/* The model's own bookkeeping (not shared words of the protocol). */
bool pausedX, pausedY, stalledX, stalledY;
byte pausesX, pausesY;
bool yLeftLink;         /* Y will never read the link again */
byte drops;             /* FENCE frames OVS dropped */
byte expect = 1;        /* one more than the last sequence number Y delivered */
byte skipped;           /* bit s: frame s was passed over by a later delivery */
byte dropped;           /* bit s: frame s was dropped and counted (forcedDropped, either side) */
byte accounted;         /* frames delivered or dropped-and-counted */
#ifdef WITNESS
byte late;              /* the first frame X published on the link after usable became FORCED */
bool seekFound;         /* Y found FENCE_IN in SEEKING_FENCE */
#endif

#ifdef PROGRESS
#define REPEAT_DUE repeatDue
#define REPEAT_WAIT (!repeatDue || nempty(oldTx))
#else
#define REPEAT_DUE true
#define REPEAT_WAIT true
#endif

#define STOPPED (pausedX || pausedY || stalledX || stalledY)
#ifdef FORCE_ANYTIME
#define DEADLINE true
#else
#define DEADLINE STOPPED    /* deadlines are longer than a responsive guest's reaction */
#endif

ltl delivered { <> (accounted == N) }

active proctype Agent() {
    req = ATTACH;
    if
    :: mappedX && mappedY -> usable = G
    :: req = DETACH; goto done      /* map deadline, a revert asked, or a standby link dropped (both ends may have mapped): roll back */
    fi;
    /* USABLE: ACTIVE once Y acknowledged the fence. */
    if
    :: fenceAck
    :: DEADLINE -> goto force                                     /* fence deadline */
    fi;
    if
    :: goto done                                                  /* the link stays bypassed */
    :: req = DETACH                                               /* REVERTING */
    fi;
    if
    :: revertAck && !mappedX && !mappedY -> goto done             /* REVERTED */
    :: DEADLINE -> goto force                                     /* revert deadline */
    fi;
force:
    req = DETACH;                                                 /* DETACH is published before usable changes */
    usable = FORCED;
#ifdef MOVE_ON
    /* FORCING: the grace passes (a guest is stopped; X, if it still has to leave, is that guest)
       and the link closes as FORCED; then the agent puts Y's port on another link. */
    if
    :: atomic { STOPPED && (pausedX || stalledX || senderLeft) -> movedOn = true }
    :: skip
    fi;
#endif
done:
    skip
}

/* ------------------------------------------------------------------ counted drops (either side) */

inline drop(s) {
    assert(s >= expect || ((skipped >> s) & 1));          /* never delivered */
    assert(((dropped >> s) & 1) == 0);
    dropped = dropped | (1 << s);
    accounted++
}

/* ------------------------------------------------------------------ X, the sender */

#define X_OLD       0
#define X_MAPPED    1
#define X_FENCING   2
#define X_ONLINK    3
#define X_REVERTING 4
#define X_DONE      5

#define X_LINKPHASE (phase == X_FENCING || phase == X_ONLINK || phase == X_REVERTING)

/* The sender's slow path would change something (else a burst only sends). */
#define X_WORK ((phase == X_MAPPED && (req != ATTACH || usable == G)) \
             || (X_LINKPHASE && (usable != G || (!acked && (fenceAck || (REPEAT_DUE && empty(oldTx)))) \
                                 || (req != ATTACH && phase != X_REVERTING) \
                                 || (phase == X_REVERTING && acked && revertReady))))

/* A forced sender whose receiver gave up on the link counts what the receiver never consumed
   (produced - consumed of its link ring); nobody reads the link any more, so the model takes them off. */
inline senderCount() {
    if
    :: receiverGone ->
        do
        :: nempty(link) -> link?kind, seq;
           if
           :: kind == DATA -> drop(seq)
           :: else -> skip
           fi
        :: empty(link) -> break
        od
    :: else -> skip
    fi
}

inline leaveLink() {
    phase = X_DONE;
    senderLeft = true;      /* after every frame it published on the link (earlier steps) */
    mappedX = false;
    xFencing = false; repeatDue = false
}

active proctype X() {
    mtype kind; byte seq;
    byte next = 1;
    byte phase = X_OLD;
    byte via = 0;           /* the ring this burst took: 0 none, 1 old TX ring, 2 link */
    bool acked = false;     /* X read fenceAck */
end_x:
    do
    :: atomic { !pausedX && phase == X_OLD && req == ATTACH && !mappedX -> mappedX = true; phase = X_MAPPED }
    /* One burst, first step: the slow path (stepSender) and the choice of ring. */
    :: atomic { !pausedX && via == 0 && (next <= N || X_WORK) ->
        if
        :: phase == X_MAPPED ->
            if
            :: req != ATTACH -> leaveLink()                       /* rollback: nothing went on the link */
            :: req == ATTACH && usable == G && nfull(oldTx) -> oldTx!FENCE_IN, 0; phase = X_FENCING; xFencing = true
            :: req == ATTACH && (usable != G || full(oldTx)) -> skip
            fi
        :: X_LINKPHASE && usable != G ->                         /* forced: no FENCE_OUT */
            senderCount();                                       /* sender count */
            leaveLink()
        :: X_LINKPHASE && usable == G ->
            if
            :: !acked && fenceAck -> acked = true; xFencing = false; repeatDue = false
            :: !acked && !fenceAck && REPEAT_DUE && empty(oldTx) -> oldTx!FENCE_IN, 0; repeatDue = false /* repeat */
            :: !acked && !fenceAck && REPEAT_WAIT -> skip         /* the repeat interval has not passed */
            :: acked -> skip
            fi;
            if
            :: req == ATTACH && acked -> phase = X_ONLINK
            :: req == ATTACH && !acked -> phase = X_FENCING
            :: req != ATTACH && acked && revertReady && nfull(link) -> link!FENCE_OUT, 0; leaveLink()
            :: req != ATTACH && (!acked || !revertReady || full(link)) -> phase = X_REVERTING
            fi
        :: else -> skip
        fi;
        if
        :: next <= N && X_LINKPHASE -> via = 2
        :: next <= N && !X_LINKPHASE -> via = 1
        :: else -> skip
        fi }
    /* Second step: publish on the ring taken. In between X may be stopped for any time (the
       fast path checks only the request word, never usable). */
    :: atomic { !pausedX && via == 1 && nfull(oldTx) -> oldTx!DATA, next; next++; via = 0 }
    :: atomic { !pausedX && via == 2 ->
        if
        :: nfull(link) -> assert(!yLeftLink || receiverGone); link!DATA, next;   /* X will count it */
#ifdef WITNESS
           if
           :: usable == FORCED && late == 0 -> late = next        /* published after the revert was forced */
           :: else -> skip
           fi;
#endif
           next++
        :: full(link) -> skip                                     /* nothing sent; the next burst retries */
        fi;
        via = 0 }
#ifdef PAUSE_X
    :: !pausedX && pausesX < MAXPAUSE -> pausedX = true; pausesX++
    :: pausedX -> pausedX = false
#endif
#ifdef STALL_X
    :: !pausedX -> stalledX = true; goto end_dead
#endif
    od;
end_dead:
    false
}

#ifdef PROGRESS
/* X's fence repeat interval passes some time after each copy; a process of its own, so that weak
   fairness makes it pass (safety checks leave the choice to X, which is the same set of runs). */
active proctype RepeatClock() {
end_clock:
    do
    :: atomic { !repeatDue && xFencing -> repeatDue = true }
    od
}
#endif

/* ------------------------------------------------------------------ OVS */

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

/* ------------------------------------------------------------------ Y, the receiver */

#define Y_OLD       0
#define Y_WAITING   1   /* WAITING_FENCE */
#define Y_SEEKING   2   /* SEEKING_FENCE */
#define Y_ONLINK    3
#define Y_DRAINING  4
#define Y_RELEASING 5
#define Y_DONE      6

/* Burst modes: where the current burst of Y is. */
#define B_NONE      0   /* no burst */
#define B_SLOW      1   /* next: request word, slow path (stepReceiver), choice of receive calls */
#define B_OLD       2   /* one receive call on the old RX ring (up to `lim` frames), then `after` */
#define B_LINK1     3   /* one receive call on the link: frames, else `after` */
#define B_OBS       4   /* next: observe the old RX ring (ON_LINK, forced DRAINING, SEEKING_FENCE) */
#define B_RELOAD    5   /* ON_LINK: observed; next: load the request word again */
#define B_DLEFT     6   /* forced DRAINING: observed; next: senderLeft */
#define B_SLEFT     7   /* SEEKING_FENCE: observed; next: senderLeft */

#define A_END       0
#define A_LINK      1   /* ON_LINK, old ring first: nothing kept -> the link */
#define A_OLD       2   /* UNOBSERVED_OLD_READ, ON_LINK: link empty -> the old ring */
#define A_GRACE     3   /* SEEKING_FENCE after the sender left: nothing kept -> the grace may end */
#define A_WAIT      4   /* forced DRAINING: link empty -> leave if the sender left, else old ring */
#define A_OBS       5   /* ON_LINK, link first: link empty -> observe, load again, the old ring */

/* Which bursts observe the old RX ring before they load the request word (receive's first lines),
   and so take only observed frames (receiveObserved) in that phase. */
#ifdef UNOBSERVED_OLD_READ
#define OBSERVES_WAITING false
#else
#define OBSERVES_WAITING true
#endif
#ifdef OLD_UNOBSERVED
#define OBSERVES_OLD false
#else
#define OBSERVES_OLD true
#endif
#define OBSERVES_AT_START ((phase == Y_WAITING && OBSERVES_WAITING) \
                           || ((phase == Y_OLD || phase == Y_DONE) && OBSERVES_OLD))

/* A burst in OLD that begins before the port maps the link may see it mapped before its receive
   call (safety checks; for progress such idle bursts would be a cycle weak fairness allows). */
#ifdef PROGRESS
#define IDLE_OLD false
#else
#define IDLE_OLD (phase == Y_OLD && !session && req == ATTACH && !movedOn)
#endif

#define REVERT (req != ATTACH || movedOn)
#define ALL 255

#define Y_CAN_BURST (nempty(oldRx) \
    || IDLE_OLD \
    || (phase == Y_OLD && session) \
    || (phase == Y_WAITING && REVERT && usable != G) \
    || (phase == Y_ONLINK && (REVERT || nempty(link))) \
    || (phase == Y_DRAINING && (nempty(link) || usable != G)) \
    || phase == Y_SEEKING \
    || phase == Y_RELEASING)

inline deliver(s) {
#ifdef WITNESS
    assert(late == 0 || s != late);                     /* witness: a late link frame is never delivered */
    assert(!seekFound || phase != Y_DRAINING);          /* witness: SEEKING_FENCE never finds FENCE_IN, then drains */
#endif
    assert(s >= expect);                                  /* no reordering, no duplication */
    i = expect;
    do
    :: i < s -> assert(((dropped >> i) & 1) || (!yLeftLink && link??[DATA, eval(i)]));   /* no silent loss */
                skipped = skipped | (1 << i); i++
    :: else -> break
    od;
    assert(((dropped >> s) & 1) == 0);
    expect = s + 1;
    accounted++
}

/* One frame from the old RX ring; FENCE frames are consumed there, never delivered. */
inline oldFrame() {
    oldRx?kind, seq;
    if
    :: kind == DATA -> assert(phase != Y_ONLINK && phase != Y_DRAINING); deliver(seq); kept++
    :: kind == FENCE_IN && (phase == Y_WAITING || (phase == Y_OLD && session)) ->
       fenceAck = true; phase = Y_ONLINK                  /* awaited; in OLD: the port mapped the link since the burst began */
    :: kind == FENCE_IN && phase == Y_SEEKING -> fenceAck = true; phase = Y_DRAINING;
#ifdef WITNESS
       seekFound = true
#endif
    :: else -> skip                                       /* a repeated or stale fence */
    fi
}

inline linkFrame() {
    link?kind, seq;
    if
    :: kind == DATA -> deliver(seq); kept++
    :: kind == FENCE_OUT -> assert(phase == Y_DRAINING); revertAck = true; phase = Y_RELEASING; yLeftLink = true
    fi
}

/* Leave a forced link without waiting for the sender: what is on it is dropped and counted. */
inline abandon() {
    do
    :: nempty(link) -> link?kind, seq;
       if
       :: kind == DATA -> drop(seq)
       :: else -> skip
       fi
    :: empty(link) -> break
    od;
    receiverGone = true;    /* after the drain: what X publishes from now on is X's to count */
    phase = Y_RELEASING; yLeftLink = true
}

inline endBurst() {
    mode = B_NONE; after = A_END; lim = 0; kept = 0; left = false; plain = false
}

/* One receive call on the old RX ring: 1..lim of the frames the ring's last observe saw (none if
   none). A plain receive (not receiveObserved) observes first when those are used up. */
inline oldCall() {
    took = false;
    if
    :: plain && cached == 0 -> cached = len(oldRx)
    :: else -> skip
    fi;
    do
    :: lim > 0 && cached > 0 -> oldFrame(); cached--; lim--; took = true
    :: took || lim == 0 || cached == 0 -> break
    od
}

/* One receive call on the link: one or more of its frames (FENCE_OUT ends the link). */
inline linkCall() {
    took = false;
    do
    :: nempty(link) && phase != Y_RELEASING -> linkFrame(); took = true
    :: took -> break
    od
}

active proctype Y() {
    mtype kind; byte seq, i;
    byte phase = Y_OLD;
    bool session = false;   /* the port mapped the link (either of its threads) */
    bool forced = false;    /* rxForced */
    byte mode = B_NONE, after = A_END;
    byte cached = 0;        /* frames in the old RX ring up to the tail its last observe saw (cachedTail) */
    bool plain = false;     /* this receive call is a plain receive (observes when `cached` is used up) */
    byte lim = 0;           /* frames this call may still take from the old ring */
    byte kept = 0;          /* data frames delivered in this burst */
    bool left = false;      /* senderLeft as read in this burst */
    bool took;              /* scratch: this receive call took a frame */
end_y:
    do
    :: atomic { !pausedY && req == ATTACH && !movedOn && phase == Y_OLD && !session && !mappedY ->
        session = true; mappedY = true }
    /* A burst: (observe the old RX ring,) load the request word and run the slow path, then receive. */
    :: atomic { !pausedY && mode == B_NONE && Y_CAN_BURST ->
        if
        :: OBSERVES_AT_START -> cached = len(oldRx)
        :: else -> skip
        fi;
        mode = B_SLOW }
    :: atomic { !pausedY && mode == B_SLOW ->
        if
        :: phase == Y_OLD && session -> phase = Y_WAITING               /* the link is mapped */
        :: else -> skip
        fi;
        if
        :: phase == Y_WAITING && REVERT && usable == FORCED -> phase = Y_SEEKING; forced = true
        :: phase == Y_WAITING && REVERT && usable == 0 -> phase = Y_DONE; mappedY = false; yLeftLink = true /* rollback */
        :: phase == Y_ONLINK && REVERT -> phase = Y_DRAINING; revertReady = true
        :: phase == Y_DRAINING ->
            forced = (usable != G);
            if
            :: forced && movedOn -> abandon()
            :: else -> skip
            fi
        :: phase == Y_SEEKING && movedOn -> abandon()
        :: else -> skip
        fi;
        lim = ALL;
        if
        :: phase == Y_ONLINK -> /* the link first; every 64th burst the old ring first */
#ifdef UNOBSERVED_OLD_READ
            plain = true;
            if
            :: mode = B_LINK1; after = A_OLD
            :: mode = B_OLD; after = A_LINK
            fi
#else
            if
            :: mode = B_LINK1; after = A_OBS
            :: mode = B_OBS; after = A_LINK
            fi
#endif
        :: phase == Y_DRAINING && !forced -> mode = B_LINK1; after = A_END /* the link only, up to FENCE_OUT */
        :: phase == Y_DRAINING && forced -> mode = B_OBS
        :: phase == Y_SEEKING -> mode = B_OBS
        :: phase == Y_RELEASING -> phase = Y_DONE; mappedY = false; mode = B_OLD; plain = true
        :: phase == Y_WAITING -> mode = B_OLD; plain = !OBSERVES_WAITING
        :: else -> mode = B_OLD; plain = !OBSERVES_OLD                  /* OLD, DONE */
        fi }
    :: atomic { !pausedY && mode == B_OBS -> cached = len(oldRx);       /* observe */
        if
        :: phase == Y_ONLINK -> mode = B_RELOAD
        :: phase == Y_DRAINING -> mode = B_DLEFT
        :: phase == Y_SEEKING -> mode = B_SLEFT
        fi }
    :: atomic { !pausedY && mode == B_RELOAD ->
        if
        :: !REVERT -> mode = B_OLD; plain = false                       /* the word this burst acted on */
        :: REVERT && after == A_LINK -> mode = B_LINK1; after = A_END   /* changed: the old ring is left alone */
        :: REVERT && after != A_LINK -> endBurst()
        fi }
    :: atomic { !pausedY && mode == B_DLEFT -> left = senderLeft; mode = B_LINK1; after = A_WAIT }
    :: atomic { !pausedY && mode == B_SLEFT -> left = senderLeft; plain = false;
        if
        :: left && empty(link) -> phase = Y_RELEASING; yLeftLink = true; mode = B_OLD
        :: left && nempty(link) -> mode = B_OLD; lim = 1; after = A_GRACE
        :: !left -> mode = B_OLD; after = A_GRACE
        fi }
    /* Receive calls: one step each, taking any number of frames (at least one if there are any). */
    :: atomic { !pausedY && mode == B_OLD -> oldCall();
        if
        :: after == A_LINK && kept == 0 -> mode = B_LINK1; after = A_END
        :: after == A_GRACE && kept == 0 && left && phase == Y_SEEKING ->
            /* no FENCE_IN within the grace: OVS dropped every copy */
            if
            :: true ->
#ifdef DROP_CAUSE
                /* the grace ends only because OVS dropped a copy, or delays one beyond the grace */
                assert(drops > 0 || oldTx??[FENCE_IN, 0] || oldRx??[FENCE_IN, 0]);
#endif
#ifdef WITNESS
                assert(empty(link));                            /* witness: the grace never drops a link frame */
#endif
                abandon()
            :: oldTx??[FENCE_IN, 0] || oldRx??[FENCE_IN, 0] -> skip   /* a copy may still arrive in time */
            fi;
            endBurst()
        :: else -> endBurst()
        fi }
    :: atomic { !pausedY && mode == B_LINK1 ->
        if
        :: nempty(link) -> linkCall(); endBurst()
        :: empty(link) && after == A_OLD -> mode = B_OLD; after = A_END
        :: empty(link) && after == A_OBS -> mode = B_OBS; after = A_END
        :: empty(link) && after == A_WAIT && left -> phase = Y_RELEASING; yLeftLink = true; endBurst() /* sender left */
        :: empty(link) && after == A_WAIT && !left -> mode = B_OLD; plain = false; after = A_END /* observed only */
        :: empty(link) && after != A_OLD && after != A_OBS && after != A_WAIT -> endBurst()
        fi }
#ifdef PAUSE_Y
    :: !pausedY && pausesY < MAXPAUSE -> pausedY = true; pausesY++
    :: pausedY -> pausedY = false
#endif
#ifdef STALL_Y
    :: !pausedY -> stalledY = true; goto end_dead
#endif
    od;
end_dead:
    false
}
