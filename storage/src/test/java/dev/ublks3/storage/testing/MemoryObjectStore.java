package dev.ublks3.storage.testing;

import dev.ublks3.storage.KeyOrder;
import dev.ublks3.storage.ObjectStore;
import dev.ublks3.storage.StoreException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.NavigableMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * An in-memory bucket for fast unit tests. Keys sort by code point, which is S3's UTF-8 binary order
 * ({@link String#compareTo} compares UTF-16 units and differs for characters above U+FFFF).
 *
 * <p>Every call completes before it returns, on the caller's thread. Objects are copied in and out, so a caller
 * may reuse its buffers. {@link #get} advances {@code into}'s position by the bytes read (like a channel read);
 * {@link #put} leaves {@code data}'s position alone.
 */
public final class MemoryObjectStore implements ObjectStore {

    private final NavigableMap<String, byte[]> objects = new ConcurrentSkipListMap<>(KeyOrder.UTF8);
    /** Non-null: the name of the bucket that does not exist, and every call fails like S3 would. */
    private final String missingBucket;

    private volatile boolean closed;

    /** An empty bucket. */
    public MemoryObjectStore() {
        this(null);
    }

    private MemoryObjectStore(String missingBucket) {
        this.missingBucket = missingBucket;
    }

    /** A store whose bucket does not exist: every call fails with {@link StoreException.Kind#NO_SUCH_BUCKET}. */
    public static MemoryObjectStore onMissingBucket(String bucket) {
        return new MemoryObjectStore(bucket);
    }

    @Override
    public CompletableFuture<ReadOutcome> get(String key, long offset, ByteBuffer into) {
        if (closed || missingBucket != null) {
            return unusable("GET", key);
        }
        byte[] object = objects.get(key);
        if (object == null) {
            return CompletableFuture.completedFuture(ReadOutcome.ABSENT);
        }
        int length = into.remaining();
        if (offset < 0 || offset + length > object.length) {
            return CompletableFuture.failedFuture(new StoreException(
                    StoreException.Kind.CORRUPT,
                    "GET",
                    key,
                    "object " + key + " has " + object.length + " bytes, asked for " + length + " at " + offset));
        }
        into.put(object, (int) offset, length);
        return CompletableFuture.completedFuture(ReadOutcome.FOUND);
    }

    @Override
    public CompletableFuture<Void> put(String key, ByteBuffer data) {
        if (closed || missingBucket != null) {
            return unusable("PUT", key);
        }
        byte[] copy = new byte[data.remaining()];
        data.duplicate().get(copy);
        objects.put(key, copy);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
        if (closed || missingBucket != null) {
            return unusable("DELETE", key);
        }
        objects.remove(key);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> deleteObjects(List<String> keys) {
        if (closed || missingBucket != null) {
            return unusable("DELETE", null);
        }
        if (keys.size() > MAX_DELETE_KEYS) {
            return CompletableFuture.failedFuture(new StoreException(
                    StoreException.Kind.CLIENT_ERROR,
                    "DELETE",
                    null,
                    "DeleteObjects takes at most " + MAX_DELETE_KEYS + " keys, got " + keys.size()));
        }
        keys.forEach(objects::remove);
        return CompletableFuture.completedFuture(null);
    }

    /** The continuation token is the last key returned, Base64-encoded so callers treat it as opaque. */
    @Override
    public CompletableFuture<ListPage> list(String prefix, String startAfter, String continuationToken, int maxKeys) {
        if (closed || missingBucket != null) {
            return unusable("LIST", prefix);
        }
        if (maxKeys < 1) {
            return CompletableFuture.failedFuture(new StoreException(
                    StoreException.Kind.CLIENT_ERROR, "LIST", prefix, "maxKeys must be at least 1, got " + maxKeys));
        }
        int limit = Math.min(maxKeys, 1000);
        String after = startAfter;
        if (continuationToken != null) {
            String resumeAfter = new String(Base64.getUrlDecoder().decode(continuationToken), StandardCharsets.UTF_8);
            if (after == null || KeyOrder.compare(resumeAfter, after) > 0) {
                after = resumeAfter;
            }
        }
        String from = prefix == null ? "" : prefix;
        if (after != null && KeyOrder.compare(after, from) >= 0) {
            from = after;
        }
        NavigableMap<String, byte[]> tail = objects.tailMap(from, !from.equals(after));
        List<ListedObject> found = new ArrayList<>(limit);
        boolean more = false;
        for (var entry : tail.entrySet()) {
            String key = entry.getKey();
            if (prefix != null && !key.startsWith(prefix)) {
                break; // keys with a prefix are contiguous in sorted order: past them, nothing more can match
            }
            if (found.size() == limit) {
                more = true;
                break;
            }
            found.add(new ListedObject(key, entry.getValue().length));
        }
        String next = more
                ? Base64.getUrlEncoder().encodeToString(found.getLast().key().getBytes(StandardCharsets.UTF_8))
                : null;
        return CompletableFuture.completedFuture(new ListPage(found, next));
    }

    /** The keys stored, in listing order (for assertions in tests). */
    public List<String> keys() {
        return List.copyOf(objects.keySet());
    }

    /** A copy of the object's bytes, or null when it does not exist (for assertions in tests). */
    public byte[] object(String key) {
        byte[] object = objects.get(key);
        return object == null ? null : object.clone();
    }

    /** Further calls fail with {@link StoreException.Kind#CLIENT_ERROR}; the objects stay readable via {@link #object}. */
    @Override
    public void close() {
        closed = true;
    }

    private <T> CompletableFuture<T> unusable(String operation, String key) {
        if (missingBucket != null) {
            return CompletableFuture.failedFuture(new StoreException(
                    StoreException.Kind.NO_SUCH_BUCKET,
                    operation,
                    key,
                    404,
                    "bucket " + missingBucket + " does not exist (memory store)",
                    null));
        }
        return CompletableFuture.failedFuture(
                new StoreException(StoreException.Kind.CLIENT_ERROR, operation, key, "the memory store is closed"));
    }
}
