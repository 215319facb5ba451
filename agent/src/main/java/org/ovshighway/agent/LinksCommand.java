package org.ovshighway.agent;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** {@code highway links}: asks a running agent, through its control socket, for every candidate link. */
final class LinksCommand implements Subcommand {

    @Override
    public String name() {
        return "links";
    }

    @Override
    public String summary() {
        return "print the candidate links of a running agent: direction, state, since, why not";
    }

    @Override
    public String usage() {
        return """
                usage: highway links (--config FILE | --control PATH)

                Asks the running agent and prints one line per ring port X, ports by name and
                OpenFlow number:
                  X -> Y  p2p      path=ovs  since=TIME
                  X -> -  not-p2p  path=ovs  since=TIME  reason: the rule or fact that prevents it
                path says where X's traffic goes now.

                  --config FILE    the agent's configuration file (its control-socket is used)
                  --control PATH   the agent's control socket
                """;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        CommandLineOptions options = CommandLineOptions.parse(args, Set.of("--config", "--control"), Set.of());
        Path socket;
        if (options.value("--control").isPresent()) {
            socket = Path.of(options.value("--control").get());
        } else if (options.value("--config").isPresent()) {
            try {
                socket = AgentConfig.load(Path.of(options.value("--config").get())).controlSocket();
            } catch (ConfigException e) {
                err.println("highway links: " + e.getMessage());
                return 1;
            }
        } else {
            throw new UsageException("--config FILE or --control PATH is required");
        }
        try {
            out.print(ControlSocket.ask(socket, "links"));
        } catch (IOException e) {
            err.println("highway links: " + e.getMessage());
            return 1;
        }
        return 0;
    }
}
