package org.ovshighway.testbed;

import java.io.ByteArrayOutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Predicate;

/** {@code highway links} asked over a running agent's control socket, and its lines picked apart. */
final class AgentLinks {
    private AgentLinks() {
    }

    static String links(Path control) throws Exception {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(control))) {
            channel.write(ByteBuffer.wrap("links\n".getBytes(StandardCharsets.US_ASCII)));
            channel.shutdownOutput();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            while (channel.read(buffer) >= 0) {
                out.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    static String line(String links, String port) {
        return links.lines().filter(l -> l.startsWith(port + "(")).findFirst().orElse("");
    }

    /** The link id in a {@code highway links} line, or "" when none. */
    static String linkId(String line) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("path=link\\((\\d+),").matcher(line);
        return m.find() ? m.group(1) : "";
    }

    static String awaitLinks(Path control, Predicate<String> condition, String what) throws Exception {
        String text = "";
        for (int i = 0; i < 600; i++) {
            text = links(control);
            if (condition.test(text)) {
                return text;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("highway links never showed " + what + "; last answer:\n" + text);
    }
}
