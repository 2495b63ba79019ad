package dev.ublks3.storage.cache;

import static dev.ublks3.storage.cache.CacheTesting.IDENTITY;
import static dev.ublks3.storage.cache.CacheTesting.SLOTS;
import static dev.ublks3.storage.cache.CacheTesting.assertSameIndex;
import static dev.ublks3.storage.cache.CacheTesting.copy;
import static dev.ublks3.storage.cache.CacheTesting.open;
import static dev.ublks3.storage.cache.CacheTesting.snapshotOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay of a WAL of a few dozen records of every type, cut short at every record boundary and at many offsets
 * inside records, with a bit flipped in each part of each record, with a record duplicated and one left out:
 * every reopen yields the index after the last good record (an index built by applying the same records), reads
 * every dirty granule back whole, and never serves a clean one that does not match.
 */
class WalReplayTest {

    private static final int RECORDS = 40;

    @TempDir
    Path tmp;

    private Path template;
    private Workload workload;
    private String walName;
    private byte[] wal;
    private int copies;

    @BeforeEach
    void writeTemplate() throws IOException {
        template = tmp.resolve("template");
        CacheLog log = open(template);
        workload = new Workload(log, 17, snapshotOf(log));
        workload.run(RECORDS);
        assertEquals(EnumSet.allOf(Workload.Kind.class), workload.kinds, "every record type is in the WAL");
        assertEquals(RECORDS, workload.steps.size(), "no checkpoint since open: no dirty granule was logged again");
        log.abandon();
        long wals;
        try (var files = Files.list(template)) {
            wals = files.filter(f -> f.getFileName().toString().startsWith("wal."))
                    .count();
        }
        assertEquals(1, wals, "one WAL file");
        long number = new CacheFiles(template).walNumbers().getFirst();
        walName = "wal." + number;
        wal = Files.readAllBytes(template.resolve(walName));
        assertEquals(workload.steps.getLast().walEnd(), wal.length);
    }

    /** Where record {@code i} starts in the WAL file. */
    private long start(int i) {
        return i == 0 ? WalSegment.HEADER_BYTES : workload.steps.get(i - 1).walEnd();
    }

    /** A copy of the template whose WAL file holds {@code bytes}; reopened, it must equal the first {@code good} steps. */
    private void assertReopens(byte[] bytes, int good, String what) throws IOException {
        Path dir = copy(template, tmp.resolve("copy-" + copies++));
        Files.write(dir.resolve(walName), bytes);
        CacheIndex expected = workload.prefix(new CacheIndex(SLOTS, IDENTITY.granulesPerSlot()), good);
        Map<Integer, byte[]> expectedBytes =
                good == 0 ? Map.of() : workload.steps.get(good - 1).bytes();
        try (CacheLog log = open(dir)) {
            assertSameIndex(expected, snapshotOf(log), what);
            Workload.assertReads(log, expected, expectedBytes, what);
        }
        // the checkpoint after replay holds it: reopening again changes nothing
        try (CacheLog log = open(dir)) {
            assertSameIndex(expected, snapshotOf(log), what + ", reopened");
        }
        deleteTree(dir);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    private int recordsWithin(long bytes) {
        int n = 0;
        while (n < workload.steps.size() && workload.steps.get(n).walEnd() <= bytes) {
            n++;
        }
        return n;
    }

    @Test
    void everyCutYieldsTheRecordsBeforeIt() throws IOException {
        NavigableSet<Long> cuts = new TreeSet<>();
        for (int i = 0; i <= RECORDS; i++) {
            long at = i == RECORDS ? wal.length : start(i);
            cuts.add(at);
            if (i < RECORDS) {
                long end = workload.steps.get(i).walEnd();
                // inside the length, after it, inside the CRC32C, after the type, the middle, the last byte
                for (long inside :
                        new long[] {at + 1, at + 4, at + 6, at + RecordCodec.HEAD_BYTES, (at + end) / 2, end - 1}) {
                    cuts.add(inside);
                }
            }
        }
        for (long at = 0; at < wal.length; at += 997) {
            cuts.add(at);
        }
        for (long cut : cuts) {
            byte[] bytes = java.util.Arrays.copyOf(wal, (int) cut);
            assertReopens(bytes, recordsWithin(cut), "WAL cut at byte " + cut + " of " + wal.length);
        }
    }

    @Test
    void aFlippedBitStopsReplayBeforeItsRecord() throws IOException {
        for (int i = 0; i < RECORDS; i++) {
            long at = start(i);
            long end = workload.steps.get(i).walEnd();
            for (long flip :
                    new long[] {at + 2, at + 5, at + 12, at + 16, at + RecordCodec.HEAD_BYTES, (at + end) / 2, end - 1
                    }) {
                byte[] bytes = wal.clone();
                bytes[(int) flip] ^= (byte) (1 << (flip % 8));
                assertReopens(bytes, i, "bit " + flip % 8 + " of byte " + flip + " flipped, in record " + i);
            }
        }
    }

    @Test
    void aDuplicatedOrMissingRecordStopsReplay() throws IOException {
        for (int i : new int[] {0, 1, RECORDS / 2, RECORDS - 1}) {
            int from = (int) start(i);
            int to = (int) workload.steps.get(i).walEnd();
            ByteBuffer doubled = ByteBuffer.allocate(wal.length + to - from);
            doubled.put(wal, 0, to).put(wal, from, to - from).put(wal, to, wal.length - to);
            assertReopens(doubled.array(), i + 1, "record " + i + " twice");

            ByteBuffer missing = ByteBuffer.allocate(wal.length - (to - from));
            missing.put(wal, 0, from).put(wal, to, wal.length - to);
            assertReopens(missing.array(), i, "record " + i + " left out");
        }
    }

    @Test
    void newRecordsAfterABadRecordReplayAndNumberAboveIt() throws IOException {
        int good = RECORDS / 2;
        Path dir = copy(template, tmp.resolve("bad"));
        byte[] bytes = wal.clone();
        bytes[(int) start(good) + 9] ^= 4;
        Files.write(dir.resolve(walName), bytes);
        CacheIndex expected = workload.prefix(new CacheIndex(SLOTS, IDENTITY.granulesPerSlot()), good);
        long seq;
        try (CacheLog log = open(dir)) {
            int slot = 0;
            while (expected.anyDirty(slot)) {
                slot++;
            }
            seq = log.assign(slot, 7777);
            expected.apply(seq, new CacheRecord.Assign(slot, 7777));
            log.abandon();
        }
        // the records after the bad one are still on disk, ignored: their numbers are not given again
        assertTrue(seq > workload.steps.getLast().seq(), "numbering goes on above every record on disk: " + seq);
        try (CacheLog log = open(dir)) {
            assertSameIndex(expected, snapshotOf(log), "a record appended after a bad one");
        }
    }
}
