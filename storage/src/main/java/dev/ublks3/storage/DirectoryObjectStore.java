package dev.ublks3.storage;

import dev.ublks3.storage.StoreException.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bucket as a directory: the object {@code a/b/c} of bucket {@code B} is the file {@code ROOT/B/a/b/c}, so the
 * object map's keys ({@code key/000000000000002a}) lay out as one directory of block files.
 *
 * <ul>
 *   <li>A PUT writes a temporary file in the object's directory, fsyncs it, renames it over the object and fsyncs
 *       the directory: a reader sees the old object or the new one, never a mix, and a crash keeps one of them.</li>
 *   <li>GET reads the range with positional reads; a file shorter than the range is CORRUPT. GET advances
 *       {@code into}'s position by the bytes read; PUT leaves {@code data}'s position alone.</li>
 *   <li>LIST walks the directories in key order (UTF-8 binary), skipping subtrees that sort before
 *       {@code startAfter}; the continuation token is the last key returned. A page costs a directory read per
 *       level it enters, so a huge flat directory makes each page proportional to its entries.</li>
 *   <li>Keys that cannot be files are refused (CLIENT_ERROR): empty, {@code .}/{@code ..} or empty segments,
 *       a segment starting with {@value #TEMP_PREFIX}. Empty directories left by deletes stay (removing them
 *       would race with a concurrent PUT into them).</li>
 *   <li>Calls run on a small executor owned by the store; the caller's thread never touches the disk.</li>
 * </ul>
 */
public final class DirectoryObjectStore implements ObjectStore {

    /** Names of in-progress PUTs; never listed, never a valid key segment. */
    public static final String TEMP_PREFIX = ".ublks3-tmp-";

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Path root;
    private final String bucket;
    private final Path bucketDir;
    private final ExecutorService executor;

    /** A store on {@code root/bucket} with 4 I/O threads. The bucket directory must exist (see {@link #createBucket}). */
    public DirectoryObjectStore(Path root, String bucket) {
        this(root, bucket, 4);
    }

