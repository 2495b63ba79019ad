package dev.ublks3.storage.cache;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The header: what the cache belongs to and where its last checkpoint is. Stored in a 4 KiB copy ending in the
 * CRC32C of the rest; {@link HeaderFile} keeps two copies and writes them alternately.
 *
 * @param generation counts the headers written; the valid copy with the higher one counts
 * @param cacheId random at creation; the snapshot and WAL files carry it, so files of another cache never apply
 * @param snapshotFile which snapshot file (0 or 1) holds the checkpoint's index
 * @param lastSeq the sequence number of the last record the snapshot includes
 * @param walNumber the WAL file that follows the snapshot (later ones may follow it)
 */
record CacheHeader(
        long generation,
        long cacheId,
        CacheIdentity identity,
        int slots,
        int snapshotFile,
        long snapshotBytes,
        int snapshotCrc,
        long lastSeq,
        long walNumber) {

    static final int COPY_BYTES = 4096;
    private static final long MAGIC = 0x55424c4b53334844L; // "UBLKS3HD"
    private static final int VERSION = 1;

    int granule() {
        return identity.granule();
    }

    int granulesPerSlot() {
        return identity.granulesPerSlot();
    }

    /** The next checkpoint's header. */
    CacheHeader next(int snapshotFile, long snapshotBytes, int snapshotCrc, long lastSeq, long walNumber) {
        return new CacheHeader(
                generation + 1, cacheId, identity, slots, snapshotFile, snapshotBytes, snapshotCrc, lastSeq, walNumber);
    }

    /** The identity and slot count as one line for messages. */
    String describe() {
        return identity.describe() + " (" + slots + " slots)";
    }

    /** Whether the store and key fit a header copy. */
    static boolean fits(CacheIdentity identity) {
        return 80 + utf8(identity.store()).length + utf8(identity.key()).length <= COPY_BYTES - 4;
    }

    ByteBuffer encode() {
        ByteBuffer copy = ByteBuffer.allocate(COPY_BYTES);
        byte[] store = utf8(identity.store());
        byte[] key = utf8(identity.key());
        copy.putLong(MAGIC)
                .putInt(VERSION)
                .putLong(generation)
                .putLong(cacheId)
                .putInt(identity.objectSize())
                .putInt(slots)
                .putInt(snapshotFile)
                .putLong(snapshotBytes)
                .putInt(snapshotCrc)
                .putLong(lastSeq)
                .putLong(walNumber)
                .putInt(store.length)
                .put(store)
                .putInt(key.length)
                .put(key);
        copy.putInt(COPY_BYTES - 4, Crc.of(copy.array(), 0, COPY_BYTES - 4));
        return copy.clear();
    }

    /** The header in a 4 KiB copy, or null when the copy is not a valid one. */
    static CacheHeader decode(ByteBuffer copy) {
        if (copy.remaining() != COPY_BYTES) {
            return null;
        }
        ByteBuffer in = copy.slice();
        if (in.getInt(COPY_BYTES - 4) != Crc.of(in.slice(0, COPY_BYTES - 4))
                || in.getLong() != MAGIC
                || in.getInt() != VERSION) {
            return null;
        }
        try {
            long generation = in.getLong();
            long cacheId = in.getLong();
            int objectSize = in.getInt();
            int slots = in.getInt();
            int snapshotFile = in.getInt();
            long snapshotBytes = in.getLong();
            int snapshotCrc = in.getInt();
            long lastSeq = in.getLong();
            long walNumber = in.getLong();
            String store = string(in);
            String key = string(in);
            if (slots < 1 || (snapshotFile != 0 && snapshotFile != 1)) {
                return null;
            }
            return new CacheHeader(
                    generation,
                    cacheId,
                    new CacheIdentity(store, key, objectSize),
                    slots,
                    snapshotFile,
                    snapshotBytes,
                    snapshotCrc,
                    lastSeq,
                    walNumber);
        } catch (RuntimeException e) {
            // a CRC-valid copy with impossible fields: not one of ours
            return null;
        }
    }

    private static String string(ByteBuffer in) {
        byte[] bytes = new byte[in.getInt()];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
