package org.ovshighway.agent;

import java.io.PrintStream;
import java.util.List;

/** {@code highway status}: asks a running agent, through its control socket, how its connections stand. */
final class StatusCommand implements Subcommand {

    @Override
    public String name() {
        return "status";
    }

    @Override
    public String summary() {
        return "print a running agent's connections: OVSDB, OpenFlow, libvirt, each ring port's memif";
    }

    @Override
    public String usage() {
        return """
                usage: highway status (--config FILE | --control PATH)

                Asks the running agent and prints one line per connection it depends on:
                  agent: bridge=BR pid=PID started=TIME bypass=B controller_proxy=B
                  ovsdb: endpoint=E connected=true|false (why) reconnects=N
                  openflow: target=T flow_tables=synced|dumping
                  libvirt: uri=U connected=true|false reconnects=N      (VM guests only)
                  ring-port NAME: connection=UP|DOWN/generation=G ofport=N guest=G outages=N [last_outage_ms=X]

                """ + ControlQuery.OPTIONS;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        return ControlQuery.ask(name(), args, out, err);
    }
}
