package org.ovshighway.agent;

import java.io.PrintStream;
import java.util.List;

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

                """ + ControlQuery.OPTIONS;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        return ControlQuery.ask(name(), args, out, err);
    }
}
