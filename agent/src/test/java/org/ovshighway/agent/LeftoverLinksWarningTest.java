package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ovshighway.remapper.RegionFiles;

/** An agent started with bypass=false names the link regions an earlier agent left, and only those. */
class LeftoverLinksWarningTest {
    @TempDir
    Path dir;

    @Test
    void namesLeftLinkRegionsOnly() throws Exception {
        assertEquals(List.of(), HighwayAgent.warnAboutLeftoverLinks(RegionFiles.in(dir)));
        Files.writeString(dir.resolve("hwlink-17"), "x");
        Files.writeString(dir.resolve("highway-port-a"), "x");
        Files.writeString(dir.resolve("hwspare-1-1way"), "x");
        assertEquals(List.of(dir.resolve("hwlink-17")), HighwayAgent.warnAboutLeftoverLinks(RegionFiles.in(dir)));
    }
}
