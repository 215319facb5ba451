package org.ovshighway.remapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongUnaryOperator;

/** The hugetlbfs mounts of this machine, read from {@code /proc/mounts} and sysfs. */
public final class HugetlbfsMounts {
    private static final Path PROC_MOUNTS = Path.of("/proc/mounts");
    private static final Path PROC_MEMINFO = Path.of("/proc/meminfo");
    private static final Path SYS_HUGEPAGES = Path.of("/sys/kernel/mm/hugepages");

    private HugetlbfsMounts() {
    }

    /** The mounts now, each with the free page count of its page size. */
    public static List<HugetlbfsMount> current() {
        try {
            long defaultPageSize = defaultPageSize(Files.readString(PROC_MEMINFO));
            return parse(Files.readString(PROC_MOUNTS), defaultPageSize, HugetlbfsMounts::freePagesOfSize);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + PROC_MOUNTS + " / " + PROC_MEMINFO + " failed", e);
        }
    }

    /**
     * Parses {@code /proc/mounts} text. A mount without a {@code pagesize=} option uses
     * {@code defaultPageSize} (the kernel's default, "Hugepagesize" in /proc/meminfo); a
     * {@code defaultPageSize} of 0 means the kernel has no huge pages, so such mounts are skipped.
     */
    static List<HugetlbfsMount> parse(String procMounts, long defaultPageSize, LongUnaryOperator freePagesOfSize) {
        List<HugetlbfsMount> mounts = new ArrayList<>();
        for (String line : procMounts.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 4 || !fields[2].equals("hugetlbfs")) {
                continue;
            }
            long pageSize = defaultPageSize;
            for (String option : fields[3].split(",")) {
                if (option.startsWith("pagesize=")) {
                    pageSize = parseSize(option.substring("pagesize=".length()), line);
                }
            }
            if (pageSize > 0) {
                mounts.add(new HugetlbfsMount(Path.of(unescape(fields[1])), pageSize,
                        freePagesOfSize.applyAsLong(pageSize)));
            }
        }
        return mounts;
    }

    /** "Hugepagesize:       2048 kB" from /proc/meminfo, in bytes; 0 when absent. */
    static long defaultPageSize(String meminfo) {
        for (String line : meminfo.split("\n")) {
            if (line.startsWith("Hugepagesize:")) {
                String[] fields = line.substring("Hugepagesize:".length()).trim().split("\\s+");
                long value = Long.parseLong(fields[0]);
                if (fields.length < 2 || !fields[1].equals("kB")) {
                    throw new IllegalArgumentException("unexpected unit in /proc/meminfo line=\"" + line + "\"");
                }
                return value * 1024;
            }
        }
        return 0;
    }

    /** "2M", "1G", "2048k", "2097152" as written by the kernel in a pagesize= option. */
    static long parseSize(String text, String line) {
        String t = text.toUpperCase(Locale.ROOT);
        long multiplier = switch (t.isEmpty() ? ' ' : t.charAt(t.length() - 1)) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            default -> 1;
        };
        String digits = multiplier == 1 ? t : t.substring(0, t.length() - 1);
        try {
            return Long.parseLong(digits) * multiplier;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad hugetlbfs pagesize=" + text + " in /proc/mounts line=\"" + line + "\"", e);
        }
    }

    /** /proc/mounts writes space, tab, newline and backslash in paths as octal escapes. */
    static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }

    private static long freePagesOfSize(long pageSize) {
        Path file = SYS_HUGEPAGES.resolve("hugepages-" + (pageSize / 1024) + "kB").resolve("free_hugepages");
        try {
            return Files.exists(file) ? Long.parseLong(Files.readString(file).trim()) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file + " failed", e);
        }
    }
}
