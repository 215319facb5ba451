package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The catch-up bookkeeping, with the monitor's barriers as futures the test completes (the real
 * monitor's barrier is tested against OVS in BridgeFlowMonitorOvsTest, the whole path in
 * AgentBypassOvsDpdkTest).
 */
class MirrorCatchUpTest {
    private final List<CompletableFuture<Void>> barriers = new ArrayList<>();
    private final AtomicInteger caughtUpCalls = new AtomicInteger();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final MirrorCatchUp catchUp = new MirrorCatchUp(() -> {
        CompletableFuture<Void> f = new CompletableFuture<>();
        barriers.add(f);
        return f;
    }, caughtUpCalls::incrementAndGet, Duration.ofMillis(20), now::get);

    @Test
    void nothingRelayedIsCaughtUp() {
        assertTrue(catchUp.mirrored());
        assertEquals(0, barriers.size());
    }

    @Test
    void appliedChangesNeedTheMonitorBarrierToo() {
        catchUp.changesPending("c1");
        assertFalse(catchUp.mirrored());
        catchUp.changesApplied("c1");
        assertFalse(catchUp.mirrored(), "applied is not yet reported by the monitor");
        assertEquals(1, barriers.size());
        barriers.get(0).complete(null);
        assertTrue(catchUp.mirrored());
        assertEquals(1, caughtUpCalls.get());
    }

    @Test
    void everyConnectionMustBeConfirmedBeforeTheMonitorBarrierIsSent() {
        catchUp.changesPending("c1");
        catchUp.changesPending("c2");
        catchUp.changesApplied("c1");
        assertEquals(0, barriers.size(), "c2 still unconfirmed");
        catchUp.changesApplied("c2");
        assertEquals(1, barriers.size());
        barriers.get(0).complete(null);
        assertTrue(catchUp.mirrored());
    }

    @Test
    void aBarrierSentBeforeANewChangeDoesNotVouchForIt() {
        catchUp.changesPending("c1");
        catchUp.changesApplied("c1");
        catchUp.changesPending("c1");
        catchUp.changesApplied("c1");
        assertEquals(2, barriers.size(), "one monitor barrier per epoch");
        barriers.get(0).complete(null);
        assertFalse(catchUp.mirrored(), "the first barrier may have been read before the second change was applied");
        assertEquals(0, caughtUpCalls.get());
        barriers.get(1).complete(null);
        assertTrue(catchUp.mirrored());
    }

    @Test
    void aFailedMonitorBarrierLeavesItToTheTimeMargin() {
        catchUp.changesPending("c1");
        catchUp.changesApplied("c1");
        barriers.get(0).completeExceptionally(new IllegalStateException("monitor resynchronising"));
        assertFalse(catchUp.mirrored());
        catchUp.changesPending("c1");
        catchUp.changesApplied("c1");
        barriers.get(1).complete(null);
        assertTrue(catchUp.mirrored(), "the next confirmed change sends a new barrier");
    }

    @Test
    void aConnectionClosedWithUnconfirmedChangesCountsOnlyAfterTheQuietTime() {
        catchUp.changesPending("c1");
        catchUp.closed("c1", true);
        assertEquals(1, barriers.size());
        barriers.get(0).complete(null);
        assertFalse(catchUp.mirrored(), "its changes may still reach the switch");
        now.addAndGet(Duration.ofMillis(20).toNanos());
        assertTrue(catchUp.mirrored());
    }

    @Test
    void aConnectionClosedCleanChangesNothing() {
        catchUp.changesPending("c1");
        catchUp.changesApplied("c1");
        barriers.get(0).complete(null);
        catchUp.closed("c1", false);
        assertTrue(catchUp.mirrored());
        assertEquals(1, barriers.size());
    }

    @Test
    void mirroredBeforeTellsWhetherTheMirrorHeldEverythingWhenTheConnectionBecamePending() {
        catchUp.changesPending("c1");
        assertTrue(catchUp.mirroredBefore("c1"), "nothing was relayed before c1's change");
        catchUp.changesApplied("c1");
        catchUp.changesPending("c1");
        assertFalse(catchUp.mirroredBefore("c1"), "the first change was applied, not yet mirrored");
        catchUp.changesApplied("c1");
        barriers.forEach(b -> b.complete(null));
        catchUp.changesPending("c1");
        assertTrue(catchUp.mirroredBefore("c1"));
        catchUp.changesPending("c2");
        assertFalse(catchUp.mirroredBefore("c1"), "c2 relayed a change since");
        assertFalse(catchUp.mirroredBefore("c2"), "c1's change was not mirrored when c2 became pending");
        assertFalse(catchUp.mirroredBefore("c3"), "c3 has nothing pending");
    }
}
