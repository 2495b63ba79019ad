package dev.ublks3.bench;

import dev.ublks3.storage.BlockDevice;
import dev.ublks3.storage.StorageStack;
import dev.ublks3.storage.local.LocalS3Server;
import dev.ublks3.storage.s3.S3Config;
import dev.ublks3.storage.s3.S3ObjectStore;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;

/**
 * Latency of one request at a time against an in-process S3Proxy (in memory, 127.0.0.1, real HTTP): through the
 * object map ({@code *Map}: {@link StorageStack} without simulated delay or rate, so retry and stats layers included,
 * over {@link S3ObjectStore}) and as the same S3 calls made directly with a CRT client ({@code *Raw}). JMH runs
 * the benchmarks in name order, so each {@code *Map} runs right before its {@code *Raw}: a change in the machine's
 * load during the run then skews the ratio of a pair as little as possible.
 *
 * <ul>
 *   <li>{@code 4k}: 4 KiB requests on a device of 4 KiB objects: one ranged GET / one PUT of a whole object.</li>
 *   <li>{@code 128k}: 128 KiB requests on a device of 128 KiB objects: the same, with 128 KiB.</li>
 *   <li>{@code rmw4kIn128k}: a 4 KiB write 4 KiB into a 128 KiB object: the object map reads the whole object,
 *       patches and PUTs it (read-modify-write); raw is that ranged GET of 128 KiB followed by the PUT. These
 *       cycle over {@value #RMW_OBJECTS} objects, more than the object map keeps copies of (so none is at hand,
 *       as for a write into an object not written lately).</li>
 * </ul>
 * The raw client is built like S3ObjectStore's (same CRT settings, CRC32C on PUT, checksum mode on GET), so the
 * ratio map/raw is the cost of the object map and its layers, not of different HTTP work. The other requests
 * cycle over {@value #OBJECTS} objects; all of them exist (written in setup), so reads find data.
 *
 * <p>SampleTime: JMH reports percentiles (p0.50, p0.99). benchmarks/bin/storage-bench runs it, with nbdkit's S3
 * plugin on the same kind of server for 4 KiB writes, and prints the ratios.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 3)
public class StorageLatencyBenchmark {

    static final int SMALL = 4 << 10;
    static final int LARGE = 128 << 10;
    /** More 128 KiB objects than the object map's copies (128 patched + 32 written whole at 128 KiB). */
    static final int RMW_OBJECTS = 512;
    static final int OBJECTS = 16;
    private static final String BUCKET = "bench";

    private LocalS3Server server;
    private StorageStack small;
    private StorageStack large;
    private BlockDevice smallDevice;
    private BlockDevice largeDevice;
    private S3AsyncClient raw;
    private final ByteBuffer smallData = ByteBuffer.allocate(SMALL);
    private final ByteBuffer largeData = ByteBuffer.allocate(LARGE);
    private final ByteBuffer smallInto = ByteBuffer.allocate(SMALL);
    private final ByteBuffer largeInto = ByteBuffer.allocate(LARGE);
    private int next;
    private int nextRmw;

    @Setup(Level.Trial)
    public void open() {
        server = LocalS3Server.inMemory();
        server.createBucket(BUCKET);
        S3Config config = server.clientConfig(BUCKET);
        small = StorageStack.open(S3ObjectStore.open(config),
                new StorageStack.Options("map4k", (long) OBJECTS * SMALL, SMALL));
        large = StorageStack.open(S3ObjectStore.open(config),
                new StorageStack.Options("map128k", (long) RMW_OBJECTS * LARGE, LARGE));
        smallDevice = small.device();
        largeDevice = large.device();
        raw = RawCrtClient.open(config, server.endpoint(), LocalS3Server.IDENTITY, LocalS3Server.CREDENTIAL);
        Random random = new Random(1);
        random.nextBytes(smallData.array());
        random.nextBytes(largeData.array());
        for (int n = 0; n < OBJECTS; n++) {
            smallDevice.write((long) n * SMALL, smallData, false).join();
            rawPut(rawKey("raw4k", n), smallData);
        }
        for (int n = 0; n < RMW_OBJECTS; n++) {
            largeDevice.write((long) n * LARGE, largeData, false).join();
            rawPut(rawKey("raw128k", n), largeData);
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        raw.close();
        small.close();
        large.close();
        server.close();
    }

    private int nextObject() {
        next = (next + 1) % OBJECTS;
        return next;
    }

    /** In order over {@value #RMW_OBJECTS}: least recently used first, so no copy is ever at hand. */
    private int nextRmwObject() {
        nextRmw = (nextRmw + 1) % RMW_OBJECTS;
        return nextRmw;
    }

    private static String rawKey(String prefix, int n) {
        return prefix + "/" + "%016x".formatted(n);
    }

    private Object rawPut(String key, ByteBuffer data) {
        return raw.putObject(request -> request.bucket(BUCKET).key(key).contentLength((long) data.remaining())
                        .checksumAlgorithm(ChecksumAlgorithm.CRC32_C),
                AsyncRequestBody.fromRemainingByteBufferUnsafe(data.duplicate())).join();
    }

    private byte[] rawGet(String key, int length) {
        return raw.getObject(request -> request.bucket(BUCKET).key(key).range("bytes=0-" + (length - 1))
                        .checksumMode(ChecksumMode.ENABLED),
                AsyncResponseTransformer.toBytes()).join().asByteArrayUnsafe();
    }

    /** The harness alone. */
    @Benchmark
    public int baseline() {
        return nextObject();
    }

    @Benchmark
    public ByteBuffer read4kMap() {
        smallInto.clear();
        smallDevice.read((long) nextObject() * SMALL, smallInto).join();
        return smallInto;
    }

    @Benchmark
    public byte[] read4kRaw() {
        return rawGet(rawKey("raw4k", nextObject()), SMALL);
    }

    @Benchmark
    public Object write4kMap() {
        return smallDevice.write((long) nextObject() * SMALL, smallData, false).join();
    }

    @Benchmark
    public Object write4kRaw() {
        return rawPut(rawKey("raw4k", nextObject()), smallData);
    }

    @Benchmark
    public ByteBuffer read128kMap() {
        largeInto.clear();
        largeDevice.read((long) nextObject() * LARGE, largeInto).join();
        return largeInto;
    }

    @Benchmark
    public byte[] read128kRaw() {
        return rawGet(rawKey("raw128k", nextObject()), LARGE);
    }

    @Benchmark
    public Object write128kMap() {
        return largeDevice.write((long) nextObject() * LARGE, largeData, false).join();
    }

    @Benchmark
    public Object write128kRaw() {
        return rawPut(rawKey("raw128k", nextObject()), largeData);
    }

    @Benchmark
    public Object rmw4kIn128kMap() {
        return largeDevice.write((long) nextRmwObject() * LARGE + SMALL, smallData, false).join();
    }

    /** What the object map does for a partial write, by hand: GET the whole object, patch, PUT it. */
    @Benchmark
    public Object rmw4kIn128kRaw() {
        String key = rawKey("raw128k", nextRmwObject());
        byte[] whole = rawGet(key, LARGE);
        System.arraycopy(smallData.array(), 0, whole, SMALL, SMALL);
        return rawPut(key, ByteBuffer.wrap(whole));
    }
}
