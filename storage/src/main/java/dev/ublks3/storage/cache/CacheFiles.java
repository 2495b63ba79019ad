package dev.ublks3.storage.cache;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** The files of a cache directory, by name (see docs/cache.md). */
record CacheFiles(Path dir) {

    static final String LOCK = "lock";
    static final String HEADER = "header";
    static final String DATA = "data";
    static final String RESERVE = "reserve";
    private static final String WAL_PREFIX = "wal.";

    Path lock() {
        return dir.resolve(LOCK);
    }

    Path header() {
        return dir.resolve(HEADER);
    }

    Path headerTemp() {
        return dir.resolve(HEADER + ".tmp");
    }

    Path data() {
        return dir.resolve(DATA);
    }

    Path reserve() {
        return dir.resolve(RESERVE);
    }

    Path snapshot(int which) {
        return dir.resolve("snapshot." + which);
    }

    Path wal(long number) {
        return dir.resolve(WAL_PREFIX + number);
    }

    /** The numbers of the WAL files present, in no particular order. */
    List<Long> walNumbers() throws IOException {
        List<Long> numbers = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, WAL_PREFIX + "*")) {
            for (Path file : files) {
                try {
                    numbers.add(Long.parseLong(file.getFileName().toString().substring(WAL_PREFIX.length())));
                } catch (NumberFormatException notOurs) {
                    // not a WAL of ours: left alone
                }
            }
        }
        return numbers;
    }

    /** The names in the directory other than the lock file. */
    List<String> otherThanLock() throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                if (!file.getFileName().toString().equals(LOCK)) {
                    names.add(file.getFileName().toString());
                }
            }
        }
        return names;
    }

    /** Makes the directory's entries (files created, renamed, deleted) durable. */
    void syncDirectory() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
