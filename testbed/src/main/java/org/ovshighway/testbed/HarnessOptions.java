package org.ovshighway.testbed;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line options of a harness main: {@code --key value} pairs, each key declared with
 * a default. An unknown key, a missing value or a value of the wrong type is an error naming
 * the key, because a typo in a benchmark option would otherwise silently measure something else.
 */
public final class HarnessOptions {
    private final String harness;
    private final Map<String, String> values;

    private HarnessOptions(String harness, Map<String, String> values) {
        this.harness = harness;
        this.values = values;
    }

    /**
     * @param harness  name used in error messages
     * @param defaults every accepted key (without "--") and its default value
     */
    public static HarnessOptions parse(String harness, String[] args, Map<String, String> defaults) {
        Map<String, String> values = new HashMap<>(defaults);
        Set<String> known = defaults.keySet();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException(harness + ": expected --key value, got argument=" + arg
                        + " position=" + i);
            }
            String key = arg.substring(2);
            if (!known.contains(key)) {
                throw new IllegalArgumentException(harness + ": unknown option=" + arg + " known="
                        + new java.util.TreeSet<>(known));
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(harness + ": option=" + arg + " needs a value");
            }
            values.put(key, args[++i]);
        }
        return new HarnessOptions(harness, values);
    }

    public String string(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException(harness + ": option=--" + key + " is not declared");
        }
        return value;
    }

    /** The value of {@code key}, which must be one of {@code allowed}. */
    public String oneOf(String key, String... allowed) {
        String value = string(key);
        if (!List.of(allowed).contains(value)) {
            throw new IllegalArgumentException(harness + ": option=--" + key + " value=" + value
                    + " (one of " + String.join(", ", allowed) + ")");
        }
        return value;
    }

    public int positiveInt(String key) {
        String text = string(key);
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(harness + ": option=--" + key + " value=" + text
                    + " is not an integer", e);
        }
        if (value <= 0) {
            throw new IllegalArgumentException(harness + ": option=--" + key + " value=" + value
                    + " must be > 0");
        }
        return value;
    }

    public int nonNegativeInt(String key) {
        String text = string(key);
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(harness + ": option=--" + key + " value=" + text
                    + " is not an integer", e);
        }
        if (value < 0) {
            throw new IllegalArgumentException(harness + ": option=--" + key + " value=" + value
                    + " must be >= 0");
        }
        return value;
    }

    /** A CPU number, or -1 for "do not pin" when the value is {@code none}. */
    public int cpuOrNone(String key) {
        return "none".equals(string(key)) ? -1 : nonNegativeInt(key);
    }
}
