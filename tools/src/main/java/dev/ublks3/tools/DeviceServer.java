package dev.ublks3.tools;

import dev.ublks3.linux.Errno;
import dev.ublks3.linux.ErrnoException;
import dev.ublks3.linux.Libc;
import dev.ublks3.linux.ublk_cmd_h;
import dev.ublks3.locals3.LocalS3Server;
import dev.ublks3.storage.ObjectMap;
import dev.ublks3.storage.ObjectMapOptions;
import dev.ublks3.storage.ObjectStore;
import dev.ublks3.storage.StorageStack;
import dev.ublks3.storage.StoreException;
import dev.ublks3.storage.StoredObjectSize;
import dev.ublks3.storage.cache.CacheException;
import dev.ublks3.storage.cache.CacheMode;
import dev.ublks3.storage.layer.RetryPolicy;
import dev.ublks3.storage.s3.S3Config;
import dev.ublks3.storage.s3.S3Credentials;
import dev.ublks3.storage.s3.S3ObjectStore;
import dev.ublks3.ublk.QueueTimes;
import dev.ublks3.ublk.UblkControl;
import dev.ublks3.ublk.UblkDevice;
import dev.ublks3.ublk.UblkDeviceConfig;
import dev.ublks3.ublk.UblkException;
import dev.ublks3.ublk.UblkFeatures;
import dev.ublks3.ublk.UblkOp;
import dev.ublks3.ublk.UblkParams;
import dev.ublks3.ublk.UblkPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One served device: the composition point where a bucket, the storage stack and a ublk device are put
 * together, and taken apart again in the safe order (stop the device so the kernel drains, flush the store,
 * delete the device).
 */
