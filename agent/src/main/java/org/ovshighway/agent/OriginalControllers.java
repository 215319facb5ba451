package org.ovshighway.agent;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ovshighway.ovs.ovsdb.ControllerConfig;

/**
 * The text form of a bridge's original controllers kept in its {@code external_ids} while
 * Highway is attached: {@code v1} followed by one space-separated record per controller, each
 * record {@code application/x-www-form-urlencoded} pairs {@code target=...}, {@code s.COLUMN=...}
 * for set optional columns, {@code o.KEY=...} for other_config and {@code e.KEY=...} for
 * external_ids. Example: {@code v1 target=tcp%3A10.0.0.1%3A6653&s.inactivity_probe=7000&o.dscp=8}.
 */
final class OriginalControllers {

    static final String FORMAT = "v1";

    private OriginalControllers() {
    }

    static String encode(List<ControllerConfig> controllers) {
        StringBuilder out = new StringBuilder(FORMAT);
        for (ControllerConfig c : controllers) {
            List<String> pairs = new ArrayList<>();
            pairs.add(pair("target", c.target()));
            c.settings().forEach((k, v) -> pairs.add(pair("s." + k, v)));
            new TreeMap<>(c.otherConfig()).forEach((k, v) -> pairs.add(pair("o." + k, v)));
            new TreeMap<>(c.externalIds()).forEach((k, v) -> pairs.add(pair("e." + k, v)));
            out.append(' ').append(String.join("&", pairs));
        }
        return out.toString();
    }

    /**
     * Parses {@link #encode} output.
     *
     * @throws IllegalArgumentException naming the record and field when the text is not in this format
     */
    static List<ControllerConfig> decode(String text) {
        String[] records = text.strip().split(" +");
        if (records.length == 0 || !records[0].equals(FORMAT)) {
            throw new IllegalArgumentException("unknown format of saved controllers: expected=" + FORMAT
                    + " found=" + (records.length == 0 ? "" : records[0]));
        }
        List<ControllerConfig> out = new ArrayList<>();
        for (int r = 1; r < records.length; r++) {
            String target = null;
            Map<String, String> settings = new LinkedHashMap<>();
            Map<String, String> otherConfig = new LinkedHashMap<>();
            Map<String, String> externalIds = new LinkedHashMap<>();
            for (String pair : records[r].split("&")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("saved controller field without '=': record=" + r + " field=" + pair);
                }
                String key = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (key.equals("target")) {
                    target = value;
                } else if (key.startsWith("s.")) {
                    settings.put(key.substring(2), value);
                } else if (key.startsWith("o.")) {
                    otherConfig.put(key.substring(2), value);
                } else if (key.startsWith("e.")) {
                    externalIds.put(key.substring(2), value);
                } else {
                    throw new IllegalArgumentException("unknown saved controller field: record=" + r + " key=" + key);
                }
            }
            if (target == null) {
                throw new IllegalArgumentException("saved controller without target: record=" + r);
            }
            out.add(new ControllerConfig(target, new TreeMap<>(settings), otherConfig, externalIds));
        }
        return out;
    }

    private static String pair(String key, String value) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
