package dev.ublks3.storage;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The port to a bucket of objects: what the object map needs from S3, and nothing more.
 *
 * <p>Every call is asynchronous and never blocks the caller's thread. Failures complete the future
 * exceptionally with a {@link StoreException} whose kind says whether a retry can help. Keys are full
 * object keys (e.g. {@code "disk1/000000000000002a"}); the store knows nothing of blocks.
 *
 * <p>Implementations: S3 (CRT async client); memory, in the tests. Layers (stats, retry, delete batching)
 * wrap another store and override only what they change, see {@link ObjectStoreLayer}.
 */
public interface ObjectStore extends AutoCloseable {

    /** The largest number of keys one {@link #deleteObjects} call takes (S3's DeleteObjects limit). */
    int MAX_DELETE_KEYS = 1000;

    /**
     * Ranged GET of {@code into.remaining()} bytes at {@code offset} of the object, written into {@code into}
     * from its position. Completes with {@link ReadOutcome#ABSENT} (and {@code into} untouched) when the object
     * does not exist; with {@link ReadOutcome#FOUND} when exactly that many bytes were read. A short object
     * (fewer bytes than asked) is a {@link StoreException.Kind#CORRUPT} error, never partial data, and so is a
     * stored checksum that does not match the bytes read, where the store keeps one (S3: the CRC32C of every
     * granule the range touches, from the object's metadata, whatever the range; objects written without it, e.g.
     * by nbdkit, read unverified). The message names the key and both lengths (or both checksums). A store that
     * knows the device's object size (S3: {@code S3ObjectStore.open(config, objectSize)}) also fails CORRUPT a read
     * (of any range, or of zero bytes) of an object of any other size, naming both sizes and the fix: it was written
     * by a device of another object size, and a read-modify-write would cut it short or pad it. The memory store,
     * which no device is served from, takes objects of any size.
     * On FOUND, {@code into}'s position has advanced by the bytes read (like a channel read); on ABSENT or a
     * failure it is unchanged (the bytes after it are unspecified on failure).
     * The caller must not touch {@code into} until the future completes.
     */
    CompletableFuture<ReadOutcome> get(String key, long offset, ByteBuffer into);

    /**
     * PUT of the whole object: {@code data.remaining()} bytes from its position. Replaces any previous object.
     * {@code data}'s position is left alone. The caller must not change the bytes until the future completes
     * (an implementation may send them without copying).
     */
    CompletableFuture<Void> put(String key, ByteBuffer data);

    /** Deletes one object; deleting a missing object succeeds. */
    CompletableFuture<Void> delete(String key);

    /** Deletes up to {@link #MAX_DELETE_KEYS} objects in one request; missing ones count as deleted. */
    CompletableFuture<Void> deleteObjects(List<String> keys);

    /**
     * One page of a listing, objects (keys and sizes) in ascending (UTF-8 binary) key order: keys that start with
     * {@code prefix} and sort
     * after {@code startAfter} (null: from the start), continuing from {@code continuationToken} (null: first
     * page), at most {@code maxKeys} (S3 caps it at 1000).
     */
    CompletableFuture<ListPage> list(String prefix, String startAfter, String continuationToken, int maxKeys);

    /** Whether a GET found the object. */
    enum ReadOutcome {
        FOUND,
        ABSENT
    }

    /** One page of objects, with their sizes; {@code nextContinuationToken} is null on the last page. */
    record ListPage(List<ListedObject> objects, String nextContinuationToken) {
        public ListPage {
            objects = List.copyOf(objects);
        }

        /** The objects' keys, in order. */
        public List<String> keys() {
            return objects.stream().map(ListedObject::key).toList();
        }

        public boolean isLast() {
            return nextContinuationToken == null;
        }
    }

    /** An object a LIST found: its key and its size in bytes (-1 when the server did not say). */
    record ListedObject(String key, long size) {}

    /** Releases connections and threads. Pending futures may fail. */
    @Override
    void close();
}
