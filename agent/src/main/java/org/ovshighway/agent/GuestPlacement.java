package org.ovshighway.agent;

import java.nio.file.Path;

/** Where a ring port's guest runs, and so how its regions reach it (configuration keys in parentheses). */
public sealed interface GuestPlacement permits GuestPlacement.Process, GuestPlacement.Vm {
    /** A process guest: regions are published under its sysfs-shaped root ({@code publish-root}). */
    record Process(Path publishRoot) implements GuestPlacement {
        @Override
        public String toString() {
            return "publish-root=" + publishRoot;
        }
    }

    /** A VM: regions are hot-plugged into its libvirt domain ({@code domain}, name or UUID). */
    record Vm(String domain) implements GuestPlacement {
        @Override
        public String toString() {
            return "domain=" + domain;
        }
    }
}
