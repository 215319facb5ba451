package org.ovshighway.agent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code --name VALUE}, {@code --name=VALUE} and {@code --flag} options of one verb. Unknown
 * options, missing values and positional arguments are usage errors naming the word at fault.
 */
final class CommandLineOptions {

    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flags = new HashSet<>();

    private CommandLineOptions() {
    }

    static CommandLineOptions parse(List<String> args, Set<String> valueOptions, Set<String> flagOptions)
            throws UsageException {
        CommandLineOptions options = new CommandLineOptions();
        List<String> rest = new ArrayList<>(args);
        while (!rest.isEmpty()) {
            String word = rest.removeFirst();
            String name = word;
            String inlineValue = null;
            int equals = word.indexOf('=');
            if (word.startsWith("--") && equals > 0) {
                name = word.substring(0, equals);
                inlineValue = word.substring(equals + 1);
            }
            if (valueOptions.contains(name)) {
                String value = inlineValue;
                if (value == null) {
                    if (rest.isEmpty()) {
                        throw new UsageException("option " + name + " needs a value");
                    }
                    value = rest.removeFirst();
                }
                if (options.values.put(name, value) != null) {
                    throw new UsageException("option " + name + " given twice");
                }
            } else if (flagOptions.contains(name) && inlineValue == null) {
                options.flags.add(name);
            } else if (word.startsWith("-")) {
                throw new UsageException("unknown option '" + word + "'");
            } else {
                throw new UsageException("unexpected argument '" + word + "'");
            }
        }
        return options;
    }

    Optional<String> value(String name) {
        return Optional.ofNullable(values.get(name));
    }

    String required(String name) throws UsageException {
        String value = values.get(name);
        if (value == null || value.isBlank()) {
            throw new UsageException("option " + name + " is required");
        }
        return value;
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    /** A whole number of seconds in {@code [min, max]}, or {@code fallback} when absent. */
    int seconds(String name, int fallback, int min, int max) throws UsageException {
        String text = values.get(name);
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text);
            if (value < min || value > max) {
                throw new UsageException("option " + name + " out of range: value=" + text + " range=" + min + ".." + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new UsageException("option " + name + " is not a whole number of seconds: value=" + text);
        }
    }

    /** A whole number in {@code [min, max]}, or {@code fallback} when absent. */
    int integer(String name, int fallback, int min, int max) throws UsageException {
        String text = values.get(name);
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text);
            if (value < min || value > max) {
                throw new UsageException("option " + name + " out of range: value=" + text + " range=" + min + ".." + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new UsageException("option " + name + " is not a whole number: value=" + text);
        }
    }
}
