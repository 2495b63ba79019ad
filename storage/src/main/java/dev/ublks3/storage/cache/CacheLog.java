package dev.ublks3.storage.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * The persistent cache's files: the data file of slots, the WAL of {@link CacheRecord}s and the checkpoints
 * (docs/cache.md). Every change is appended to the WAL under {@link #lock()}, then applied to {@link #index()}.
 *
 * <p>Calls for one slot must not overlap (the device layer orders the I/O of one object): a slot's bytes are
 * written before its record is appended, outside the lock. Do not interrupt threads calling in: an interrupt
 * during file I/O closes the file (a FileChannel rule), and the log then fails every later call.
 */
public final class CacheLog implements AutoCloseable {

    private final CacheFiles files;
    private final DirectoryLock dirLock;
    private final HeaderFile header;
    private final SlotFile data;
    private final CacheIndex index;
    private final RecordCodec codec;
    private final Consumer<String> log;
    private final long walLimit;
    private final CheckpointHook hook;
    private final SpaceReserve reserve;
    private final int objectSize;
    private final int granule;
    private final ReentrantLock lock = new ReentrantLock();
    /** One checkpoint at a time; also guards {@link #nextWalNumber} and closing. */
    private final ReentrantLock checkpointLock = new ReentrantLock();
    /**
     * Held (shared) by an overwrite of dirty granules from its check to its append, and (exclusive) by a
     * checkpoint's switch of WAL files: a switch never falls between them (see {@link DirtyOverwrite}).
     */
    private final ReentrantReadWriteLock switchGate = new ReentrantReadWriteLock();
    /** The last sequence number before the last switch of WAL files: records up to it will be retired. */
    private long switchedSeq;
    /** Slots whose dirty granules were all logged again since the last switch, and the first such record. */
    private final Map<Integer, Long> relogged = new HashMap<>();

    private final GroupSync groupSync;
    private final ExecutorService checkpointer;
    private final AtomicBoolean checkpointQueued = new AtomicBoolean();
    /** The WAL files not yet covered by a durable checkpoint, oldest first; appends go to the last. */
    private volatile List<WalSegment> segments = List.of();

    private volatile long appendedSeq;
    private long nextSeq;
    private long nextWalNumber;
    /** Bytes appended in all; a failed background checkpoint is retried only after another limit's worth. */
    private long appendedBytes;

    private long checkpointRetryAt;
    /** Set when an append failed and could not be cut back: nothing more may be appended until a checkpoint. */
    private volatile IOException broken;
    /** Set when an append failed (a full disk, most likely): the next checkpoint uses the space reserve. */
    private volatile boolean roomWanted;
    /** WAL appends and syncs that failed. */
    private final AtomicLong walErrors = new AtomicLong();
    /** Checkpoints completed; written under {@link #checkpointLock}. */
    private volatile long checkpoints;

    private volatile boolean closed;

    private CacheLog(
            CacheOpening.Opened opened,
            CacheIdentity identity,
            Consumer<String> log,
            CacheLogOptions options,
            CheckpointHook hook) {
        this.files = opened.files();
        this.dirLock = opened.lock();
        this.header = opened.header();
        this.data = opened.data();
        this.index = opened.index();
        this.objectSize = identity.objectSize();
        this.granule = identity.granule();
        this.codec = new RecordCodec(index.slots(), index.granulesPerSlot(), granule);
        this.log = line -> log.accept("cache " + files.dir() + ": " + line);
        this.walLimit = options.walLimitBytes();
        this.hook = hook;
        this.nextSeq = opened.lastSeq() + 1;
        this.appendedSeq = opened.lastSeq();
        this.nextWalNumber = opened.nextWalNumber();
        this.groupSync = new GroupSync(() -> appendedSeq, () -> segments);
        this.checkpointer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cache-checkpoint " + files.dir());
            t.setDaemon(true);
            return t;
        });
        this.reserve = SpaceReserve.open(files.reserve(), index.slots(), index.granulesPerSlot(), this.log);
    }

    /**
     * Opens DIR (created if missing), takes its lock (refused in one line if another process holds it), and
     * replays: the header's snapshot, then the WAL up to its first bad record; then checkpoints. A new or empty
     * DIR gets a data file of slots * objectSize bytes (length set, sparse: said through {@code log}). Another
     * identity or slot count: CacheException if any granule is dirty, else the cache starts empty (said through
     * {@code log}).
     */
    public static CacheLog open(Path dir, CacheIdentity identity, int slots, Consumer<String> log) throws IOException {
        return open(dir, identity, slots, log, CacheLogOptions.DEFAULT);
    }

    public static CacheLog open(
            Path dir, CacheIdentity identity, int slots, Consumer<String> log, CacheLogOptions options)
            throws IOException {
        return open(dir, identity, slots, log, options, CheckpointHook.NONE);
    }

    static CacheLog open(
            Path dir,
            CacheIdentity identity,
            int slots,
            Consumer<String> log,
            CacheLogOptions options,
            CheckpointHook hook)
            throws IOException {
        CacheLog opened = new CacheLog(CacheOpening.open(dir, identity, slots, log), identity, log, options, hook);
        try {
            // new records never follow a torn tail: they go to a new WAL after a snapshot of what replay found
            opened.checkpoint();
            return opened;
        } catch (IOException | RuntimeException e) {
            opened.abandon();
            throw e;
        }
    }

    /** The index; read it only while holding {@link #lock()}. */
    public CacheIndex index() {
        return index;
    }

    /** Guards the index; appends and their application happen under it. */
    public ReentrantLock lock() {
        return lock;
    }

    public int objectSize() {
        return objectSize;
    }

    public int granule() {
        return granule;
    }

    public int slots() {
        return index.slots();
    }

    /**
     * Writes whole granules ({@code data.remaining()} a multiple of {@link #granule()}) at {@code firstGranule} of
     * the slot: pwrite into the data file, then appends a Write record carrying the data and the granules'
     * CRC32Cs; returns its sequence number. {@code data}'s position is left as it was. Must not be called holding
     * {@link #lock()}: an overwrite of dirty granules may sync the WAL first (see {@link DirtyOverwrite}). If it
     * fails (a full disk, most likely), it is tried once more after a checkpoint has made room.
     */
    public long write(int slot, int firstGranule, ByteBuffer data) throws IOException {
        long seen = checkpoints;
        try {
            return writeOnce(slot, firstGranule, data);
        } catch (IOException e) {
            try {
                makeRoom(seen);
            } catch (IOException | RuntimeException c) {
                e.addSuppressed(c);
                throw e;
            }
            return writeOnce(slot, firstGranule, data);
        }
    }

    private long writeOnce(int slot, int firstGranule, ByteBuffer data) throws IOException {
        if (lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("cache write called holding the cache lock: release it first");
        }
        CacheRecord.Write w =
                new CacheRecord.Write(slot, firstGranule, granuleCrcs(slot, firstGranule, data), data.duplicate());
        boolean overwritesDirty;
        lock.lock();
        try {
            ensureUsable();
            index.check(w);
            overwritesDirty = DirtyOverwrite.overwritesDirty(index, w);
        } finally {
            lock.unlock();
        }
        if (overwritesDirty) {
            return new DirtyOverwrite(w).run();
        }
        // a torn write over clean or invalid granules is a miss after a crash: the store holds their bytes
        this.data.write(position(slot, firstGranule), data);
        return append(w);
    }

    /** Same for data read from the store: pwrite, then a Fill record (CRCs only). Every granule must be INVALID. */
    public long fill(int slot, int firstGranule, ByteBuffer data) throws IOException {
        CacheRecord.Fill f = new CacheRecord.Fill(slot, firstGranule, granuleCrcs(slot, firstGranule, data));
        // before the pwrite: a fill over a valid granule would overwrite what may be the only copy of dirty data
        check(f);
        this.data.write(position(slot, firstGranule), data);
        return append(f);
    }

    public long assign(int slot, long block) throws IOException {
        return append(new CacheRecord.Assign(slot, block));
    }

    /** Dirty granules of the slot become clean unless it was written after sequence number {@code upTo}. */
    public long clean(int slot, long upTo) throws IOException {
        if (upTo > appendedSeq) {
            throw new IllegalArgumentException("clean of slot " + slot + " up to sequence number " + upTo
                    + ", beyond the last record " + appendedSeq);
        }
        return append(new CacheRecord.Clean(slot, upTo));
    }

    public long free(int slot) throws IOException {
        return append(new CacheRecord.Free(slot));
    }

    /**
     * Reads granules into {@code into} (remaining a multiple of {@link #granule()}; its position is left as it was)
     * and checks each against its CRC32C: returns -1 when all match, else the number in the slot of the first
     * granule that does not match or is not valid (its bytes and the following ones in {@code into} are not data).
     */
    public int read(int slot, int firstGranule, ByteBuffer into) throws IOException {
        int count = granules(slot, firstGranule, into);
        int[] expected = new int[count];
        int valid = 0;
        lock.lock();
        try {
            ensureOpen();
            while (valid < count && index.state(slot, firstGranule + valid) != GranuleState.INVALID) {
                expected[valid] = index.crc(slot, firstGranule + valid);
                valid++;
            }
        } finally {
            lock.unlock();
        }
        if (valid > 0) {
            ByteBuffer part = into.duplicate().limit(into.position() + valid * granule);
            data.read(position(slot, firstGranule), part);
            int[] found = Crc.ofGranules(part, granule);
            int bad = Arrays.mismatch(found, Arrays.copyOf(expected, valid));
            if (bad >= 0) {
                return firstGranule + bad;
            }
        }
        return valid == count ? -1 : firstGranule + valid;
    }

    /**
     * fdatasync of the WAL: every record appended before the call is durable when it returns. Concurrent callers
     * share one sync where they can (group commit). Never holds {@link #lock()} while syncing, and must not be
     * called holding it.
     */
    public void sync() throws IOException {
        if (lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("cache sync called holding the cache lock: release it first");
        }
        ensureUsable();
        try {
            groupSync.sync();
        } catch (IOException e) {
            walErrors.incrementAndGet();
            throw e;
        }
    }

    /** Reads, writes and syncs of the cache's data file and WAL that failed (a full or failing disk). */
    public long diskErrors() {
        return data.errors() + walErrors.get();
    }

    /** The fdatasync calls {@link #sync()} made. */
    public long syncCount() {
        return groupSync.count();
    }

    /**
     * A checkpoint (docs/cache.md, invariant 5): appends go on meanwhile into the next WAL file. Started in the
     * background when the WAL grows past its limit; also callable directly.
     */
    public void checkpoint() throws IOException {
        checkpointLock.lock();
        try {
            ensureOpen();
            runCheckpoint();
        } finally {
            checkpointLock.unlock();
        }
    }

    /** A checkpoint to make room, unless one completed since {@code seen} (the checkpoint count then). */
    private void makeRoom(long seen) throws IOException {
        checkpointLock.lock();
        try {
            ensureOpen();
            if (checkpoints == seen) {
                roomWanted = true;
                runCheckpoint();
            }
        } finally {
            checkpointLock.unlock();
        }
    }

    /**
     * Under {@link #checkpointLock}: one checkpoint, on the reserve's space when an append failed; one that fails
     * without it is tried once more on it (a full disk: at open after a crash, say, or at close).
     */
    private void runCheckpoint() throws IOException {
        boolean room = roomWanted;
        try {
            runCheckpoint(room);
        } catch (IOException e) {
            if (room) {
                throw e;
            }
            roomWanted = true;
            try {
                runCheckpoint(true);
            } catch (IOException again) {
                e.addSuppressed(again);
                throw e;
            }
        }
    }

    private void runCheckpoint(boolean room) throws IOException {
        if (room) {
            reserve.release();
        }
        try {
            new Checkpoint().run();
            checkpoints++;
            if (room) {
                roomWanted = false;
                log.accept("a checkpoint retired the WAL files to make room; appends go on");
            }
        } finally {
            if (room) {
                reserve.restore();
            }
        }
    }

    /** A last checkpoint (nothing to replay next time), then the files are closed and DIR unlocked. */
    @Override
    public void close() throws IOException {
        stopCheckpointer();
        checkpointLock.lock();
        try {
            if (closed) {
                return;
            }
            IOException failure = null;
            try {
                runCheckpoint();
            } catch (IOException e) {
                failure = e;
            }
            closeFiles(failure);
        } finally {
            checkpointLock.unlock();
        }
    }

    /** Closes the files without a checkpoint, as a crash leaves them (what was written is in the page cache). */
    void abandon() throws IOException {
        stopCheckpointer();
        checkpointLock.lock();
        try {
            if (!closed) {
                closeFiles(null);
            }
        } finally {
            checkpointLock.unlock();
        }
    }

    /** The size of the WAL file appends go to now. */
    long walBytes() {
        return segments.getLast().size();
    }

    /** The sequence number of the last record appended. */
    long appendedSequence() {
        return appendedSeq;
    }

    /** The WAL file appends go to now (tests break it). */
    WalSegment walSegment() {
        return segments.getLast();
    }

    private void stopCheckpointer() {
        checkpointer.shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                if (checkpointer.awaitTermination(1, TimeUnit.MINUTES)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeFiles(IOException failure) throws IOException {
        closed = true;
        Throwable first = failure != null ? failure : new IOException("closing cache " + files.dir());
        List<AutoCloseable> all = new ArrayList<>(segments);
        all.addAll(List.of(data, header, dirLock));
        CacheOpening.closeQuietly(first, all.toArray(AutoCloseable[]::new));
        if (failure != null) {
            throw failure;
        }
        if (first.getSuppressed().length > 0) {
            throw (IOException) first;
        }
    }

    private long position(int slot, int granuleInSlot) {
        return (long) slot * objectSize + (long) granuleInSlot * granule;
    }

    /** Checks a buffer of whole granules within one slot; returns the granule count. */
    private int granules(int slot, int firstGranule, ByteBuffer buffer) {
        if (slot < 0 || slot >= index.slots()) {
            throw new IllegalArgumentException("slot " + slot + " out of 0.." + (index.slots() - 1));
        }
        int bytes = buffer.remaining();
        if (bytes == 0 || bytes % granule != 0) {
            throw new IllegalArgumentException(
                    bytes + " bytes are not a whole number of " + granule + "-byte granules");
        }
        int count = bytes / granule;
        if (firstGranule < 0 || firstGranule > index.granulesPerSlot() - count) {
            throw new IllegalArgumentException(
                    "granules " + firstGranule + " +" + count + " do not fit a slot of " + index.granulesPerSlot());
        }
        return count;
    }

    private int[] granuleCrcs(int slot, int firstGranule, ByteBuffer data) {
        granules(slot, firstGranule, data);
        return Crc.ofGranules(data, granule);
    }

    /** Whether {@code r} may be appended now, before its slot bytes are written. */
    private void check(CacheRecord r) throws IOException {
        lock.lock();
        try {
            ensureUsable();
            index.check(r);
        } finally {
            lock.unlock();
        }
    }

    private long append(CacheRecord r) throws IOException {
        long seq;
        boolean full;
        lock.lock();
        try {
            ensureUsable();
            index.check(r);
            seq = nextSeq;
            WalSegment wal = segments.getLast();
            long before = wal.size();
            try {
                wal.append(codec.encode(seq, r), seq);
            } catch (WalSegment.TornWalException e) {
                // a checkpoint retires the torn file and heals the log
                walErrors.incrementAndGet();
                broken = e;
                roomWanted = true;
                startCheckpoint();
                throw e;
            } catch (IOException e) {
                // cut back cleanly; a full disk is the likely cause, and a checkpoint (retiring the WAL files) the cure
                walErrors.incrementAndGet();
                if (!roomWanted) {
                    roomWanted = true;
                    log.accept("appending to wal." + wal.number + " failed (" + e.getMessage()
                            + "): a checkpoint retires the WAL files to make room; free space on the cache's"
                            + " file system if this repeats");
                }
                startCheckpoint();
                throw e;
            }
            index.apply(seq, r);
            nextSeq = seq + 1;
            appendedSeq = seq;
            appendedBytes += wal.size() - before;
            full = wal.size() > walLimit && appendedBytes >= checkpointRetryAt;
        } finally {
            lock.unlock();
        }
        if (full) {
            startCheckpoint();
        }
        return seq;
    }

    private void startCheckpoint() {
        if (!checkpointQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            checkpointer.execute(() -> {
                checkpointQueued.set(false);
                try {
                    checkpoint();
                } catch (IOException | RuntimeException e) {
                    if (closed) {
                        return;
                    }
                    lock.lock();
                    try {
                        checkpointRetryAt = appendedBytes + walLimit;
                    } finally {
                        lock.unlock();
                    }
                    log.accept("checkpoint failed, the WAL grows until one succeeds: " + e);
                }
            });
        } catch (RejectedExecutionException closing) {
            checkpointQueued.set(false);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("cache " + files.dir() + " is closed");
        }
    }

    private void ensureUsable() throws IOException {
        ensureOpen();
        IOException b = broken;
        if (b != null) {
            throw new IOException(
                    "cache " + files.dir() + " takes no changes after a failed WAL append until a"
                            + " checkpoint succeeds (" + b.getMessage() + "): free disk space, or restart the server",
                    b);
        }
    }

    /**
     * A write over dirty granules. Their bytes may be only in the data file (their Write record is in a WAL file
     * a checkpoint retired, or is retiring now): a crash that tears the overwrite before its own record is
     * durable would then lose data the device wrote, maybe FLUSHed. So first every dirty granule of the slot is
     * logged again (read back, checked against its CRC32C, appended as Write records, synced) unless all of them
     * already are since the last switch of WAL files; the switch waits while this runs. At most one extra sync per
     * dirty slot per checkpoint. If the write's own append fails, the slot gets its old bytes back.
     */
    private final class DirtyOverwrite {

        private final CacheRecord.Write w;

        DirtyOverwrite(CacheRecord.Write w) {
            this.w = w;
        }

        static boolean overwritesDirty(CacheIndex index, CacheRecord.Write w) {
            for (int g = w.firstGranule(); g < w.firstGranule() + w.crcs().length; g++) {
                if (index.state(w.slot(), g) == GranuleState.DIRTY) {
                    return true;
                }
            }
            return false;
        }

        long run() throws IOException {
            switchGate.readLock().lock();
            try {
                logDirtyAgain();
                long at = position(w.slot(), w.firstGranule());
                ByteBuffer previous = ByteBuffer.allocate(w.data().remaining());
                data.read(at, previous);
                data.write(at, w.data());
                try {
                    return append(w);
                } catch (IOException e) {
                    // the slot must hold what the index says: its old bytes may be the only copy of dirty data
                    try {
                        data.write(at, previous);
                    } catch (IOException undo) {
                        e.addSuppressed(undo);
                    }
                    throw e;
                }
            } finally {
                switchGate.readLock().unlock();
            }
        }

        private void logDirtyAgain() throws IOException {
            int slot = w.slot();
            int gps = index.granulesPerSlot();
            int[] crcs = new int[gps];
            boolean[] dirty = new boolean[gps];
            lock.lock();
            try {
                long logged = Math.max(index.oldestDirtySequence(slot), relogged.getOrDefault(slot, 0L));
                if (logged > switchedSeq) {
                    return;
                }
                for (int g = 0; g < gps; g++) {
                    dirty[g] = index.state(slot, g) == GranuleState.DIRTY;
                    crcs[g] = index.crc(slot, g);
                }
            } finally {
                lock.unlock();
            }
            ByteBuffer bytes = ByteBuffer.allocate(objectSize);
            data.read(position(slot, 0), bytes);
            int[] found = Crc.ofGranules(bytes, granule);
            long first = -1;
            for (int g = 0; g < gps; ) {
                // a run of dirty granules whose bytes match their CRC32Cs (one that does not is already lost)
                int end = g;
                while (end < gps && dirty[end] && found[end] == crcs[end]) {
                    end++;
                }
                if (end > g) {
                    ByteBuffer run = bytes.slice(g * granule, (end - g) * granule);
                    long seq = append(new CacheRecord.Write(slot, g, Arrays.copyOfRange(crcs, g, end), run));
                    first = first < 0 ? seq : first;
                    g = end;
                } else {
                    g++;
                }
            }
            if (first >= 0) {
                lock.lock();
                try {
                    relogged.put(slot, first);
                } finally {
                    lock.unlock();
                }
                groupSync.sync();
            }
        }
    }

    /** One checkpoint, run under {@link #checkpointLock}: the steps of {@link CheckpointStep}, in order. */
    private final class Checkpoint {

        void run() throws IOException {
            long number = nextWalNumber++;
            WalSegment next =
                    WalSegment.create(files.wal(number), header.current().cacheId(), number);
            CacheIndex.Image image;
            long lastSeq;
            IOException brokenBefore;
            try {
                files.syncDirectory();
            } catch (IOException e) {
                next.close();
                throw e;
            }
            switchGate.writeLock().lock();
            lock.lock();
            try {
                List<WalSegment> live = new ArrayList<>(segments);
                live.add(next);
                segments = List.copyOf(live);
                image = index.image();
                lastSeq = nextSeq - 1;
                switchedSeq = lastSeq;
                relogged.clear();
                brokenBefore = broken;
            } finally {
                lock.unlock();
                switchGate.writeLock().unlock();
            }
            hook.reached(CheckpointStep.NEXT_WAL_LIVE);
            data.force();
            hook.reached(CheckpointStep.DATA_SYNCED);
            CacheHeader was = header.current();
            int file = 1 - was.snapshotFile();
            IndexSnapshot.Written written = IndexSnapshot.write(files.snapshot(file), image, was.cacheId(), lastSeq);
            hook.reached(CheckpointStep.SNAPSHOT_WRITTEN);
            header.write(was.next(file, written.bytes(), written.crc(), lastSeq, number));
            hook.reached(CheckpointStep.HEADER_WRITTEN);
            retireBefore(next);
            if (brokenBefore != null) {
                // the torn WAL file is retired: appends go to a whole one again
                broken = null;
                log.accept("a checkpoint retired the WAL file a failed append tore; appends go on");
            }
            hook.reached(CheckpointStep.OLD_WALS_DELETED);
        }

        /** Closes and deletes the WAL files before {@code next}: the header now names a snapshot covering them. */
        private void retireBefore(WalSegment next) throws IOException {
            List<WalSegment> old;
            lock.lock();
            try {
                int at = segments.indexOf(next);
                old = segments.subList(0, at);
                segments = List.copyOf(segments.subList(at, segments.size()));
            } finally {
                lock.unlock();
            }
            for (WalSegment segment : old) {
                segment.retire();
            }
            for (long n : files.walNumbers()) {
                if (n < next.number) {
                    Files.deleteIfExists(files.wal(n));
                }
            }
        }
    }
}
