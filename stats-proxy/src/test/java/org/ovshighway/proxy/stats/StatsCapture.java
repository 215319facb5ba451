package org.ovshighway.proxy.stats;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.ovshighway.ovs.testing.PrivateOvs;

/**
 * The tool that captured the test resources {@code stats-of10.hex} ... {@code stats-of15.hex}:
 * starts a private OVS (testbed/ovs-up) with the {@link StatsScenario} bridge, runs real
 * {@code ovs-ofctl} statistics commands through a {@link TestOnlyPassThroughRelay} whose rewriter
 * only records, and writes, per command, a {@code # ovs-ofctl ...} line followed by every frame of
 * that connection in order, {@code > hex} toward the switch and {@code < hex} toward ovs-ofctl.
 *
 * <p>Run as root from the module directory:
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) org.ovshighway.proxy.stats.StatsCapture src/test/resources}
 * (cp.txt from {@code ../mvnw -q dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test}).
 */
public final class StatsCapture {

    private StatsCapture() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        try (PrivateOvs ovs = PrivateOvs.start("br0")) {
            StatsScenario.setUp(ovs);
            AtomicReference<RecordingRewriter> current = new AtomicReference<>();
            try (TestOnlyPassThroughRelay relay = TestOnlyPassThroughRelay.start(ovs.managementSocket("br0"), name -> {
                RecordingRewriter r = new RecordingRewriter();
                current.set(r);
                return r;
            })) {
                List<List<String>> perVersion = new ArrayList<>();
                for (int v = 0; v < StatsScenario.VERSIONS.size(); v++) {
                    perVersion.add(new ArrayList<>());
                }
                for (int phase = 0; phase < 2; phase++) {
                    if (phase == 1) {
                        StatsScenario.addManyFlows(ovs);
                    }
                    for (int v = 0; v < StatsScenario.VERSIONS.size(); v++) {
                        String version = StatsScenario.VERSIONS.get(v);
                        for (List<String> command : StatsScenario.commands(version, phase)) {
                            List<String> full = new ArrayList<>(command);
                            full.add(full.size() - StatsScenario.argsAfterTarget(command), relay.target());
                            ovs.ofctl(full.toArray(String[]::new));
                            List<String> out = perVersion.get(v);
                            out.add("# ovs-ofctl " + String.join(" ", command));
                            out.addAll(current.get().lines());
                        }
                    }
                }
                for (int v = 0; v < StatsScenario.VERSIONS.size(); v++) {
                    String version = StatsScenario.VERSIONS.get(v);
                    List<String> out = new ArrayList<>();
                    out.add("## Captured by org.ovshighway.proxy.stats.StatsCapture from a private OVS ("
                            + ovs.ofctl("--version").lines().findFirst().orElse("?") + "), scenario StatsScenario, " + version + ".");
                    out.addAll(perVersion.get(v));
                    Files.writeString(dir.resolve(StatsScenario.resource(version)), String.join("\n", out) + "\n", StandardCharsets.US_ASCII);
                }
            }
        }
    }
}
