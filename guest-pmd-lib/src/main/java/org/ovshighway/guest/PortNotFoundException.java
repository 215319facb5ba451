package org.ovshighway.guest;

import java.io.IOException;

/** No region names the port; the message lists what was scanned and why each was passed over. */
public final class PortNotFoundException extends IOException {
    PortNotFoundException(String message) {
        super(message);
    }
}
