package org.ovshighway.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;

/** {@code highway version}: the product version and the Java runtime it runs on. */
final class VersionCommand implements Subcommand {

    @Override
    public String name() {
        return "version";
    }

    @Override
    public String summary() {
        return "print the Highway version and the Java runtime";
    }

    @Override
    public String usage() {
        return "usage: highway version\n\nPrints the Highway version and the Java runtime in use.\n";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws UsageException {
        if (!args.isEmpty()) {
            throw new UsageException("version takes no arguments, got " + args);
        }
        out.println("highway " + productVersion());
        out.println("java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")");
        return 0;
    }

    /** The version Maven filtered into {@code version.properties} at build time. */
    static String productVersion() {
        try (InputStream in = VersionCommand.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("resource=version.properties missing from the agent jar");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException("reading resource=version.properties", e);
        }
    }
}
