package org.ovshighway.agent;

import java.nio.file.Path;

/** A configuration file that cannot be used; the message names the file and the key at fault. */
public final class ConfigException extends Exception {

    ConfigException(Path file, String key, String problem) {
        super("config file=" + file + (key == null ? "" : " key=" + key) + ": " + problem);
    }

    ConfigException(Path file, String problem, Throwable cause) {
        super("config file=" + file + ": " + problem, cause);
    }
}
