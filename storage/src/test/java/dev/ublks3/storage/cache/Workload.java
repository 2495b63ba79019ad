package dev.ublks3.storage.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Random but valid changes to a {@link CacheLog}, of every record type, mirrored into a model index built by
 * applying the same records with the same sequence numbers, with the bytes every valid granule must hold.
 */
final class Workload {

    enum Kind {
        ASSIGN,
        WRITE,
        FILL,
        CLEAN,
        FREE
    }

    /**
     * One change: its sequence number, record, the WAL size after it (-1 for the records an overwrite of dirty
     * granules logs again first) and the model's bytes after it.
     */
    record Step(long seq, CacheRecord record, long walEnd, Map<Integer, byte[]> bytes) {}

    private final CacheLog log;
    private final Random random;
    private final int slots;
    private final int gps;
    private final int granule;
    private final CacheIndex model;
    private final Map<Integer, byte[]> bytes = new HashMap<>();
    final List<Step> steps = new ArrayList<>();
    final Set<Kind> kinds = EnumSet.noneOf(Kind.class);
    private long nextBlock = 100;
    private long lastSeq;
    /** The bytes "read from the store" for the Fill {@link #pick} made last. */
    private ByteBuffer fillData;

    /** A workload on {@code log}, whose index must be {@code start} now. */
    Workload(CacheLog log, long seed, CacheIndex start) {
        this.log = log;
        this.random = new Random(seed);
        this.slots = log.slots();
        this.gps = log.objectSize() / log.granule();
        this.granule = log.granule();
        this.model = start;
        this.lastSeq = log.appendedSequence();
    }

    CacheIndex model() {
        return model;
    }

    Map<Integer, byte[]> bytes() {
        return bytes;
    }

    /** A model after the first {@code n} steps, built from {@code start} by the same records. */
    CacheIndex prefix(CacheIndex start, int n) {
        for (int i = 0; i < n; i++) {
            start.apply(steps.get(i).seq(), steps.get(i).record());
        }
        return start;
    }

    void run(int count) throws IOException {
        while (steps.size() < count) {
            step();
        }
    }

    /** Makes one change (retrying kinds that do not fit the state); writes most often, to few slots, so that
     *  writes overwrite dirty granules. */
    void step() throws IOException {
        Kind[] weighted = {
            Kind.WRITE,
            Kind.WRITE,
            Kind.WRITE,
            Kind.WRITE,
            Kind.WRITE,
            Kind.FILL,
            Kind.FILL,
            Kind.CLEAN,
            Kind.CLEAN,
            Kind.ASSIGN,
            Kind.ASSIGN,
            Kind.FREE
        };
        while (true) {
            Kind kind = weighted[random.nextInt(weighted.length)];
            CacheRecord r = pick(kind);
            if (r != null) {
                apply(kind, r);
                return;
            }
        }
    }

    private CacheRecord pick(Kind kind) {
        int slot = random.nextInt(Math.min(slots, 4));
        long block = model.blockOf(slot);
        switch (kind) {
            case ASSIGN -> {
                return model.anyDirty(slot) ? null : new CacheRecord.Assign(slot, nextBlock++);
            }
            case WRITE -> {
                if (block < 0) {
                    return null;
                }
                int first = random.nextInt(gps);
                int count = 1 + random.nextInt(gps - first);
                byte[] data = new byte[count * granule];
                random.nextBytes(data);
                ByteBuffer buffer = ByteBuffer.wrap(data);
                return new CacheRecord.Write(slot, first, Crc.ofGranules(buffer, granule), buffer);
            }
            case FILL -> {
                if (block < 0) {
                    return null;
                }
                int first = 0;
                while (first < gps && model.state(slot, first) != GranuleState.INVALID) {
                    first++;
                }
                int run = 0;
                while (first + run < gps && model.state(slot, first + run) == GranuleState.INVALID) {
                    run++;
                }
                if (run == 0) {
                    return null;
                }
                byte[] data = new byte[(1 + random.nextInt(run)) * granule];
                random.nextBytes(data);
                fillData = ByteBuffer.wrap(data);
                return new CacheRecord.Fill(slot, first, Crc.ofGranules(fillData, granule));
            }
            case CLEAN -> {
                if (!model.anyDirty(slot)) {
                    return null;
                }
                // half the time an upload that a later write overtook: nothing becomes clean
                long upTo = model.lastWrite(slot) - (random.nextBoolean() ? 0 : 1);
                return new CacheRecord.Clean(slot, upTo);
            }
            case FREE -> {
                return new CacheRecord.Free(slot);
            }
        }
        throw new AssertionError(kind);
    }

