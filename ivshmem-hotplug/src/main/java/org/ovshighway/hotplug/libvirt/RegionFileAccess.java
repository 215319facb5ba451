package org.ovshighway.hotplug.libvirt;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Objects;
import java.util.Set;

/**
 * Makes a region file openable by QEMU and by nobody else, and reachable where QEMU looks for it.
 *
 * <p>QEMU (as the {@code libvirt-qemu} user) opens {@code /dev/shm/<name>} and uses an existing
 * file as it is: libvirt never changes its owner or mode, and when no file exists QEMU creates an
 * empty world-readable one. So before an attach the file must exist with owner root, group the
 * QEMU group and mode 0660 (a link region mapped by two VMs works the same way: both QEMUs run as
 * the same user). A file kept elsewhere (hugetlbfs) is reached through a root-owned symlink
 * {@code /dev/shm/<name>}, which QEMU follows.
 *
 * <p>{@link #prepare} returns what it changed, so that {@link Prepared#undo} puts it back.
 */
public final class RegionFileAccess {
    /** Owner and group read/write, nothing for others. */
    public static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rw-rw----");
    /** The group QEMU runs in under Debian's libvirt. */
    public static final String DEFAULT_GROUP = "libvirt-qemu";

    private static final System.Logger LOG = System.getLogger(RegionFileAccess.class.getName());

    private final String groupName;

    public RegionFileAccess(String groupName) {
        this.groupName = Objects.requireNonNull(groupName, "groupName");
    }

    /** What {@link #prepare} changed. */
    public record Prepared(Path regionFile, Path backingPath, boolean linkCreated, GroupPrincipal oldGroup,
                           Set<PosixFilePermission> oldMode) {
        /** Removes the symlink it made and restores the file's group and mode; failures are suppressed into {@code into}. */
        public void undo(Exception into) {
            if (linkCreated) {
                try {
                    Files.deleteIfExists(backingPath);
                } catch (IOException e) {
                    into.addSuppressed(new IOException("cannot remove symlink path=" + backingPath, e));
                }
            }
            try {
                PosixFileAttributeView view = Files.getFileAttributeView(regionFile, PosixFileAttributeView.class);
                view.setGroup(oldGroup);
                view.setPermissions(oldMode);
            } catch (NoSuchFileException e) {
                // the region's creator deleted it meanwhile: nothing left to restore
            } catch (IOException e) {
                into.addSuppressed(new IOException("cannot restore group/mode of path=" + regionFile, e));
            }
        }
    }

    /**
     * Looks the QEMU group up as {@link #prepare} will, logging a warning when it is unknown (every
     * attach would then fail, naming the group).
     */
    void checkGroup() {
        try {
            qemuGroup(FileSystems.getDefault());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "QEMU group unknown, attaching regions to VMs will fail: group="
                    + groupName + " error=" + e);
        }
    }

    /**
     * Checks that {@code regionFile} is a regular file of at least {@code size} bytes, gives it
     * group {@link #groupName} and mode 0660, and makes {@code /dev/shm/<name>} lead to it.
     *
     * @throws HotplugException with reason REGION_FILE naming domain, region and shmem name
     */
    public Prepared prepare(String domain, Path regionFile, String shmemName, long size) throws HotplugException {
        Path file = regionFile.toAbsolutePath().normalize();
        Path backing = ShmemName.backingPath(shmemName);
        String where = "domain=" + domain + " region=" + file + " shmem=" + shmemName;
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new HotplugException(HotplugException.Reason.REGION_FILE, "region file unreadable: " + where
                    + " error=" + e, e);
        }
        if (!attributes.isRegularFile()) {
            throw new HotplugException(HotplugException.Reason.REGION_FILE, "region file is not a regular file: "
                    + where);
        }
        if (attributes.size() < size) {
            throw new HotplugException(HotplugException.Reason.REGION_FILE, "region file smaller than the device: "
                    + where + " fileSize=" + attributes.size() + " size=" + size);
        }
        GroupPrincipal group;
        UserPrincipal owner = attributes.owner();
        try {
            group = qemuGroup(file.getFileSystem());
        } catch (IOException e) {
            throw new HotplugException(HotplugException.Reason.REGION_FILE, "QEMU group unknown: " + where
                    + " group=" + groupName, e);
        }
        boolean linkCreated = false;
        if (!file.equals(backing)) {
            try {
                Files.createSymbolicLink(backing, file);
                linkCreated = true;
            } catch (FileAlreadyExistsException e) {
                if (!leadsTo(backing, file)) {
                    throw new HotplugException(HotplugException.Reason.REGION_FILE, "backing path taken by another"
                            + " file: " + where + " backingPath=" + backing, e);
                }
            } catch (IOException e) {
                throw new HotplugException(HotplugException.Reason.REGION_FILE, "cannot link backing path: " + where
                        + " backingPath=" + backing + " error=" + e, e);
            }
        }
        Prepared prepared = new Prepared(file, backing, linkCreated, attributes.group(), attributes.permissions());
        try {
            PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
            view.setGroup(group);
            view.setPermissions(MODE);
        } catch (IOException e) {
            HotplugException failure = new HotplugException(HotplugException.Reason.REGION_FILE,
                    "cannot set group/mode: " + where + " owner=" + owner.getName() + " group=" + groupName
                            + " mode=0660 error=" + e, e);
            prepared.undo(failure);
            throw failure;
        }
        return prepared;
    }

    private GroupPrincipal qemuGroup(FileSystem fileSystem) throws IOException {
        return fileSystem.getUserPrincipalLookupService().lookupPrincipalByGroupName(groupName);
    }

    private static boolean leadsTo(Path link, Path file) {
        try {
            return Files.isSameFile(link, file);
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "RegionFileAccess[group=" + groupName + " mode=0660]";
    }
}
