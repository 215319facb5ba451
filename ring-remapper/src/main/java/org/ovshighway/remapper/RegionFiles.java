package org.ovshighway.remapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.ovshighway.guest.abi.RegionIdentity;
import org.ovshighway.guest.abi.RegionInitializer;
import org.ovshighway.guest.abi.RegionLayout;

/**
 * Creates region files (sized, initialised with {@link RegionInitializer}, owner-only by default)
 * and deletes them.
 *
 * <p>Where: a configured directory, or by default the first hugetlbfs mount whose page size
 * divides the region size and that has enough free pages, else {@code /dev/shm}. A file that
 * already exists is never overwritten: it may be a live region of another link or guest.
 *
 * <p>Invariant: a file that {@link #create} returns is complete (size and header written, magic
 * last); a file whose creation failed is removed before the exception leaves.
 */
public final class RegionFiles {
    /** Where regions go when no hugetlbfs fits. */
    public static final Path DEV_SHM = Path.of("/dev/shm");
    /** Owner read/write only: a region is shared with its guests through fds or QEMU, nobody else. */
    public static final Set<PosixFilePermission> DEFAULT_MODE = PosixFilePermissions.fromString("rw-------");

    private static final System.Logger LOG = System.getLogger(RegionFiles.class.getName());
    /** A single path component, usable as a libvirt shmem name (no '/', no leading '.'). */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final Path directory;
    private final Supplier<List<HugetlbfsMount>> hugetlbfs;
    private final Set<PosixFilePermission> mode;
    private final String group;

    private RegionFiles(Path directory, Supplier<List<HugetlbfsMount>> hugetlbfs, Set<PosixFilePermission> mode,
                        String group) {
        this.directory = directory;
        this.hugetlbfs = hugetlbfs;
        this.mode = Set.copyOf(mode);
        this.group = group;
    }

    /** Files in a hugetlbfs mount when one fits, else /dev/shm; mode 0600. */
    public static RegionFiles automatic() {
        return new RegionFiles(null, HugetlbfsMounts::current, DEFAULT_MODE, null);
    }

    /**
     * Files in {@code directory} (which must exist); mode 0600. When it is a hugetlbfs mount,
     * regions must be a whole number of its pages.
     */
    public static RegionFiles in(Path directory) {
        return in(directory, HugetlbfsMounts::current);
    }

    /** Test seam: {@link #in(Path)} with the given mounts instead of the machine's. */
    static RegionFiles in(Path directory, Supplier<List<HugetlbfsMount>> mounts) {
        Objects.requireNonNull(directory, "directory");
        return new RegionFiles(directory, mounts, DEFAULT_MODE, null);
    }

    /** Same directory policy, files get {@code newMode} (applied exactly, not filtered by umask). */
    public RegionFiles withMode(Set<PosixFilePermission> newMode) {
        Objects.requireNonNull(newMode, "mode");
        return new RegionFiles(directory, hugetlbfs, newMode, group);
    }

    /** Same policy, files get group {@code groupName} (e.g. libvirt-qemu with mode 0660). */
    public RegionFiles withGroup(String groupName) {
        Objects.requireNonNull(groupName, "group");
        return new RegionFiles(directory, hugetlbfs, mode, groupName);
    }

    /** Test seam: the automatic policy over the given mounts instead of the machine's. */
    static RegionFiles automatic(Supplier<List<HugetlbfsMount>> mounts) {
        return new RegionFiles(null, mounts, DEFAULT_MODE, null);
    }

    /**
     * The directory a region of {@code regionSize} bytes goes to, and whether it is hugetlbfs.
     */
    Placement placementFor(long regionSize) {
        if (directory != null) {
            for (HugetlbfsMount mount : hugetlbfs.get()) {
                if (mount.mountPoint().equals(directory)) {
                    if (regionSize % mount.pageSize() != 0) {
                        throw new IllegalArgumentException("region does not fill whole huge pages: regionSize="
                                + regionSize + " pageSize=" + mount.pageSize() + " directory=" + directory);
                    }
                    return new Placement(directory, true);
                }
            }
            return new Placement(directory, false);
        }
        for (HugetlbfsMount mount : hugetlbfs.get()) {
            if (mount.fits(regionSize)) {
                return new Placement(mount.mountPoint(), true);
            }
            LOG.log(System.Logger.Level.DEBUG, () -> "hugetlbfs mount=" + mount.mountPoint() + " pageSize="
                    + mount.pageSize() + " freePages=" + mount.freePages() + " does not fit regionSize=" + regionSize);
        }
        return new Placement(DEV_SHM, false);
    }

    /** Where a file goes. */
    record Placement(Path directory, boolean hugetlbfs) {
    }

