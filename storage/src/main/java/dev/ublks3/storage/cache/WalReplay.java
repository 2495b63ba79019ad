package dev.ublks3.storage.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Replay: applies the WAL files that follow the header's snapshot (wal.N, wal.N+1, ...) in order, up to the first
 * record that is torn, fails its CRC32C or does not follow its predecessor's sequence number; then puts back from
 * the WAL every written granule whose slot bytes do not match its CRC32C (a slot write the crash tore).
 */
final class WalReplay {

    private final CacheFiles files;
    private final CacheHeader header;
    private final CacheIndex index;
    /** Per slot, the Writes replayed since its last Assign or Free, oldest first: where their data is. */
    private final Map<Integer, List<WriteAt>> writes = new HashMap<>();

    private long lastSeq;
    private long records;
    private long lastWal;
    private String stop;
    /** The bytes of WAL files after the last good record: records there were ignored. */
    private long ignoredBytes;

    private record WriteAt(long wal, long dataOffset, int first, int count) {}

    private WalReplay(CacheFiles files, CacheHeader header, CacheIndex index) {
        this.files = files;
        this.header = header;
        this.index = index;
        this.lastSeq = header.lastSeq();
        this.lastWal = header.walNumber();
    }

    /** Replays into {@code index} (loaded from the header's snapshot). */
    static WalReplay run(CacheFiles files, CacheHeader header, CacheIndex index) throws IOException {
        WalReplay replay = new WalReplay(files, header, index);
        replay.run();
        return replay;
    }

    private void run() throws IOException {
        RecordCodec codec = new RecordCodec(header.slots(), header.granulesPerSlot(), header.granule());
        if (!Files.exists(files.wal(header.walNumber()))) {
            stop = "wal." + header.walNumber() + " is missing";
            return;
        }
        for (long number = header.walNumber(); stop == null && Files.exists(files.wal(number)); number++) {
            lastWal = number;
            try (WalReader reader = new WalReader(files.wal(number), header.cacheId(), number, codec)) {
                for (WalReader.Entry e = reader.next(); e != null; e = reader.next()) {
                    if (e.seq() != lastSeq + 1) {
                        stop = "wal." + number + " at byte " + e.offset() + " has sequence number " + e.seq()
                                + " where " + (lastSeq + 1) + " follows";
                        ignoredFrom(number, e.offset());
                        return;
                    }
                    apply(number, e);
                }
                if (reader.stop() != null) {
                    stop = "wal." + number + " " + reader.stop() + " at byte " + reader.goodBytes();
                    ignoredFrom(number, reader.goodBytes());
                }
            }
        }
    }

    /** Counts the WAL bytes from {@code offset} of {@code wal} on, through every later WAL file. */
    private void ignoredFrom(long wal, long offset) throws IOException {
        ignoredBytes = Files.size(files.wal(wal)) - offset;
        for (long n : files.walNumbers()) {
            if (n > wal) {
                ignoredBytes += Files.size(files.wal(n));
            }
        }
    }

    private void apply(long wal, WalReader.Entry e) throws CacheException {
        try {
            index.apply(e.seq(), e.record());
        } catch (IllegalArgumentException | IllegalStateException x) {
            throw new CacheException("cache " + files.dir() + ": wal." + wal + " record " + e.seq()
                    + " cannot apply (" + x.getMessage() + "): the cache is damaged; remove " + files.dir()
                    + " to discard it (its dirty data is lost)");
        }
        switch (e.record()) {
            case CacheRecord.Assign a -> writes.remove(a.slot());
            case CacheRecord.Free f -> writes.remove(f.slot());
            case CacheRecord.Write w ->
                writes.computeIfAbsent(w.slot(), s -> new ArrayList<>())
                        .add(new WriteAt(wal, e.dataOffset(), w.firstGranule(), w.crcs().length));
            default -> {}
        }
        lastSeq = e.seq();
        records++;
    }

    long lastSeq() {
        return lastSeq;
    }

    /**
     * A sequence number at or above every one the ignored WAL bytes may hold (as many records as fit in them), so
     * that numbering goes on above them: sequence numbers never repeat, even those of records never replayed.
     */
    long highestSeqWritten() {
        return lastSeq + ignoredBytes / RecordCodec.MIN_FRAME_BYTES;
    }

    long records() {
        return records;
    }

    /** The number of the last WAL file read. */
    long lastWal() {
        return lastWal;
    }

    /** Why replay stopped before the end of the last WAL file, or null when it read every record. */
    String stop() {
        return stop;
    }

    /**
     * Writes back from the WAL each granule a replayed Write left valid whose slot bytes do not match its CRC32C;
     * returns how many it wrote.
     */
    int restore(SlotFile data) throws IOException {
        int granule = header.granule();
        long objectSize = header.identity().objectSize();
        ByteBuffer slotBytes = ByteBuffer.allocate(granule);
        ByteBuffer walBytes = ByteBuffer.allocate(granule);
        Map<Long, FileChannel> wals = new HashMap<>();
        int restored = 0;
        try {
            for (Map.Entry<Integer, List<WriteAt>> slotWrites : writes.entrySet()) {
                int slot = slotWrites.getKey();
                WriteAt[] latest = new WriteAt[header.granulesPerSlot()];
                for (WriteAt w : slotWrites.getValue()) {
                    for (int g = w.first(); g < w.first() + w.count(); g++) {
                        latest[g] = w;
                    }
                }
                for (int g = 0; g < latest.length; g++) {
                    if (latest[g] == null || index.state(slot, g) == GranuleState.INVALID) {
                        continue;
                    }
                    long at = slot * objectSize + (long) g * granule;
                    data.read(at, slotBytes.clear());
                    if (Crc.of(slotBytes) == index.crc(slot, g)) {
                        continue;
                    }
                    WriteAt w = latest[g];
                    FileChannel wal = wals.get(w.wal());
                    if (wal == null) {
                        wal = FileChannel.open(files.wal(w.wal()), StandardOpenOption.READ);
                        wals.put(w.wal(), wal);
                    }
                    long from = w.dataOffset() + (long) (g - w.first()) * granule;
                    if (FileIo.readFully(wal, walBytes.clear(), from) != granule
                            || Crc.of(walBytes) != index.crc(slot, g)) {
                        throw new CacheException("cache " + files.dir() + ": wal." + w.wal() + " changed during"
                                + " replay: remove " + files.dir() + " to discard the cache");
                    }
                    data.write(at, walBytes);
                    restored++;
                }
            }
        } finally {
            for (FileChannel wal : wals.values()) {
                wal.close();
            }
        }
        return restored;
    }
}
