package org.ovshighway.agent;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry point of the {@code highway} command line: dispatches to one {@link Subcommand} per verb.
 * Exit status: 0 success, 1 failure (the reason is printed on stderr), 2 usage error.
 */
public final class HighwayCommand {

    private final Map<String, Subcommand> verbs = new LinkedHashMap<>();

    HighwayCommand(List<Subcommand> subcommands) {
        for (Subcommand subcommand : subcommands) {
            verbs.put(subcommand.name(), subcommand);
        }
    }

    static HighwayCommand standard() {
        return new HighwayCommand(List.of(new AgentCommand(System.getenv()), new DetectCommand(System.getenv()),
                new LinksCommand(), new StatusCommand(), new AttachCommand(System.getenv(), AttachCommand.shutdownHook()), new DetachCommand(System.getenv()),
                new VersionCommand()));
    }

    public static void main(String[] args) {
        System.exit(standard().run(List.of(args), System.out, System.err));
    }

    int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty()) {
            err.print(overview());
            return 2;
        }
        String first = args.getFirst();
        if (first.equals("--help") || first.equals("-h") || first.equals("help")) {
            out.print(overview());
            return 0;
        }
        if (first.equals("--version")) {
            first = "version";
        }
        Subcommand verb = verbs.get(first);
        if (verb == null) {
            err.println("highway: unknown command '" + first + "'");
            err.print(overview());
            return 2;
        }
        List<String> rest = new ArrayList<>(args.subList(1, args.size()));
        if (rest.contains("--help") || rest.contains("-h")) {
            out.print(verb.usage());
            return 0;
        }
        try {
            return verb.run(rest, out, err);
        } catch (UsageException e) {
            err.println("highway " + verb.name() + ": " + e.getMessage());
            err.print(verb.usage());
            return 2;
        } catch (Exception e) {
            // our own exceptions carry key=value detail in their message; others need their type
            String detail = e.getMessage() != null && e.getClass().getName().startsWith("org.ovshighway.")
                    ? e.getMessage() : e.toString();
            err.println("highway " + verb.name() + ": " + detail);
            return 1;
        }
    }

    String overview() {
        StringBuilder text = new StringBuilder();
        text.append("usage: highway COMMAND [ARGS...]\n\n");
        text.append("Highway gives two VMs of an OVS-DPDK bridge a shared-memory link of their own\n");
        text.append("when the bridge's OpenFlow rules make that link point-to-point.\n\n");
        text.append("Commands:\n");
        for (Subcommand verb : verbs.values()) {
            text.append(String.format("  %-12s %s%n", verb.name(), verb.summary()));
        }
        text.append("\nRun 'highway COMMAND --help' for the options of one command.\n");
        return text.toString();
    }
}
