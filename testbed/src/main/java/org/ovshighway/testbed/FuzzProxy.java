package org.ovshighway.testbed;

import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.ovshighway.proxy.RelayFuzz;

/**
 * The long run of the relay fuzzer (testbed/fuzz-proxy): prints
 * {@code RESULT fuzz-proxy messages=N crashes=0 ...} and exits 1 when any case failed, naming the
 * case seed that reproduces it.
 */
public final class FuzzProxy {

    private FuzzProxy() {
    }

    public static void main(String[] args) {
        HarnessOptions options = HarnessOptions.parse("FuzzProxy", args, Map.of("messages", "1000000", "seed", "1"));
        int messages = options.positiveInt("messages");
        long seed = Long.parseLong(options.string("seed"));
        // Every malformed case logs its close; a million of them would drown the result.
        Logger.getLogger("org.ovshighway.proxy").setLevel(Level.OFF);
        long start = System.nanoTime();
        RelayFuzz.Report report = RelayFuzz.run(seed, messages);
        System.err.printf("fuzz-proxy: %.1f s%n", (System.nanoTime() - start) / 1e9);
        System.out.println(report.resultLine());
        if (!report.passed()) {
            System.err.println("fuzz-proxy: first failure: " + report.firstFailure());
            System.exit(1);
        }
    }
}
