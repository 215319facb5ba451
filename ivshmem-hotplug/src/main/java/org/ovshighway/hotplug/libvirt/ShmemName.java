package org.ovshighway.hotplug.libvirt;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The name of a libvirt {@code <shmem>} device. libvirt backs it with {@code /dev/shm/<name>}
 * (fixed directory, no {@code /} allowed), so the name is one path component; Highway also keeps
 * it to characters that need no quoting in XML, QMP ids or shell scripts.
 */
public final class ShmemName {
    /** Where libvirt (QEMU) opens the backing file of a shmem device. */
    public static final Path DEV_SHM = Path.of("/dev/shm");
    /** Longest name accepted (a file name component, well below NAME_MAX). */
    public static final int MAX_LENGTH = 64;

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

    private ShmemName() {
    }

    /**
     * Returns {@code name} when valid.
     *
     * @throws IllegalArgumentException naming the name and the rule it breaks
     */
    public static String check(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("shmem name must have 1.." + MAX_LENGTH + " characters: name=" + name);
        }
        if (!VALID.matcher(name).matches()) {
            throw new IllegalArgumentException("shmem name may hold only letters, digits, '_', '.', '-' and must not"
                    + " start with '.' or '-': name=" + name);
        }
        return name;
    }

    /** {@code /dev/shm/<name>}: the file QEMU opens for the device. */
    public static Path backingPath(String name) {
        return DEV_SHM.resolve(check(name));
    }
}
