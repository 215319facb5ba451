package org.ovshighway.guest.mapping;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * A region file mapped read-write and shared (open O_RDWR, fstat, mmap MAP_SHARED, close fd;
 * munmap on {@link #close()}). Works on {@code /dev/shm} and hugetlbfs files and on a sysfs
 * ivshmem {@code resource2}, which can only be mmapped. The segment belongs to a shared arena:
 * any thread may use it; after {@code close()} every access throws {@link IllegalStateException}
 * instead of touching unmapped memory.
 */
public final class MappedRegion implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MappedRegion.class.getName());

    private final Path path;
    private final Arena arena;
    private final MemorySegment segment;
    private final long systemCallNanos;

    private MappedRegion(Path path, Arena arena, MemorySegment segment, long systemCallNanos) {
        this.path = path;
        this.arena = arena;
        this.segment = segment;
        this.systemCallNanos = systemCallNanos;
    }

    /**
     * Maps the whole of {@code path}.
     *
     * @throws NativeCallException naming the failing call, the path and errno
     * @throws IOException         when the file is empty
     */
    public static MappedRegion map(Path path) throws IOException {
        String name = path.toString();
        long t0 = System.nanoTime();
        int fd = OpenCall.open(name, OpenCall.O_RDWR | OpenCall.O_CLOEXEC);
        long inCalls = System.nanoTime() - t0;
        long size;
        long address;
        try {
            long t1 = System.nanoTime();
            size = FstatCall.size(fd, name);
            inCalls += System.nanoTime() - t1;
            if (size <= 0) {
                throw new IOException("cannot map an empty region file: path=" + name + " size=" + size);
            }
            long t2 = System.nanoTime();
            address = MmapCall.mapShared(fd, size, name);
            inCalls += System.nanoTime() - t2;
        } finally {
            // the mapping keeps the file referenced; the descriptor is not needed after mmap
            long t3 = System.nanoTime();
            try {
                CloseCall.close(fd, name);
            } catch (NativeCallException e) {
                LOG.log(System.Logger.Level.WARNING, e.getMessage());
            }
            inCalls += System.nanoTime() - t3;
        }
        Arena arena = Arena.ofShared();
        long length = size;
        MemorySegment segment = MemorySegment.ofAddress(address).reinterpret(length, arena, s -> unmap(s, length, name));
        return new MappedRegion(path, arena, segment, inCalls);
    }

    private static void unmap(MemorySegment s, long length, String name) {
        try {
            MunmapCall.unmap(s.address(), length, name);
        } catch (NativeCallException e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage());
        }
    }

    /** The whole mapping; its byte size is the file size. */
    public MemorySegment segment() {
        return segment;
    }

    /** Bytes mapped. */
    public long size() {
        return segment.byteSize();
    }

    /**
     * Wall time spent in the system calls that made this mapping (open, fstat, mmap, close): the
     * kernel's share of {@link #map}, for the guest library's timing lines.
     */
    public long systemCallNanos() {
        return systemCallNanos;
    }

    /** The file mapped. */
    public Path path() {
        return path;
    }

    /** Unmaps. Accesses through {@link #segment()} after this throw IllegalStateException. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "MappedRegion[path=" + path + ", size=" + segment.byteSize() + "]";
    }
}