    /**
     * Creates file {@code name}, sizes it to {@code layout.regionSize()} and initialises header
     * and rings for {@code identity}.
     *
     * @throws RegionFileExistsException when the file already exists (it is left untouched)
     * @throws UncheckedIOException      naming the path when the file cannot be made
     */
    public RegionFile create(String name, RegionLayout layout, RegionIdentity identity) {
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(identity, "identity");
        checkName(name);
        Placement placement = placementFor(layout.regionSize());
        Path path = placement.directory().resolve(name);
        try {
            // O_CREAT|O_EXCL with the most restrictive mode: nobody else can open it meanwhile
            Files.createFile(path, PosixFilePermissions.asFileAttribute(DEFAULT_MODE));
        } catch (FileAlreadyExistsException e) {
            throw new RegionFileExistsException(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create region file path=" + path, e);
        }
        try {
            applyOwnership(path);
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
                 Arena arena = Arena.ofConfined()) {
                // mapping beyond the end extends the file (ftruncate); hugetlbfs allows no write()
                MemorySegment region = channel.map(FileChannel.MapMode.READ_WRITE, 0, layout.regionSize(), arena);
                RegionInitializer.initialize(region, layout, identity);
            }
        } catch (IOException | RuntimeException e) {
            deleteAfterFailure(path, e);
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot size or initialise region file path=" + path
                        + " regionSize=" + layout.regionSize() + " hugetlbfs=" + placement.hugetlbfs(), io);
            }
            throw (RuntimeException) e;
        }
        LOG.log(System.Logger.Level.INFO, () -> "created region file path=" + path + " size=" + layout.regionSize()
                + " kind=" + identity.kind() + " generation=" + identity.generation());
        return new RegionFile(path, layout, identity, placement.hugetlbfs());
    }

    /**
     * Where an existing region file {@code name} is: in the configured directory, or else in the
     * first hugetlbfs mount or {@code /dev/shm} that holds it (an agent that restarts looks for
     * the regions its guests still map, wherever free pages had put them).
     */
    public Optional<Path> existing(String name) {
        checkName(name);
        for (Path dir : searchDirectories()) {
            Path path = dir.resolve(name);
            if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.of(path);
            }
        }
        return Optional.empty();
    }

    /**
     * The region files whose names start with {@code prefix} in the places {@link #existing}
     * looks (an agent that restarts looks for the link regions it left), sorted by path.
     */
    public List<Path> existingWithPrefix(String prefix) throws IOException {
        checkName(prefix);
        List<Path> found = new ArrayList<>();
        for (Path dir : searchDirectories()) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (var entries = Files.list(dir)) {
                entries.filter(p -> p.getFileName().toString().startsWith(prefix)
                        && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).forEach(found::add);
            }
        }
        found.sort(null);
        return found;
    }

    /** Where existing region files are looked for: the configured directory, else every hugetlbfs mount and /dev/shm. */
    private List<Path> searchDirectories() {
        List<Path> dirs = new ArrayList<>();
        if (directory != null) {
            dirs.add(directory);
        } else {
            hugetlbfs.get().forEach(mount -> dirs.add(mount.mountPoint()));
            dirs.add(DEV_SHM);
        }
        return dirs;
    }

    /** Whether {@code path} lies on one of the hugetlbfs mounts this policy knows. */
    boolean onHugetlbfs(Path path) {
        return hugetlbfs.get().stream().anyMatch(mount -> path.startsWith(mount.mountPoint()));
    }

    /** Deletes the file; {@code false} when it was already gone. */
    public static boolean delete(RegionFile file) {
        Objects.requireNonNull(file, "file");
        return delete(file.path());
    }

    /** Deletes a region file by path; {@code false} when it was already gone. */
    public static boolean delete(Path path) {
        try {
            Files.delete(path);
            LOG.log(System.Logger.Level.INFO, () -> "deleted region file path=" + path);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete region file path=" + path, e);
        }
    }

    private void applyOwnership(Path path) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        if (group != null) {
            UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
            GroupPrincipal principal;
            try {
                principal = lookup.lookupPrincipalByGroupName(group);
            } catch (IOException e) {
                throw new IOException("unknown group=" + group + " for region file path=" + path, e);
            }
            view.setGroup(principal);
        }
        // chmod, unlike the create mode, is not filtered by the umask
        view.setPermissions(mode);
    }

    private static void deleteAfterFailure(Path path, Exception cause) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    private static void checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("region file name must be 1..128 of [A-Za-z0-9._-], not starting"
                    + " with '.' or '-', no '/': name=\"" + name + "\"");
        }
    }
}
