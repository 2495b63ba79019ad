package dev.ublks3.tools;

import dev.ublks3.linux.ErrnoException;
import dev.ublks3.linux.Errno;
import dev.ublks3.linux.Libc;
import dev.ublks3.storage.ObjectMap;
import dev.ublks3.storage.ObjectStore;
import dev.ublks3.storage.StorageStack;
import dev.ublks3.storage.StoreException;
import dev.ublks3.storage.local.LocalS3Server;
import dev.ublks3.storage.s3.S3Config;
import dev.ublks3.storage.s3.S3Credentials;
import dev.ublks3.storage.s3.S3ObjectStore;
import dev.ublks3.ublk.UblkControl;
import dev.ublks3.ublk.UblkDevice;
import dev.ublks3.ublk.UblkDeviceConfig;
import dev.ublks3.ublk.UblkException;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.Deque;
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

    private final AddOptions options;
    private final RunDirectory run;
    /** What to undo, newest first; a failed start unwinds exactly what it made. */
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private StorageStack stack;
    private UblkDevice device;
    private String where;
    private boolean stopping;

    private DeviceServer(AddOptions options, RunDirectory run) {
        this.options = options;
        this.run = run;
    }

    /**
     * Checks everything that can be checked before a device exists, then creates it. On any failure, whatever was
     * made is removed again and the one-line error is thrown.
     */
    static DeviceServer start(AddOptions options, RunDirectory run) throws Exception {
        DeviceServer server = new DeviceServer(options, run);
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
        refuseSecondAttach();
        UblkControl control = UblkControl.open(); // before any store traffic: no ublk or not root fails first
        opened.push(control);

        S3Config s3 = s3Config();
        ObjectStore store = S3ObjectStore.open(s3);
        opened.push(store);
        where = "s3://" + options.bucket() + "/" + options.key() + " at " + s3.describeEndpoint();
        probe(store);

        stack = StorageStack.open(store, new StorageStack.Options(options.key(), options.size(), (int) options.objectSize()));
        opened.pop(); // the stack owns and closes the store now
        opened.push(stack);

        device = UblkDevice.create(control, config, new BlockDeviceTarget(stack.device()));
        opened.push(device);
        run.publish(new DeviceRecord(device.devId(), ProcessHandle.current().pid(), options.bucket(), options.key(),
                s3.describeEndpoint(), options.size(), options.objectSize(), device.info().nrHwQueues(),
                device.info().queueDepth()));
        opened.push(() -> run.retire(device.devId()));
        opened.push(new ControlSocket.Server(run.socket(device.devId()), this::control));
        LOG.info("serving {} from {} ({} queues, depth {}, object size {})", device.blockDevicePath(), where,
                device.info().nrHwQueues(), device.info().queueDepth(), Sizes.format(options.objectSize()));
    }

    /** The geometry rules live in storage and the queue limits in the driver: ask them, report as usage errors. */
    static UblkDeviceConfig deviceConfig(AddOptions o) {
        try {
            ObjectMap.validate(o.key(), o.size(), Math.toIntExact(Math.min(o.objectSize(), Integer.MAX_VALUE)));
            return UblkDeviceConfig.of(o.size(), (int) o.objectSize())
                    .withDevId(o.devId())
                    .withQueues(o.queues())
                    .withDepth(o.depth())
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
            throw new UsageException("--local " + o.localDir() + " is not writable: fix its permissions or give another directory");
        }
    }

    private void refuseSecondAttach() {
        for (DeviceRecord r : run.all()) {
            if (r.serverAlive() && r.bucket().equals(options.bucket()) && r.key().equals(options.key())
                    && (options.localDir() != null || r.endpoint().equals(remoteConfig().describeEndpoint()))) {
                throw new UsageException("s3://" + options.bucket() + "/" + options.key() + " is already served as /dev/ublkb"
                        + r.devId() + " (pid " + r.pid() + "): two servers would overwrite each other's objects; use another --key");
            }
        }
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
            return local.clientConfig(options.bucket());
        }
        return remoteConfig();
    }

    /** The bucket at AWS or at --endpoint-url; builds no client, so the run records can be compared with it. */
    private S3Config remoteConfig() {
        S3Credentials credentials = options.accessKey() != null
                ? (options.sessionToken() != null ? S3Credentials.sessionKeys(options.accessKey(), options.secretKey(), options.sessionToken())
                        : S3Credentials.keys(options.accessKey(), options.secretKey()))
                : options.profile() != null ? S3Credentials.profile(options.profile()) : S3Credentials.defaultChain();
        S3Config config = S3Config.aws(options.bucket(), options.region()).withCredentials(credentials);
        return options.endpointUrl() != null ? config.withEndpoint(options.endpointUrl(), true) : config;
    }

    /** One LIST of at most one key: the bucket exists, the credentials work, the endpoint answers. O(1). */
    private void probe(ObjectStore store) {
        try {
            store.list(options.key() + "/", null, null, 1).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof StoreException s) {
                throw new ServeException(s.getMessage());
            }
            throw e;
        }
    }

    /** The control socket's commands. */
    private void control(String command, Consumer<String> out) throws Exception {
        switch (command) {
            case "stats" -> out.accept(stack.stats().toText().stripTrailing());
            case "stats-json" -> out.accept(stack.stats().toJson().strip());
            case "del" -> {
                refuseIfInUse();
                stop(out);
            }
            case "del-force" -> stop(out);
            default -> throw new IllegalArgumentException("unknown control command '" + command + "'");
        }
    }

    /** An exclusive open fails with EBUSY while a file system is mounted on the device or a program holds it so. */
    private void refuseIfInUse() throws ErrnoException {
        try {
            Libc.close(Libc.open(device.blockDevicePath(), Libc.O_RDONLY | Libc.O_EXCL | Libc.O_CLOEXEC));
        } catch (ErrnoException e) {
            if (e.errno() == Errno.EBUSY) {
                throw new ServeException(device.blockDevicePath() + " is in use (mounted, or held by a program such as a ZFS pool): "
                        + "unmount or export it first, or use 'ublk-s3 del --force' to remove it anyway");
            }
            throw e;
        }
    }

    /** Stops in the safe order; says what it waits for. Idempotent: SIGTERM and del may race. */
    void stop(Consumer<String> progress) throws Exception {
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
            progress.accept("flushing: waiting until every acknowledged write is stored in " + where);
            try {
                stack.device().flush().join();
            } catch (CompletionException e) {
                first = first != null ? first : new ServeException("flush failed, some writes may not be stored: "
                        + ControlSocket.oneLine(e.getCause()));
            }
            Exception closing = unwind(null);
            if (first == null && closing != null) {
                first = closing;
            }
            if (first != null) {
                throw first;
            }
            progress.accept("removed " + path + "; every acknowledged write is in the store");
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

    void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    UblkDevice device() {
        return device;
    }

    String where() {
        return where;
    }

    /** A failure while serving or starting that is not the user's typing: exit code 1. */
    static final class ServeException extends RuntimeException {
        ServeException(String message) {
            super(message);
        }
    }
}
