package org.ovshighway.testbed.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** A guest's serial console log (written by virtlogd), searched for the guest application's {@code HW_APP} lines. */
record ConsoleLog(String domain, Path path) {
    /** The first line containing {@code marker}, if any yet. */
    Optional<String> find(String marker) throws IOException {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        for (String line : text.split("\r?\n")) {
            int at = line.indexOf(marker);
            if (at >= 0) {
                return Optional.of(line.substring(at).strip());
            }
        }
        return Optional.empty();
    }

    /** The last line containing {@code marker}, if any yet. */
    Optional<String> findLast(String marker) throws IOException {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        Optional<String> last = Optional.empty();
        for (String line : text.split("\r?\n")) {
            int at = line.indexOf(marker);
            if (at >= 0) {
                last = Optional.of(line.substring(at).strip());
            }
        }
        return last;
    }

    /** Waits for {@code marker}; fails naming the domain, the log and a guest error line if one was printed. */
    String await(String marker, long deadlineNanos) throws IOException, InterruptedException {
        while (true) {
            Optional<String> line = find(marker);
            if (line.isPresent()) {
                return line.get();
            }
            Optional<String> error = find("HW_APP error");
            if (error.isPresent() || System.nanoTime() > deadlineNanos) {
                throw new IllegalStateException("guest did not print marker=\"" + marker + "\": domain=" + domain
                        + " console=" + path + error.map(e -> " guestError=\"" + e + "\"").orElse(" (timeout)"));
            }
            Thread.sleep(20);
        }
    }
}
