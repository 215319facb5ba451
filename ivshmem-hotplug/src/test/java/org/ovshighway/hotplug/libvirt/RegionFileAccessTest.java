package org.ovshighway.hotplug.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real files in /dev/shm and a temporary directory; the group is the test user's own (no libvirt needed). */
class RegionFileAccessTest {
    private static final String OWN_GROUP = ownGroup();

    @TempDir
    Path dir;

    private static String ownGroup() {
        try {
            Path probe = Files.createTempFile("hw-group", "");
            try {
                return Files.readAttributes(probe, java.nio.file.attribute.PosixFileAttributes.class).group().getName();
            } finally {
                Files.delete(probe);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String uniqueName() {
        return "hw-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    }

    @Test
    void fileElsewhereIsLinkedFromDevShmAndGetsMode0660UntilUndone() throws IOException {
        Path file = Files.createFile(dir.resolve("region"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        Files.write(file, new byte[8192]);
        String name = uniqueName();
        RegionFileAccess.Prepared prepared = new RegionFileAccess(OWN_GROUP).prepare("vm", file, name, 8192);
        Path backing = ShmemName.backingPath(name);
        try {
            assertTrue(prepared.linkCreated());
            assertTrue(Files.isSymbolicLink(backing));
            assertTrue(Files.isSameFile(backing, file));
            assertEquals(RegionFileAccess.MODE, Files.getPosixFilePermissions(file));
        } finally {
            prepared.undo(new IOException("undo"));
        }
        assertFalse(Files.exists(backing, LinkOption.NOFOLLOW_LINKS));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
    }

    @Test
    void fileInDevShmIsUsedInPlace() throws IOException {
        String name = uniqueName();
        Path file = ShmemName.backingPath(name);
        Files.write(file, new byte[4096]);
        try {
            RegionFileAccess.Prepared prepared = new RegionFileAccess(OWN_GROUP).prepare("vm", file, name, 4096);
            assertFalse(prepared.linkCreated());
            assertEquals(RegionFileAccess.MODE, Files.getPosixFilePermissions(file));
            prepared.undo(new IOException("undo"));
            assertTrue(Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void refusesMissingSmallOrForeignFilesAndLeavesNothing() throws IOException {
        RegionFileAccess access = new RegionFileAccess(OWN_GROUP);
        String name = uniqueName();
        HotplugException missing = assertThrows(HotplugException.class,
                () -> access.prepare("vm-a", dir.resolve("nope"), name, 4096));
        assertEquals(HotplugException.Reason.REGION_FILE, missing.reason());
        assertTrue(missing.getMessage().contains("domain=vm-a region=" + dir.resolve("nope") + " shmem=" + name),
                missing.getMessage());

        Path small = Files.write(dir.resolve("small"), new byte[100]);
        HotplugException tooSmall = assertThrows(HotplugException.class, () -> access.prepare("vm-a", small, name, 4096));
        assertTrue(tooSmall.getMessage().contains("fileSize=100 size=4096"), tooSmall.getMessage());

        Path other = ShmemName.backingPath(name);
        Files.write(other, new byte[4096]);
        try {
            Path mine = Files.write(dir.resolve("mine"), new byte[4096]);
            HotplugException taken = assertThrows(HotplugException.class, () -> access.prepare("vm-a", mine, name, 4096));
            assertTrue(taken.getMessage().contains("backingPath=" + other), taken.getMessage());
            assertTrue(Files.isRegularFile(other, LinkOption.NOFOLLOW_LINKS));
        } finally {
            Files.delete(other);
        }
        assertFalse(Files.exists(ShmemName.backingPath(name), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void unknownGroupIsARegionFileError() throws IOException {
        Path file = Files.write(dir.resolve("region"), new byte[4096]);
        HotplugException e = assertThrows(HotplugException.class, () -> new RegionFileAccess("no-such-group-hw")
                .prepare("vm", file, uniqueName(), 4096));
        assertTrue(e.getMessage().contains("group=no-such-group-hw"), e.getMessage());
    }

    @Test
    void anUnknownQemuGroupIsAWarningAtTheCheckAKnownOneIsSilent() {
        Logger logger = Logger.getLogger(RegionFileAccess.class.getName());
        List<String> warnings = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel() == Level.WARNING) {
                    warnings.add(record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            new RegionFileAccess("root").checkGroup();
            assertEquals(List.of(), warnings);
            new RegionFileAccess("highway-no-such-group").checkGroup();
            assertEquals(1, warnings.size());
            assertTrue(warnings.getFirst().contains("group=highway-no-such-group"), warnings::toString);
        } finally {
            logger.removeHandler(handler);
        }
    }
}
