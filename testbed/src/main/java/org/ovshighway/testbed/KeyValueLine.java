package org.ovshighway.testbed;

import java.util.HashMap;
import java.util.Map;

/** The {@code key=value} fields of one line the harnesses print ({@code RESULT ...}, guest summaries). */
public final class KeyValueLine {
    private KeyValueLine() {
    }

    /** Each space-separated token with an {@code =} after its first character; a later key wins. */
    public static Map<String, String> fields(String line) {
        Map<String, String> fields = new HashMap<>();
        for (String token : line.split(" ")) {
            int eq = token.indexOf('=');
            if (eq > 0) {
                fields.put(token.substring(0, eq), token.substring(eq + 1));
            }
        }
        return fields;
    }
}
