package org.ovshighway.agent;

/** A command line that cannot be understood; the launcher prints it with the usage and exits 2. */
final class UsageException extends Exception {

    UsageException(String message) {
        super(message);
    }
}
