package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WaitBudgetTest {
    private long now = 1_000;

    @Test
    void onlyTheStepsTimeIsCharged() {
        WaitBudget budget = new WaitBudget(Duration.ofSeconds(15), () -> now);
        List<Duration> given = new ArrayList<>();
        budget.spend(wait -> {
            given.add(wait);
            now += Duration.ofSeconds(2).toNanos();
        });
        now += Duration.ofSeconds(20).toNanos(); // an unplug between two deletions
        budget.spend(wait -> {
            given.add(wait);
            now += Duration.ofMillis(5).toNanos();
        });
        assertEquals(List.of(Duration.ofSeconds(15), Duration.ofSeconds(13)), given);
        assertEquals(Duration.ofSeconds(13).minusMillis(5), budget.remaining());
    }

    @Test
    void aStepThatWaitsItAllLeavesNothingForTheNext() {
        WaitBudget budget = new WaitBudget(Duration.ofSeconds(15), () -> now);
        budget.spend(wait -> now += Duration.ofSeconds(16).toNanos());
        List<Duration> given = new ArrayList<>();
        budget.spend(given::add);
        assertEquals(List.of(Duration.ZERO), given);
    }

    @Test
    void aStepThatThrowsIsChargedToo() {
        WaitBudget budget = new WaitBudget(Duration.ofSeconds(15), () -> now);
        assertThrows(IllegalStateException.class, () -> budget.spend(wait -> {
            now += Duration.ofSeconds(4).toNanos();
            throw new IllegalStateException("vswitchd did not apply it");
        }));
        assertEquals(Duration.ofSeconds(11), budget.remaining());
    }

    @Test
    void refusesANegativeTotal() {
        assertThrows(IllegalArgumentException.class, () -> new WaitBudget(Duration.ofSeconds(-1)));
    }
}