final class DeviceServer {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceServer.class);
    private static final long ANSWER_WAIT_MILLIS = 10_000;
    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);

    private final AddOptions options;
    private final RunDirectory run;
    /** True: take over the quiesced device {@code options.devId()} (recover) instead of creating one (add). */
    private final boolean recover;
    /** What to undo, newest first; a failed start unwinds exactly what it made. */
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    private final CountDownLatch stopped = new CountDownLatch(1);
    private ControlSocket.Server controlSocket;
    private StorageStack stack;
    private CacheControl cacheControl;
    private UblkDevice device;
    private String where;
    private volatile boolean stopping;

    private DeviceServer(AddOptions options, RunDirectory run, boolean recover) {
        this.options = options;
        this.run = run;
        this.recover = recover;
    }

    /**
     * Checks everything that can be checked before a device exists, then creates it. On any failure, whatever was
     * made is removed again and the one-line error is thrown.
     */
    static DeviceServer start(AddOptions options, RunDirectory run) throws Exception {
        return open(new DeviceServer(options, run, false));
    }

    /**
     * Builds the storage stack of {@code options} (rebuilt from the device's record) and takes over the quiesced
     * device {@code options.devId()} whose server died; the kernel then re-issues the requests it held. On failure
     * the device stays quiesced for another attempt, and whatever else was made is closed.
     */
    static DeviceServer recover(AddOptions options, RunDirectory run) throws Exception {
        return open(new DeviceServer(options, run, true));
    }

    private static DeviceServer open(DeviceServer server) throws Exception {
        try {
            server.open();
            return server;
        } catch (Exception | Error e) {
            server.unwind(e);
            throw e;
        }
    }

    private void open() throws Exception {
        UblkDeviceConfig config = deviceConfig(options);
        checkLocalDir(options);
        if (options.cache() != null) {
            options.cache().checkDirectory();
        }
        refuseTaken(options, run, recover); // cheap checks first; repeated under the add lock before the device is made
        // the store's slowest class initialisations, on the other CPU while this thread opens the control device
        Thread.ofPlatform().daemon().name("preload").start(() -> {
            if (options.localDir() != null) {
                LocalS3Server.preload();
            }
            S3ObjectStore.preload();
        });
        UblkControl control = UblkControl.open(); // before any store traffic: no ublk or not root fails first
        opened.push(control);
        if (!recover && options.devId() >= 0) {
            control.checkFree(options.devId()); // ADD_DEV decides, but only after the store is built
        }

        // a GET must know the objects' size: the granule of their checksums, and an object of another size is refused
        S3Config s3 = s3Config();
        S3ObjectStore store = S3ObjectStore.open(s3, Math.toIntExact(options.objectSize()));
        opened.push(store);
        where = "s3://" + options.bucket() + "/" + options.key() + " at " + s3.describeEndpoint();
        probe(store, options);
        checkConditionalWrites(store, s3);

        if (recover) { // before the kernel re-issues, and before a cache uploads what the dead server left in it
            awaitDeadServersUploads(s3);
        }
        StorageStack.Options stackOptions = new StorageStack.Options(
                        options.key(), options.size(), (int) options.objectSize())
                .withRetry(RetryPolicy.forTime(options.retryTime()))
                .withObjectMap(ObjectMapOptions.DEFAULT.withPresenceListing(options.presence()));
        if (options.cache() == null) {
            stack = StorageStack.open(store, stackOptions);
            opened.pop(); // the stack owns and closes the store now
        } else {
            opened.pop(); // the stack owns the store, and closes it also when the cache cannot be opened
            stack = openCached(store, stackOptions, s3);
        }
        opened.push(stack);

        try (RunDirectory.AddLock ignored = run.lockAdds()) {
            // again, now alone: an add started at the same time may have published its record since the first check
            refuseTaken(options, run, recover);
            if (recover) {
                checkSameGeometry(control);
                device = UblkDevice.recover(options.devId(), new BlockDeviceTarget(stack.device()));
            } else {
                device = UblkDevice.create(
                        control, config.withUserRecovery(options.recovery()), new BlockDeviceTarget(stack.device()));
            }
            opened.push(device);
            run.publish(DeviceRecord.of(
                    device.devId(),
                    ProcessHandle.current().pid(),
                    options,
                    s3.describeEndpoint(),
                    device.info().nrHwQueues(),
                    device.info().queueDepth()));
            opened.push(() -> run.retire(device.devId()));
        }
        cacheControl = new CacheControl(
                stack.cache().orElse(null),
                options.cache(),
                device.devId(),
                options.retryTime(),
                PROGRESS_INTERVAL,
                () -> stopping);
        controlSocket = new ControlSocket.Server(run.socket(device.devId()), this::control);
        opened.push(controlSocket);
        LOG.info(
                "{} {} from {} ({} queues, depth {}, object size {}, retry time {}, {}{})",
                recover ? "recovered" : "serving",
                device.blockDevicePath(),
                where,
                device.info().nrHwQueues(),
                device.info().queueDepth(),
                Sizes.format(options.objectSize()),
                Durations.format(options.retryTime()),
                recoveryMode(device.info().features()),
                options.cache() == null ? "" : ", " + options.cache().describe());
    }

    /**
     * The stack with the cache of {@code options} (which replays what a dead server left in it, and uploads its
     * dirty objects by itself); a cache that cannot be used is a one-line error, before the device exists.
     */
    private StorageStack openCached(S3ObjectStore store, StorageStack.Options stackOptions, S3Config s3) {
        CacheSettings cache = options.cache();
        try {
            return StorageStack.open(
                    store,
                    stackOptions,
                    new StorageStack.CacheSetup(
                            cache.options(options.size()),
                            CacheSettings.identity(options, s3.describeEndpoint()),
                            line -> LOG.info("{}", line)));
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof CacheException c) {
                throw new ServeException(c.getMessage());
            }
            throw new ServeException("cannot open the cache " + cache.dir() + " (" + ControlSocket.oneLine(e.getCause())
                    + "): check that disk (dmesg), or give another --cache directory");
        }
    }

    private static String recoveryMode(UblkFeatures f) {
        if (!f.has(ublk_cmd_h.UBLK_F_USER_RECOVERY)) {
            return "no user recovery";
        }
        return f.has(ublk_cmd_h.UBLK_F_USER_RECOVERY_REISSUE)
                ? "user recovery, in-flight I/O re-issued"
                : "user recovery, in-flight I/O failed (no REISSUE in this kernel)";
    }

    /** The record must describe the device the kernel has: another size or object size would misplace data. */
    private void checkSameGeometry(UblkControl control) throws UblkException {
        UblkParams.Basic b = control.getParams(options.devId()).basic();
        if (b.sizeBytes() != options.size() || (1L << b.ioMinShift()) != options.objectSize()) {
            throw new ServeException(UblkPaths.block(options.devId()) + " has " + b.sizeBytes() + " bytes and "
                    + (1L << b.ioMinShift()) + "-byte objects, its record says " + options.size() + " and "
                    + options.objectSize()
                    + ": the record in " + run.path() + " is not this device's; remove it with 'ublk-s3 del -n "
                    + options.devId() + "'");
        }
    }

    /** The geometry rules live in storage and the queue limits in the driver: ask them, report as usage errors. */
    static UblkDeviceConfig deviceConfig(AddOptions o) {
        try {
            ObjectMap.validate(o.key(), o.size(), Math.toIntExact(Math.min(o.objectSize(), Integer.MAX_VALUE)));
            return UblkDeviceConfig.of(o.size(), (int) o.objectSize())
                    .withDevId(o.devId())
                    .withQueues(o.queues(), o.depth())
                    .withLogicalBlockSize(o.logicalBlockSize());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** Cheap checks first: a bad --local fails before the kernel or a server is touched. */
    static void checkLocalDir(AddOptions o) {
        if (o.localDir() == null) {
            return;
        }
        if (!Files.isDirectory(o.localDir())) {
            throw new UsageException("--local " + o.localDir() + " is not a directory: create it (mkdir -p "
                    + o.localDir() + ") or give another");
        }
        if (!Files.isWritable(o.localDir())) {
            throw new UsageException(
                    "--local " + o.localDir() + " is not writable: fix its permissions or give another directory");
        }
    }

    /**
     * Refuses a second device of the name, or a second server on the bucket/key, from the run directory's records:
     * {@code add} checks before it starts a server, the server again, and again under the add lock.
     */
    static void refuseTaken(AddOptions options, RunDirectory run, boolean recover) {
        refuseSecondName(options, run, recover);
        refuseSecondAttach(options, run);
        refuseSharedCache(options, run);
    }

    /** One cache directory per device: said here naming the device, before the cache's own lock would refuse. */
    private static void refuseSharedCache(AddOptions options, RunDirectory run) {
        if (options.cache() == null) {
            return;
        }
        for (DeviceRecord r : run.all()) {
            if (r.serverAlive()
                    && r.cache() != null
                    && options.cache().sameDir(r.cache().dir())) {
                throw new UsageException("--cache " + options.cache().dir() + " is the cache of "
                        + UblkPaths.block(r.devId()) + " (pid " + r.pid() + "): give each device its own --cache"
                        + " directory");
            }
        }
    }

    private static void refuseSecondAttach(AddOptions options, RunDirectory run) {
        for (DeviceRecord r : run.all()) {
            if (r.serverAlive()
                    && r.bucket().equals(options.bucket())
                    && r.key().equals(options.key())
                    && sameStore(options, r)) {
                throw new UsageException("s3://" + options.bucket() + "/" + options.key() + " is already served as "
                        + UblkPaths.block(r.devId()) + " (pid " + r.pid()
                        + "): two servers would overwrite each other's objects; use another --key");
            }
        }
    }

    /** Whether the record's objects live where {@code options}' would: the same --local folder, or endpoint. */
    private static boolean sameStore(AddOptions options, DeviceRecord r) {
        if (options.localDir() != null || r.localDir() != null) {
            return options.localDir() != null
                    && r.localDir() != null
                    && sameFolder(options.localDir(), Path.of(r.localDir()));
        }
        return r.endpoint().equals(remoteConfig(options).describeEndpoint());
    }

    private static boolean sameFolder(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    /** One device per name: a second add of NAME would serve the same bucket and key twice. */
    private static void refuseSecondName(AddOptions options, RunDirectory run, boolean recover) {
        if (options.name() == null) {
            return;
        }
        Devices.named(run, options.name())
                .filter(r -> !(recover && r.devId() == options.devId())) // recover takes over the named device itself
                .filter(r -> r.serverAlive() || Devices.exists(r.devId()))
                .ifPresent(r -> {
                    String name = options.name();
                    throw new ServeException("a device named " + name + " already exists: " + UblkPaths.block(r.devId())
                            + (r.serverAlive()
                                    ? ", served by pid " + r.pid()
                                            + ": use it, or remove it first with 'ublk-s3 del --name " + name + "'"
                                    : ", whose server died: take it over with 'ublk-s3 recover --name " + name
                                            + "', or remove it with 'ublk-s3 del --name " + name + "'"));
                });
    }

    private S3Config s3Config() {
        if (options.localDir() != null) {
            LocalS3Server local = LocalS3Server.onDirectory(options.localDir());
            opened.push(local);
            try {
                local.createBucket(options.bucket());
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            return LocalS3Config.of(local, options.bucket());
        }
        return remoteConfig(options);
    }

    /** The bucket at AWS or at --endpoint-url; builds no client, so the run records can be compared with it. */
    private static S3Config remoteConfig(AddOptions options) {
        S3Credentials credentials = options.accessKey() != null
                ? (options.sessionToken() != null
                        ? S3Credentials.sessionKeys(options.accessKey(), options.secretKey(), options.sessionToken())
                        : S3Credentials.keys(options.accessKey(), options.secretKey()))
                : options.profile() != null ? S3Credentials.profile(options.profile()) : S3Credentials.defaultChain();
        S3Config config = S3Config.aws(options.bucket(), options.region()).withCredentials(credentials);
        return options.endpointUrl() != null ? config.withEndpoint(options.endpointUrl(), true) : config;
    }

    /**
     * Before the kernel re-issues the dead server's requests here: a PUT that server had started may still be on
     * its way to the store (its connections outlive it, orphaned, until what they queued is sent), and arriving
     * after this server's write of the same object it would undo it. Waits until they have delivered, at most the
     * device's retry time (how long its I/O may wait on the store), at least 5 s. --local's endpoint died with the
     * server: nothing to wait for.
     */
    private void awaitDeadServersUploads(S3Config s3) throws IOException, InterruptedException {
        if (options.localDir() != null) {
            return;
        }
        URI endpoint = s3.endpoint();
        boolean http = endpoint != null && "http".equalsIgnoreCase(endpoint.getScheme());
        int port = endpoint != null && endpoint.getPort() > 0 ? endpoint.getPort() : http ? 80 : 443;
        Duration max =
                options.retryTime().compareTo(Duration.ofSeconds(5)) > 0 ? options.retryTime() : Duration.ofSeconds(5);
        long start = System.nanoTime();
        int before = OrphanedSockets.undelivered(port);
        if (before == 0) {
            return;
        }
        int left = OrphanedSockets.awaitDrained(port, max);
        long millis = (System.nanoTime() - start) / 1_000_000;
        if (left == 0) {
            LOG.info(
                    "waited {} ms for {} connection(s) of a dead process to port {} to deliver what they had queued",
                    millis,
                    before,
                    port);
        } else {
            LOG.warn(
                    "{} connection(s) of a dead process to port {} still had data queued after {} ms; going on: a "
                            + "PUT of the dead server that arrives later may undo a newer write",
                    left,
                    port,
                    millis);
        }
    }

    /**
     * One LIST: the bucket exists, the credentials work, the endpoint answers, and the first object of the key it
     * finds has the device's object size ({@link StoredObjectSize#check}): objects written with another object size
     * refuse the device (add and recover alike) before it exists. O(1).
     */
    static void probe(ObjectStore store, AddOptions options) {
        try {
            StoredObjectSize.check(store, options.bucket(), options.key(), options.objectSize())
                    .join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof StoreException s) {
                throw new ServeException(s.getMessage());
            }
            throw e;
        }
    }

    /**
     * Whether the endpoint honours conditional PUTs, which keep a dead server's late PUT from undoing a newer write:
     * three requests on a probe key beside the device's objects (not a block key: nbdkit and this map ignore it),
     * tried up to 3 times when one fails transiently. Where it does not, PUTs are unconditional, said in one log
     * line.
     */
    private void checkConditionalWrites(S3ObjectStore store, S3Config s3) {
        boolean honoured = false;
        for (int attempt = 1; ; attempt++) {
            try {
                honoured = store.checkConditionalWrites(options.key() + "/ublk-s3-conditional-write-probe")
                        .join();
                break;
            } catch (CompletionException e) {
                if (!(e.getCause() instanceof StoreException s)) {
                    throw e;
                }
                if (s.kind() == StoreException.Kind.ACCESS_DENIED) { // read-only keys: no write to make conditional
                    LOG.info(
                            "{}: these credentials may not write ({}); conditional writes not checked",
                            s3.describeEndpoint(),
                            s.getMessage());
                    return;
                }
                if (!s.retryable() || attempt == 3) { // the LIST before answered: a passing fault, most likely
                    throw new ServeException(s.getMessage());
                }
            }
        }
        store.conditionalWrites(honoured);
        if (!honoured) {
            LOG.warn(
                    "{} does not honour conditional writes (If-Match): PUTs are unconditional, so after a crash a "
                            + "PUT the dead server had sent may still undo a newer write",
                    s3.describeEndpoint());
        }
    }

    /** The control socket's commands: a word, and for some, arguments after spaces. */
    private void control(String line, Consumer<String> out) throws Exception {
        List<String> words = List.of(line.split(" +"));
        String command = words.get(0);
        List<String> args = words.subList(1, words.size());
        switch (command) {
            case "stats" ->
                out.accept(stack.stats().toText().stripTrailing() + cacheControl.statsText() + "\n"
                        + queueTimesText(device.queueTimes()));
            case "stats-json" ->
                out.accept(withQueueTimes(
                        cacheControl.withStats(stack.stats().toJson().strip()), device.queueTimes()));
            case CacheControl.SYNC -> cacheControl.sync(args, out);
            case CacheControl.SUMMARY -> out.accept(cacheControl.summary());
            case DEL -> del(false, false, out);
            case DEL_FORCE -> del(true, false, out);
            case DEL_KEEP_DIRTY -> del(false, true, out);
            case DEL_FORCE_KEEP_DIRTY -> del(true, true, out);
            default -> throw new IllegalArgumentException("unknown control command '" + command + "'");
        }
    }

    static final String DEL = "del";
    static final String DEL_FORCE = "del-force";
    static final String DEL_KEEP_DIRTY = "del-keep-dirty";
    static final String DEL_FORCE_KEEP_DIRTY = "del-force-keep-dirty";

    /** The control command of {@code del} with these flags. */
    static String delCommand(boolean force, boolean keepDirty) {
        return force ? (keepDirty ? DEL_FORCE_KEEP_DIRTY : DEL_FORCE) : keepDirty ? DEL_KEEP_DIRTY : DEL;
    }

    /**
     * {@code del}: refuses a device in use (unless forced), uploads what the cache holds that the store lacks
     * (unless told to keep it there), refusing while the store is unreachable, then stops.
     */
    private void del(boolean force, boolean keepDirty, Consumer<String> out) throws Exception {
        if (!force) {
            refuseIfInUse();
        }
        if (!keepDirty) {
            cacheControl.drainBeforeDel(out);
        }
        stop(out, !keepDirty);
    }

    /**
     * The queue threads' part of a request's time per operation that happened, after the storage stack's lines:
     * "target" is the storage stack as the queue sees it, "handle" the part of it on the queue thread (which
     * serves nothing else meanwhile), "return" the way back to the queue thread.
     */
    static String queueTimesText(QueueTimes.Snapshot t) {
        StringBuilder b = new StringBuilder();
        for (UblkOp op : UblkOp.values()) {
            QueueTimes.OpTimes o = t.of(op);
            if (o.target().count() == 0) {
                continue;
            }
            b.append(String.format(
                    Locale.ROOT,
                    "queue %s: %d requests%n  target: %s%n  in handle, on the queue thread: %s%n"
                            + "  return to queue thread: %s%n",
                    opName(op),
                    o.target().count(),
                    hopText(o.target()),
                    hopText(o.handle()),
                    hopText(o.returnToQueue())));
        }
        return b.isEmpty() ? "queue: no requests" : b.toString().stripTrailing();
    }

    private static String opName(UblkOp op) {
        return op.name().toLowerCase(Locale.ROOT);
    }

    private static String hopText(QueueTimes.Hop h) {
        return String.format(
                Locale.ROOT,
                "p50 %.6f s, p90 %.6f s, p99 %.6f s, max %.6f s, mean %.6f s",
                h.p50() / 1e9,
                h.p90() / 1e9,
                h.p99() / 1e9,
                h.max() / 1e9,
                h.mean() / 1e9);
    }

    /**
     * The storage stack's JSON object with a "queue" member added: per operation (read, write, flush, discard,
     * write_zeroes), {"target_ns": {...}, "handle_ns": {...}, "return_ns": {...}}.
     */
    static String withQueueTimes(String storageJson, QueueTimes.Snapshot t) {
        StringBuilder b = new StringBuilder(",\n  \"queue\": {");
        for (UblkOp op : UblkOp.values()) {
            QueueTimes.OpTimes o = t.of(op);
            b.append(op.ordinal() == 0 ? "" : ",")
                    .append("\n    \"")
                    .append(opName(op))
                    .append("\": {\"target_ns\": ")
                    .append(hopJson(o.target()))
                    .append(", \"handle_ns\": ")
                    .append(hopJson(o.handle()))
                    .append(", \"return_ns\": ")
                    .append(hopJson(o.returnToQueue()))
                    .append('}');
        }
        int end = storageJson.lastIndexOf('}');
        return storageJson.substring(0, end).stripTrailing() + b + "\n  }\n}";
    }

    private static String hopJson(QueueTimes.Hop h) {
        return String.format(
                Locale.ROOT,
                "{\"count\": %d, \"p50\": %d, \"p90\": %d, \"p99\": %d, \"max\": %d, \"mean\": %.0f}",
                h.count(),
                h.p50(),
                h.p90(),
                h.p99(),
                h.max(),
                h.mean());
    }

    /**
     * Refuses while a program has the device open (stopping it would wait for that program to close it) and while
     * a file system is mounted on it or a program holds it exclusively (an exclusive open fails with EBUSY).
     */
    private void refuseIfInUse() throws ErrnoException {
        List<String> holders = DeviceHolders.of(Path.of(device.blockDevicePath()));
        if (!holders.isEmpty()) {
            throw new ServeException(device.blockDevicePath() + " is open in " + String.join(", ", holders)
                    + ": close it there first, or use 'ublk-s3 del --force' to remove it anyway");
        }
        try {
            Libc.close(Libc.open(device.blockDevicePath(), Libc.O_RDONLY | Libc.O_EXCL | Libc.O_CLOEXEC));
        } catch (ErrnoException e) {
            if (e.errno() == Errno.EBUSY) {
                throw new ServeException(
                        device.blockDevicePath() + " is in use (mounted, or held by a program such as a ZFS pool): "
                                + "unmount or export it first, or use 'ublk-s3 del --force' to remove it anyway");
            }
            throw e;
        }
    }

    /**
     * Stops in the safe order; says what it waits for. Idempotent: SIGTERM and del may race. With {@code drain}
     * (del), what the kernel wrote back meanwhile is uploaded too; without (a signal: a shutdown must not wait on the
     * network; del --keep-dirty), the cache keeps its dirty data, synced to local disk, for the next add.
     */
    void stop(Consumer<String> progress, boolean drain) throws Exception {
        synchronized (this) {
            if (stopping) {
                progress.accept("already stopping");
                stopped.await();
                return;
            }
            stopping = true;
        }
        try {
            String path = device.blockDevicePath();
            progress.accept("stopping " + path + ": the kernel writes back its cache and waits for requests in flight");
            Exception first = null;
            try {
                device.close();
            } catch (UblkException e) {
                first = e;
            }
            boolean cached = options.cache() != null && options.cache().mode() == CacheMode.WRITEBACK;
            progress.accept(
                    cached
                            ? "flushing: syncing every acknowledged write to the cache "
                                    + options.cache().dir()
                            : "flushing: waiting until every acknowledged write is stored in " + where);
            try {
                stack.device().flush().join();
            } catch (CompletionException e) {
                first = first != null
                        ? first
                        : new ServeException(
                                "flush failed, some writes may not be stored: " + ControlSocket.oneLine(e.getCause()));
            }
            String notUploaded = first == null && drain ? cacheControl.drainAfterStop(progress) : null;
            String kept = cacheControl.keptInCache();
            Exception closing = unwind(null);
            if (first == null && closing != null) {
                first = closing;
            }
            if (first == null && notUploaded != null) {
                first = new ServeException("removed " + path + ", but " + notUploaded);
            }
            if (first != null) {
                throw first;
            }
            progress.accept(
                    "removed " + path + (kept == null ? "; every acknowledged write is in the store" : "; " + kept));
        } finally {
            stopped.countDown();
        }
    }

    /** Closes what is open, newest first. Returns the first failure (or adds them to {@code cause}). */
    private Exception unwind(Throwable cause) {
        Exception first = null;
        while (!opened.isEmpty()) {
            AutoCloseable c = opened.pop();
            try {
                c.close();
            } catch (Exception e) {
                if (cause != null) {
                    cause.addSuppressed(e);
                } else if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        return first;
    }

    /**
     * Waits until the device is stopped and, when a {@code del} stopped it, until del has its answer: the process
     * ends right after this returns, and del would otherwise see the connection close without one.
     */
    void awaitStopped() throws InterruptedException {
        stopped.await();
        if (controlSocket != null) {
            controlSocket.awaitIdle(ANSWER_WAIT_MILLIS); // its threads end once its socket is closed and replies sent
        }
    }

    UblkDevice device() {
        return device;
    }

    String where() {
        return where;
    }
}
