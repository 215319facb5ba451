package org.ovshighway.proxy.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ovshighway.ovs.testing.PrivateOvs;

/**
 * Real OVS, real ovs-ofctl: a {@link TestOnlyPassThroughRelay} applying {@link CounterMergingRewriter}
 * between ovs-ofctl (tcp, free port) and the bridge's management socket. For every version and
 * every statistics command of the scenario, what ovs-ofctl prints through the relay must equal a
 * direct dump with the injected extras added to exactly the expected numbers; everything else
 * identical (durations, ages and xids masked: they differ between two dumps of the same state).
 * No traffic flows between the two dumps, so OVS's own counters are the same in both.
 */
class RealOvsRelayTest {

    private static PrivateOvs ovs;
    private static TestOnlyPassThroughRelay relay;
    private static final List<CounterMergingRewriter> rewriters = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(PrivateOvs.isRoot(), "starting OVS needs root");
        ovs = PrivateOvs.start("br0");
        StatsScenario.setUp(ovs);
        StatsScenario.addManyFlows(ovs);
        relay = TestOnlyPassThroughRelay.start(ovs.managementSocket("br0"), name -> {
            CounterMergingRewriter r = new CounterMergingRewriter(name, ScenarioExtras.counters(1));
            synchronized (rewriters) {
                rewriters.add(r);
            }
            return r;
        });
    }

    @AfterAll
    static void stop() throws Exception {
        if (relay != null) {
            relay.close();
        }
        if (ovs != null) {
            ovs.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"OpenFlow10", "OpenFlow12", "OpenFlow13", "OpenFlow14", "OpenFlow15"})
    void ofctlThroughTheRelayPrintsOvsCountersPlusExactlyTheExtras(String version) throws Exception {
        List<List<String>> commands = new ArrayList<>(StatsScenario.commands(version, 0));
        commands.addAll(StatsScenario.commands(version, 1));
        for (List<String> command : commands) {
            String direct = ofctl(command, "br0");
            String proxied = ofctl(command, relay.target());
            long[] aggregate = command.contains("dump-aggregate")
                    ? ScenarioExtras.aggregate(command.getLast().startsWith("dump-") ? "" : command.getLast(), 1)
                    : null;
            String expected = OfctlText.withExtras(direct, ScenarioExtras::flow, ScenarioExtras.counters(1)::port, aggregate);
            assertNotEquals(OfctlText.timeless(direct), OfctlText.timeless(expected), "scenario injects nothing visible: " + command);
            assertEquals(OfctlText.timeless(expected), OfctlText.timeless(proxied), "command=" + command);
        }
        synchronized (rewriters) {
            assertTrue(rewriters.stream().allMatch(r -> r.malformedFrames() == 0 && r.aggregatesWithoutRequest() == 0),
                    "a real OVS reply was not understood");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"OpenFlow10", "OpenFlow12", "OpenFlow13", "OpenFlow14", "OpenFlow15"})
    void flowModsPassThroughTheRelayUnchanged(String version) throws Exception {
        int table = 10 + version.charAt(version.length() - 1) - '0';
        String flow = "table=" + table + ",priority=7,cookie=0x77,in_port=2,actions=output:3";
        ovs.ofctl("-O", version, "add-flow", relay.target(), flow);
        String dumped = ovs.ofctl("-O", "OpenFlow13", "dump-flows", "br0", "table=" + table);
        assertTrue(dumped.contains("cookie=0x77") && dumped.contains("priority=7,in_port=2 actions=output:3"), dumped);
        ovs.ofctl("-O", version, "del-flows", relay.target(), "table=" + table);
        assertTrue(!ovs.ofctl("-O", "OpenFlow13", "dump-flows", "br0", "table=" + table).contains("cookie=0x77"));
    }

    private static String ofctl(List<String> command, String target) throws Exception {
        List<String> full = new ArrayList<>(command);
        full.add(full.size() - StatsScenario.argsAfterTarget(command), target);
        return ovs.ofctl(full.toArray(String[]::new));
    }
}
