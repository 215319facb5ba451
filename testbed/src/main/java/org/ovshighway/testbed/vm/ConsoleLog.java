package org.ovshighway.testbed.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A guest's serial console log (written by virtlogd), searched for the guest application's
 * {@code HW_APP} lines. Only complete lines count: the guest may be in the middle of writing the
 * last one (a long summary line arrives over the serial port in pieces).
 */
record ConsoleLog(String domain, Path path) {
    /** The log's complete lines so far (everything up to the last newline). */
    private String[] completeLines() throws IOException {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            return new String[0];
        }
        int end = text.lastIndexOf('\n');
        return end < 0 ? new String[0] : text.substring(0, end).split("\r?\n");
    }

    /** The first complete line containing {@code marker}, if any yet. */
    Optional<String> find(String marker) throws IOException {
        for (String line : completeLines()) {
            int at = line.indexOf(marker);
            if (at >= 0) {
                return Optional.of(line.substring(at).strip());
            }
        }
        return Optional.empty();
    }

    /** The last complete line containing {@code marker}, if any yet. */
    Optional<String> findLast(String marker) throws IOException {
        Optional<String> last = Optional.empty();
        for (String line : completeLines()) {
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
