package org.ovshighway.agent;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * What {@code highway links} and {@code highway status} share: find the agent's control socket
 * from {@code --control PATH} or {@code --config FILE}, ask it one command, print the answer.
 */
final class ControlQuery {
    private ControlQuery() {
    }

    /** Options text for a command's usage. */
    static final String OPTIONS = """
              --config FILE    the agent's configuration file (its control-socket is used)
              --control PATH   the agent's control socket
            """;

    /** Asks the agent {@code command}; 0 when it answered, 1 (with the reason on {@code err}) otherwise. */
    static int ask(String command, List<String> args, PrintStream out, PrintStream err) throws UsageException {
        CommandLineOptions options = CommandLineOptions.parse(args, Set.of("--config", "--control"), Set.of());
        Path socket;
        if (options.value("--control").isPresent()) {
            socket = Path.of(options.value("--control").get());
        } else if (options.value("--config").isPresent()) {
            try {
                socket = AgentConfig.load(Path.of(options.value("--config").get())).controlSocket();
            } catch (ConfigException e) {
                err.println("highway " + command + ": " + e.getMessage());
                return 1;
            }
        } else {
            throw new UsageException("--config FILE or --control PATH is required");
        }
        try {
            out.print(ControlSocket.ask(socket, command));
        } catch (IOException e) {
            err.println("highway " + command + ": " + e.getMessage());
            return 1;
        }
        return 0;
    }
}
