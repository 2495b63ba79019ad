package dev.ublks3.bench;

import dev.ublks3.storage.BlockDevice;
import dev.ublks3.storage.StorageStack;
import dev.ublks3.storage.local.LocalS3Server;
import dev.ublks3.storage.s3.S3Config;
import dev.ublks3.storage.s3.S3ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;

/**
 * Latency of one request at a time against an in-process S3Proxy (in memory, 127.0.0.1, real HTTP), paired: each
 * invocation makes one request through the object map ("ours": {@link StorageStack} without simulated delay or
 * rate, so stats and retry layers included, over {@link S3ObjectStore}) and the same S3 calls made directly with a
 * CRT client ("raw"), one right after the other, ours first in every other pair, and times each with
 * {@link System#nanoTime()} into its own HdrHistogram. Both sides of a pair share the moment, the server, the JIT's
 * state and the machine's load, so a drift in any of them moves both alike; alternating the order cancels what the
 * first call of a pair leaves to the second (threads still winding down, caches).
 *
 * <ul>
 *   <li>{@code read4k}, {@code write4k}: 4 KiB requests on a device of 4 KiB objects: one ranged GET / one PUT of a
 *       whole object.</li>
 *   <li>{@code read128k}, {@code write128k}: the same with 128 KiB requests and objects.</li>
 *   <li>{@code rmw4kIn128k}: a 4 KiB write 4 KiB into a 128 KiB object: the object map reads the whole object,
 *       patches and PUTs it (read-modify-write); raw is that ranged GET of 128 KiB followed by the PUT. These cycle
 *       over {@value #RMW_OBJECTS} objects, more than the object map keeps copies of (so none is at hand, as for a
 *       write into an object not written lately).</li>
 * </ul>
 * The raw client is built like S3ObjectStore's ({@link RawCrtClient}) and its requests are the object map's on the
 * wire: CRC32C on PUT, checksum mode on GET, and on PUT the same per-granule checksum metadata (read back in setup
 * from an object the object map wrote with the same bytes, so raw computes none). The ratio ours/raw is then the
 * cost of the object map and its layers, checksums included, not of different HTTP work at the server. The other
 * operations cycle over {@value #OBJECTS} objects; all of them exist (written in setup), so reads find data.
 *
 * <p>JMH's own score (SampleTime) is the time of a whole pair. The per-side samples of the measured iterations
 * are written at the end of each fork, when the environment names a directory ({@value #SAMPLES_ENV}), as one
 * file per fork; {@link StorageBenchReport} pools the forks and prints the percentiles and ratios.
 * benchmarks/bin/storage-bench runs both.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 6, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 3)
public class StorageLatencyBenchmark {

    /** The directory the forks write their samples into; unset: none written. */
    static final String SAMPLES_ENV = "STORAGE_BENCH_SAMPLES";
    static final int SMALL = 4 << 10;
    static final int LARGE = 128 << 10;
    /** More 128 KiB objects than the object map's copies (128 patched + 32 written whole at 128 KiB). */
    static final int RMW_OBJECTS = 512;
    static final int OBJECTS = 16;
    private static final String BUCKET = "bench";

    private LocalS3Server server;
    private StorageStack stack;
    private BlockDevice device;
    private S3AsyncClient raw;
    private String rawPrefix;
    private int objectSize;
    private int objects;
    private ByteBuffer data;
    private ByteBuffer into;
    private ByteBuffer smallData;
    /** The metadata the object map PUTs with {@link #data}, and with the patched object of {@link #rmw4kIn128k}. */
    private Map<String, String> metadata;
    private Map<String, String> patchedMetadata;
    private int next;
    private long pairs;

    /** Samples of the measured iterations, nanoseconds. */
    private final Histogram ours = new Histogram(3);
    private final Histogram rawSide = new Histogram(3);
    private boolean measuring;
    private String operation;

    /** Sets up what this fork's benchmark uses: one device and its objects, both sides. */
    @Setup(Level.Trial)
    public void open(BenchmarkParams params) {
        String benchmark = params.getBenchmark();
        operation = benchmark.substring(benchmark.lastIndexOf('.') + 1);
        objectSize = operation.endsWith("4k") ? SMALL : LARGE;
        objects = operation.startsWith("rmw") ? RMW_OBJECTS : OBJECTS;
        rawPrefix = "raw" + objectSize / 1024 + "k";
        server = LocalS3Server.inMemory();
        server.createBucket(BUCKET);
        S3Config config = server.clientConfig(BUCKET);
        stack = StorageStack.open(S3ObjectStore.open(config),
                new StorageStack.Options("map" + objectSize / 1024 + "k", (long) objects * objectSize, objectSize));
        device = stack.device();
        raw = RawCrtClient.open(config, server.endpoint(), LocalS3Server.IDENTITY, LocalS3Server.CREDENTIAL);
        Random random = new Random(1);
        data = ByteBuffer.allocate(objectSize);
        random.nextBytes(data.array());
        smallData = ByteBuffer.allocate(SMALL);
        random.nextBytes(smallData.array());
        into = ByteBuffer.allocate(objectSize);
        device.write(0, data, false).join();
        metadata = storedMetadata(0);
        device.write(SMALL, smallData, false).join();
        patchedMetadata = storedMetadata(0);
        for (int n = 0; n < objects; n++) {
            device.write((long) n * objectSize, data, false).join();
            rawPut(rawKey(n), data, metadata);
        }
    }

    /** The user metadata of the object map's object {@code n}, as stored. */
    private Map<String, String> storedMetadata(int n) {
        String key = stack.objectMap().objectKey(n);
        return Map.copyOf(raw.headObject(request -> request.bucket(BUCKET).key(key)).join().metadata());
    }

    @Setup(Level.Iteration)
    public void iteration(IterationParams params) {
        measuring = params.getType() == IterationType.MEASUREMENT;
    }

    @TearDown(Level.Trial)
    public void close() {
        try {
            String dir = System.getenv(SAMPLES_ENV);
            if (dir != null && !dir.isEmpty()) {
                writeSamples(Path.of(dir));
            }
        } finally {
            raw.close();
            stack.close();
            server.close();
        }
    }

    /** One file per fork: {@code operation-pid.samples}, lines "ours BASE64" and "raw BASE64" (HdrHistogram's). */
    private void writeSamples(Path dir) {
        String text = "ours " + encode(ours) + "\nraw " + encode(rawSide) + "\n";
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(operation + "-" + ProcessHandle.current().pid() + ".samples"), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String encode(Histogram histogram) {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int n = histogram.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), n));
    }

    private int nextObject() {
        next = (next + 1) % objects;
        return next;
    }

    private String rawKey(int n) {
        return rawPrefix + "/" + "%016x".formatted(n);
    }

    /**
     * Runs one call of each side, ours first in every other pair, and records each one's time while measuring.
     */
    private void pair(Runnable oursCall, Runnable rawCall) {
        boolean oursFirst = (pairs++ & 1) == 0;
        long t0 = System.nanoTime();
        (oursFirst ? oursCall : rawCall).run();
        long t1 = System.nanoTime();
        (oursFirst ? rawCall : oursCall).run();
        long t2 = System.nanoTime();
        if (measuring) {
            ours.recordValue(oursFirst ? t1 - t0 : t2 - t1);
            rawSide.recordValue(oursFirst ? t2 - t1 : t1 - t0);
        }
    }

    private void rawPut(String key, ByteBuffer bytes, Map<String, String> userMetadata) {
        raw.putObject(request -> request.bucket(BUCKET).key(key).contentLength((long) bytes.remaining())
                        .checksumAlgorithm(ChecksumAlgorithm.CRC32_C).metadata(userMetadata),
                AsyncRequestBody.fromRemainingByteBufferUnsafe(bytes.duplicate())).join();
    }

    private byte[] rawGet(String key, int length) {
        return raw.getObject(request -> request.bucket(BUCKET).key(key).range("bytes=0-" + (length - 1))
                        .checksumMode(ChecksumMode.ENABLED),
                AsyncResponseTransformer.toBytes()).join().asByteArrayUnsafe();
    }

    private void oursRead(int n) {
        into.clear();
        device.read((long) n * objectSize, into).join();
    }

    private void oursWrite(int n) {
        device.write((long) n * objectSize, data, false).join();
    }

    private void read() {
        int n = nextObject();
        pair(() -> oursRead(n), () -> rawGet(rawKey(n), objectSize));
    }

    private void write() {
        int n = nextObject();
        pair(() -> oursWrite(n), () -> rawPut(rawKey(n), data, metadata));
    }

    @Benchmark
    public void read4k() {
        read();
    }

    @Benchmark
    public void write4k() {
        write();
    }

    @Benchmark
    public void read128k() {
        read();
    }

    @Benchmark
    public void write128k() {
        write();
    }

    /**
     * Ours: a 4 KiB write 4 KiB into the object. Raw, what the object map does for it by hand: GET the whole object,
     * patch, PUT it. In order over {@value #RMW_OBJECTS} objects, least recently used first, so the object map never
     * has a copy at hand.
     */
    @Benchmark
    public void rmw4kIn128k() {
        int n = nextObject();
        pair(() -> device.write((long) n * LARGE + SMALL, smallData, false).join(), () -> {
            String key = rawKey(n);
            byte[] whole = rawGet(key, LARGE);
            System.arraycopy(smallData.array(), 0, whole, SMALL, SMALL);
            rawPut(key, ByteBuffer.wrap(whole), patchedMetadata);
        });
    }
}
