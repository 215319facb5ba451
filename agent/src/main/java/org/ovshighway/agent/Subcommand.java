package org.ovshighway.agent;

import java.io.PrintStream;
import java.util.List;

/** One verb of the {@code highway} command line. */
interface Subcommand {

    /** The word that selects this verb, e.g. {@code version}. */
    String name();

    /** One line for the command overview. */
    String summary();

    /** The full usage text printed by {@code highway VERB --help}. */
    String usage();

    /**
     * Runs the verb.
     *
     * @return the process exit status: 0 success, 1 failure, 2 usage error
     */
    int run(List<String> args, PrintStream out, PrintStream err) throws Exception;
}