    public DirectoryObjectStore(Path root, String bucket, int ioThreads) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath();
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        if (bucket.isEmpty() || bucket.contains("/") || bucket.equals(".") || bucket.equals("..")) {
            throw new IllegalArgumentException("bucket name '" + bucket + "' cannot be a directory name");
        }
        this.bucketDir = this.root.resolve(bucket);
        this.executor = Executors.newFixedThreadPool(ioThreads, r -> {
            Thread t = new Thread(r, "directory-store-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Creates {@code root/bucket} (and root) if missing. */
    public static void createBucket(Path root, String bucket) throws IOException {
        Files.createDirectories(root.resolve(bucket));
    }

    public Path bucketDirectory() {
        return bucketDir;
    }

    @Override
    public CompletableFuture<ReadOutcome> get(String key, long offset, ByteBuffer into) {
        return run("GET", key, () -> {
            Path file = objectPath("GET", key);
            int length = into.remaining();
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = channel.size();
                if (offset < 0 || offset + length > size) {
                    throw new StoreException(Kind.CORRUPT, "GET", key, "GET " + key + " asked for " + length
                            + " bytes at " + offset + " but the object has " + size + " bytes (" + file + ")");
                }
                ByteBuffer target = into.duplicate();
                long position = offset;
                while (target.hasRemaining()) {
                    int n = channel.read(target, position);
                    if (n < 0) {
                        throw new StoreException(Kind.CORRUPT, "GET", key, "GET " + key + ": " + file
                                + " ended early (truncated while reading)");
                    }
                    position += n;
                }
                into.position(into.position() + length);
                return ReadOutcome.FOUND;
            } catch (NoSuchFileException e) {
                requireBucket("GET", key);
                return ReadOutcome.ABSENT;
            } catch (IOException e) {
                if (Files.isDirectory(file)) {
                    return ReadOutcome.ABSENT; // a "directory" key holds other objects, not bytes
                }
                throw e;
            }
        });
    }

    @Override
    public CompletableFuture<Void> put(String key, ByteBuffer data) {
        ByteBuffer body = data.duplicate();
        return run("PUT", key, () -> {
            Path file = objectPath("PUT", key);
            requireBucket("PUT", key);
            Path dir = file.getParent();
            try {
                Files.createDirectories(dir);
            } catch (FileAlreadyExistsException e) {
                throw new StoreException(Kind.CLIENT_ERROR, "PUT", key, "PUT " + key + ": a path component of "
                        + dir + " is an object, so this key cannot be stored as a file");
            }
            Path temp = dir.resolve(TEMP_PREFIX + UUID.randomUUID());
            try {
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE)) {
                    while (body.hasRemaining()) {
                        channel.write(body);
                    }
                    channel.force(true);
                }
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
            fsyncDirectory(dir);
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
        return run("DELETE", key, () -> {
            deleteOne(key);
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> deleteObjects(List<String> keys) {
        if (keys.size() > MAX_DELETE_KEYS) {
            return CompletableFuture.failedFuture(new StoreException(Kind.CLIENT_ERROR, "DELETE", null,
                    "DeleteObjects takes at most " + MAX_DELETE_KEYS + " keys, got " + keys.size()));
        }
        List<String> copy = List.copyOf(keys);
        return run("DELETE", copy.isEmpty() ? null : copy.getFirst(), () -> {
            List<String> failed = new ArrayList<>();
            StoreException first = null;
            for (String key : copy) {
                try {
                    deleteOne(key);
                } catch (StoreException e) {
                    failed.add(key);
                    first = first == null ? e : first;
                }
            }
            if (first != null) {
                throw new StoreException(first.kind(), "DELETE", failed.getFirst(), 0, "DeleteObjects failed for "
                        + failed.size() + " of " + copy.size() + " keys, first: " + first.getMessage(), first);
            }
            return null;
        });
    }

    private void deleteOne(String key) throws IOException {
        Path file = objectPath("DELETE", key);
        requireBucket("DELETE", key);
        try {
            if (Files.deleteIfExists(file)) {
                fsyncDirectory(file.getParent());
            }
        } catch (DirectoryNotEmptyException e) {
            // a "directory" key is not an object: nothing to delete, like S3 deleting a missing key
        } catch (NotDirectoryException e) {
            // a path component is an object file: the key cannot exist
        }
    }

    @Override
    public CompletableFuture<ListPage> list(String prefix, String startAfter, String continuationToken, int maxKeys) {
        if (maxKeys < 1) {
            return CompletableFuture.failedFuture(new StoreException(Kind.CLIENT_ERROR, "LIST", prefix,
                    "maxKeys must be at least 1, got " + maxKeys));
        }
        return run("LIST", prefix, () -> {
            requireBucket("LIST", prefix);
            String after = startAfter;
            if (continuationToken != null) {
                String resume = new String(Base64.getUrlDecoder().decode(continuationToken), StandardCharsets.UTF_8);
                after = after == null || KeyOrder.compare(resume, after) > 0 ? resume : after;
            }
            String from = prefix == null ? "" : prefix;
            int limit = Math.min(maxKeys, 1000);
            // start in the deepest directory the prefix names completely
            String dirKey = from.substring(0, from.lastIndexOf('/') + 1);
            List<ListedObject> found = new ArrayList<>(limit + 1);
            Path start = dirKey.isEmpty() ? bucketDir : directoryOf(dirKey);
            if (start != null && Files.isDirectory(start)) {
                walk(start, dirKey, from, after, found, limit + 1);
            }
            String next = null;
            if (found.size() > limit) {
                found.removeLast();
                next = Base64.getUrlEncoder().encodeToString(found.getLast().key().getBytes(StandardCharsets.UTF_8));
            }
            return new ListPage(found, next);
        });
    }

    private record Entry(String name, boolean directory, String sortKey) {
    }

    /** Appends objects under {@code dir} (whose keys start with {@code dirKey}) in key order until {@code want}. */
    private void walk(Path dir, String dirKey, String prefix, String after, List<ListedObject> out, int want)
            throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path child : stream) {
                String name = child.getFileName().toString();
                if (name.startsWith(TEMP_PREFIX)) {
                    continue;
                }
                boolean directory = Files.isDirectory(child);
                entries.add(new Entry(name, directory, dirKey + name + (directory ? "/" : "")));
            }
        } catch (NoSuchFileException e) {
            return; // deleted while listing
        }
        // a file's key is its sort key; every key under a directory starts with "name/", so ordering the entries
        // by these sort keys orders everything beneath them
        entries.sort(Comparator.comparing(Entry::sortKey, KeyOrder.UTF8));
        for (Entry entry : entries) {
            if (out.size() >= want) {
                return;
            }
            String key = entry.sortKey();
            if (entry.directory()) {
                boolean prefixMatches = key.startsWith(prefix) || prefix.startsWith(key);
                // every key below is greater than "name/"; skip the subtree if all of them sort before `after`
                boolean allBeforeAfter = after != null && KeyOrder.compare(after, key) >= 0 && !after.startsWith(key);
                if (prefixMatches && !allBeforeAfter) {
                    walk(dir.resolve(entry.name()), key, prefix, after, out, want);
                }
            } else if (key.startsWith(prefix) && (after == null || KeyOrder.compare(key, after) > 0)) {
                try {
                    out.add(new ListedObject(key, Files.size(dir.resolve(entry.name()))));
                } catch (NoSuchFileException e) {
                    // deleted while listing
                }
            }
        }
    }

    /** Closes the executor after the calls already queued. */
    @Override
    public void close() {
        executor.shutdown();
    }

    private Path objectPath(String operation, String key) {
        Path path = key == null ? null : directoryOf(key);
        if (path == null || key.endsWith("/")) {
            throw new StoreException(Kind.CLIENT_ERROR, operation, key, operation + " '" + key
                    + "': a directory store cannot hold this key (empty, '.', '..', empty or temporary segments)");
        }
        return path;
    }

    /** The path for a key or a key prefix ending in '/', or null when a segment cannot be a file name. */
    private Path directoryOf(String key) {
        if (key.isEmpty() || key.startsWith("/") || key.indexOf('\0') >= 0) {
            return null;
        }
        Path path = bucketDir;
        String[] segments = key.split("/", -1);
        int count = key.endsWith("/") ? segments.length - 1 : segments.length;
        for (int i = 0; i < count; i++) {
            String segment = segments[i];
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.startsWith(TEMP_PREFIX)) {
                return null;
            }
            path = path.resolve(segment);
        }
        return path;
    }

    private void requireBucket(String operation, String key) {
        if (!Files.isDirectory(bucketDir)) {
            throw new StoreException(Kind.NO_SUCH_BUCKET, operation, key, "bucket '" + bucket + "' does not exist at "
                    + root + ": create it or fix --bucket");
        }
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private interface Io<T> {
        T run() throws IOException;
    }

    private <T> CompletableFuture<T> run(String operation, String key, Io<T> io) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    result.complete(io.run());
                } catch (StoreException e) {
                    result.completeExceptionally(e);
                } catch (IOException | RuntimeException e) {
                    result.completeExceptionally(new StoreException(Kind.CLIENT_ERROR, operation, key, 0,
                            operation + " " + key + " in " + bucketDir + " failed: " + e, e));
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new StoreException(Kind.CLIENT_ERROR, operation, key,
                    "the directory store on " + bucketDir + " is closed"));
        }
        return result;
    }
}
