package org.ovshighway.testbed;

/** {@code --format bench} (machine lines for testbed/bench) or {@code human} (the demo). */
final class HarnessFormat {
    private HarnessFormat() {
    }

    static boolean isHuman(HarnessOptions options) {
        String format = options.string("format");
        return switch (format) {
            case "human" -> true;
            case "bench" -> false;
            default -> throw new IllegalArgumentException("option=--format value=" + format + " expected bench|human");
        };
    }
}