    private void apply(Kind kind, CacheRecord r) throws IOException {
        long seq = switch (r) {
            case CacheRecord.Assign a -> log.assign(a.slot(), a.block());
            case CacheRecord.Write w -> log.write(w.slot(), w.firstGranule(), w.data());
            case CacheRecord.Fill f -> log.fill(f.slot(), f.firstGranule(), fillData);
            case CacheRecord.Clean c -> log.clean(c.slot(), c.upTo());
            case CacheRecord.Free f -> log.free(f.slot());
        };
        if (r instanceof CacheRecord.Write w && seq > lastSeq + 1) {
            relogged(w.slot(), seq - lastSeq - 1);
        }
        assertEquals(lastSeq + 1, seq, "sequence numbers follow each other");
        lastSeq = seq;
        model.apply(seq, r);
        switch (r) {
            case CacheRecord.Assign a -> forget(a.slot());
            case CacheRecord.Free f -> forget(f.slot());
            case CacheRecord.Write w -> keep(w.slot(), w.firstGranule(), w.data());
            case CacheRecord.Fill f -> keep(f.slot(), f.firstGranule(), fillData);
            case CacheRecord.Clean c -> {}
        }
        kinds.add(kind);
        steps.add(new Step(seq, r, log.walBytes(), Map.copyOf(bytes)));
    }

    /** Applies to the model the records the log appended to log a slot's dirty granules again. */
    private void relogged(int slot, long records) {
        int runs = 0;
        for (int g = 0; g < gps; ) {
            int end = g;
            while (end < gps && model.state(slot, end) == GranuleState.DIRTY) {
                end++;
            }
            if (end > g) {
                int[] crcs = new int[end - g];
                for (int i = 0; i < crcs.length; i++) {
                    crcs[i] = model.crc(slot, g + i);
                }
                CacheRecord.Write again = new CacheRecord.Write(slot, g, crcs, ByteBuffer.allocate(0));
                model.apply(++lastSeq, again);
                steps.add(new Step(lastSeq, again, -1, Map.copyOf(bytes)));
                runs++;
                g = end;
            } else {
                g++;
            }
        }
        assertEquals(records, runs, "the overwrite logged each run of dirty granules again");
    }

    private void forget(int slot) {
        for (int g = 0; g < gps; g++) {
            bytes.remove(slot * gps + g);
        }
    }

    private void keep(int slot, int first, ByteBuffer data) {
        for (int i = 0; i < data.remaining() / granule; i++) {
            byte[] g = new byte[granule];
            data.get(data.position() + i * granule, g);
            bytes.put(slot * gps + first + i, g);
        }
    }

    /**
     * Checks what {@code log} reads against {@code expected} (a model) and its granules' {@code bytes}: every
     * dirty granule reads back whole; a clean one reads back whole or is reported bad (a fill a crash tore), never
     * as other bytes.
     */
    static void assertReads(CacheLog log, CacheIndex expected, Map<Integer, byte[]> bytes, String where)
            throws IOException {
        int gps = expected.granulesPerSlot();
        for (int slot = 0; slot < expected.slots(); slot++) {
            for (int g = 0; g < gps; g++) {
                GranuleState state = expected.state(slot, g);
                if (state == GranuleState.INVALID) {
                    continue;
                }
                ByteBuffer into = ByteBuffer.allocate(log.granule());
                int bad = log.read(slot, g, into);
                String at = where + ": slot " + slot + " granule " + g + " (" + state + ")";
                if (state == GranuleState.DIRTY) {
                    assertEquals(-1, bad, at + " reads back");
                }
                if (bad == -1) {
                    assertArrayEquals(bytes.get(slot * gps + g), into.array(), at + " bytes");
                } else {
                    assertEquals(g, bad, at + " reported bad");
                }
            }
        }
    }
}
