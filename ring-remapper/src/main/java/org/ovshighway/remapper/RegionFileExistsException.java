package org.ovshighway.remapper;

import java.nio.file.Path;

/** A region file could not be created because a file of that name exists (it was not touched). */
public final class RegionFileExistsException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final transient Path path;

    public RegionFileExistsException(Path path) {
        super("region file already exists, refusing to overwrite: path=" + path);
        this.path = path;
    }

    public Path path() {
        return path;
    }
}
