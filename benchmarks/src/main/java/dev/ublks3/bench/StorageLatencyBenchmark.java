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
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
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
 * CRT client ("raw"), one right after the other, and times each with {@link System#nanoTime()} into its own
 * HdrHistogram. Both sides of a pair share the moment, the server, the JIT's state and the machine's load, so a
 * drift in any of them moves both alike. Which side goes first is drawn for every pair: a call inherits what the
 * call before it leaves behind (threads still winding down, garbage, caches), and a fixed order, or one that
 * alternates in step with the operations' turns, hands one side the same predecessor more often than the other
 * (alternating in step, each side went first always right after the other side's call of the operation before).
 *
 * <p>The invocations take the {@link Operation}s in turn, all in one JVM: the client, the SDK, the CRT's Java side
 * and the server are one large body of code that the JIT keeps compiling for half a minute and more, so one long
 * warm-up serves every operation (a fork per operation would need that warm-up each, or measure during it).
 *
 * <p>The raw clients are built like S3ObjectStore's ({@link RawCrtClient}), one per device like ours (one raw
 * client serving every operation is used more often than either of ours, so it stays warmer, and that showed as
 * overhead of the object map), and their requests are the object map's on the wire: CRC32C on PUT, checksum mode
 * on GET, and on PUT the same per-granule checksum metadata (read back in setup from an object the object map wrote
 * with the same bytes, so raw computes none). The ratio ours/raw is then the cost of the object map and its layers,
 * checksums included, not of different HTTP work at the server.
 *
 * <p>JMH's own score (SampleTime) is the time of one pair, of the operations in turn: not a result. The per-side
 * samples of the measured iterations are written at the end of each fork, when the environment names a directory
 * ({@value #SAMPLES_ENV}), as one file per fork; {@link StorageBenchReport} pools the forks and prints the
 * percentiles and ratios. benchmarks/bin/storage-bench runs both.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 4, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 8, time = 5)
@Measurement(iterations = 10, time = 10)
public class StorageLatencyBenchmark {

    /** The directory the forks write their samples into; unset: none written. */
    static final String SAMPLES_ENV = "STORAGE_BENCH_SAMPLES";
    static final int SMALL = 4 << 10;
    static final int LARGE = 128 << 10;
    /** Objects the reads and whole writes cycle over; all exist (written in setup), so reads find data. */
    static final int OBJECTS = 16;
    /** More 128 KiB objects than the object map's copies (128 patched + 32 written whole at 128 KiB). */
    static final int RMW_OBJECTS = 512;
    private static final String BUCKET = "bench";

    /** What one pair does, on each side; the names are StorageBenchReport's keys. */
    enum Operation {
        /** 4 KiB requests on a device of 4 KiB objects: one ranged GET of a whole object. */
        read4k,
        /** One PUT of a whole 4 KiB object. */
        write4k,
        /** 128 KiB requests on a device of 128 KiB objects: one ranged GET of a whole object. */
        read128k,
        /** One PUT of a whole 128 KiB object. */
        write128k,
        /**
         * A 4 KiB write 4 KiB into a 128 KiB object: the object map reads the whole object, patches and PUTs it
         * (read-modify-write); raw is that ranged GET of 128 KiB followed by the PUT. In order over
         * {@value #RMW_OBJECTS} objects of their own (blocks {@value #OBJECTS} and up), least recently used first,
         * more than the object map keeps copies of: none is ever at hand, as for a write into an object not written
         * lately.
         */
        rmw4kIn128k
    }

    private static final Operation[] OPERATIONS = Operation.values();

    private LocalS3Server server;
    private StorageStack small;
    private StorageStack large;
    /** One raw client per device, as each device has its own: each side's client is as recently used. */
    private S3AsyncClient rawSmall;
    private S3AsyncClient rawLarge;
    private final ByteBuffer smallData = ByteBuffer.allocate(SMALL);
    private final ByteBuffer largeData = ByteBuffer.allocate(LARGE);
    private final ByteBuffer smallInto = ByteBuffer.allocate(SMALL);
    private final ByteBuffer largeInto = ByteBuffer.allocate(LARGE);
    /** The metadata the object map PUTs with the small and large data, and with the patched object. */
    private Map<String, String> smallMetadata;
    private Map<String, String> largeMetadata;
    private Map<String, String> patchedMetadata;

    private int nextOperation;
    private final int[] nextObject = new int[OPERATIONS.length];
    /** Which side goes first in a pair: drawn, so that it is independent of which side ended the pair before. */
    private final SplittableRandom order = new SplittableRandom(1);
    /** Samples of the measured iterations, nanoseconds, per operation. */
    private final Histogram[] ours = histograms();
    private final Histogram[] rawSide = histograms();
    private boolean measuring;

    private static Histogram[] histograms() {
        Histogram[] h = new Histogram[OPERATIONS.length];
        for (int i = 0; i < h.length; i++) {
            h[i] = new Histogram(3);
        }
        return h;
    }

    @Setup(Level.Trial)
    public void open() {
        server = LocalS3Server.inMemory();
        server.createBucket(BUCKET);
        S3Config config = server.clientConfig(BUCKET);
        small = StorageStack.open(S3ObjectStore.open(config),
                new StorageStack.Options("map4k", (long) OBJECTS * SMALL, SMALL));
        large = StorageStack.open(S3ObjectStore.open(config),
                new StorageStack.Options("map128k", (long) (OBJECTS + RMW_OBJECTS) * LARGE, LARGE));
        rawSmall = RawCrtClient.open(config, server.endpoint(), LocalS3Server.IDENTITY, LocalS3Server.CREDENTIAL);
        rawLarge = RawCrtClient.open(config, server.endpoint(), LocalS3Server.IDENTITY, LocalS3Server.CREDENTIAL);
        Random random = new Random(1);
        random.nextBytes(smallData.array());
        random.nextBytes(largeData.array());
        smallMetadata = writeAndReadMetadata(small, 0, smallData);
        largeMetadata = writeAndReadMetadata(large, 0, largeData);
        patchedMetadata = writeAndReadMetadata(large, SMALL, smallData);
        for (int n = 0; n < OBJECTS; n++) {
            small.device().write((long) n * SMALL, smallData, false).join();
            rawPut(rawSmall, rawKey("raw4k", n), smallData, smallMetadata);
        }
        for (int n = 0; n < OBJECTS + RMW_OBJECTS; n++) {
            large.device().write((long) n * LARGE, largeData, false).join();
            rawPut(rawLarge, rawKey("raw128k", n), largeData, largeMetadata);
        }
    }

    /** Writes {@code data} at {@code offset} of block 0 through the object map; the stored object's metadata. */
    private Map<String, String> writeAndReadMetadata(StorageStack stack, int offset, ByteBuffer data) {
        stack.device().write(offset, data, false).join();
        String key = stack.objectMap().objectKey(0);
        return Map.copyOf(rawSmall.headObject(request -> request.bucket(BUCKET).key(key)).join().metadata());
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
            rawSmall.close();
            rawLarge.close();
            small.close();
            large.close();
            server.close();
        }
    }

    /** One file per fork, {@code pid.samples}: lines "operation ours|raw BASE64" (HdrHistogram's compressed form). */
    private void writeSamples(Path dir) {
        StringBuilder text = new StringBuilder();
        for (Operation op : OPERATIONS) {
            text.append(op).append(" ours ").append(encode(ours[op.ordinal()])).append('\n');
            text.append(op).append(" raw ").append(encode(rawSide[op.ordinal()])).append('\n');
        }
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(ProcessHandle.current().pid() + ".samples"), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String encode(Histogram histogram) {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int n = histogram.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), n));
    }

    private static String rawKey(String prefix, int n) {
        return prefix + "/" + "%016x".formatted(n);
    }

    /** One pair of the next operation in turn. */
    @Benchmark
    public void pair() {
        Operation op = OPERATIONS[nextOperation];
        nextOperation = (nextOperation + 1) % OPERATIONS.length;
        int i = op.ordinal();
        int n = nextObject[i];
        nextObject[i] = (n + 1) % (op == Operation.rmw4kIn128k ? RMW_OBJECTS : OBJECTS);
        boolean oursFirst = order.nextBoolean();
        long t0 = System.nanoTime();
        call(op, n, oursFirst);
        long t1 = System.nanoTime();
        call(op, n, !oursFirst);
        long t2 = System.nanoTime();
        if (measuring) {
            ours[i].recordValue(oursFirst ? t1 - t0 : t2 - t1);
            rawSide[i].recordValue(oursFirst ? t2 - t1 : t1 - t0);
        }
    }

    /** Operation {@code op} on object {@code n}, through the object map ({@code ours}) or raw; waits for it. */
    private void call(Operation op, int n, boolean ours) {
        switch (op) {
            case read4k -> {
                if (ours) {
                    smallInto.clear();
                    small.device().read((long) n * SMALL, smallInto).join();
                } else {
                    rawGet(rawSmall, rawKey("raw4k", n), SMALL);
                }
            }
            case write4k -> {
                if (ours) {
                    small.device().write((long) n * SMALL, smallData, false).join();
                } else {
                    rawPut(rawSmall, rawKey("raw4k", n), smallData, smallMetadata);
                }
            }
            case read128k -> {
                if (ours) {
                    largeInto.clear();
                    large.device().read((long) n * LARGE, largeInto).join();
                } else {
                    rawGet(rawLarge, rawKey("raw128k", n), LARGE);
                }
            }
            case write128k -> {
                if (ours) {
                    large.device().write((long) n * LARGE, largeData, false).join();
                } else {
                    rawPut(rawLarge, rawKey("raw128k", n), largeData, largeMetadata);
                }
            }
            case rmw4kIn128k -> {
                int block = OBJECTS + n;
                if (ours) {
                    large.device().write((long) block * LARGE + SMALL, smallData, false).join();
                } else {
                    // what the object map does for a partial write, by hand: GET the whole object, patch, PUT it
                    String key = rawKey("raw128k", block);
                    byte[] whole = rawGet(rawLarge, key, LARGE);
                    System.arraycopy(smallData.array(), 0, whole, SMALL, SMALL);
                    rawPut(rawLarge, key, ByteBuffer.wrap(whole), patchedMetadata);
                }
            }
        }
    }

    private static void rawPut(S3AsyncClient raw, String key, ByteBuffer bytes, Map<String, String> userMetadata) {
        raw.putObject(request -> request.bucket(BUCKET).key(key).contentLength((long) bytes.remaining())
                        .checksumAlgorithm(ChecksumAlgorithm.CRC32_C).metadata(userMetadata),
                AsyncRequestBody.fromRemainingByteBufferUnsafe(bytes.duplicate())).join();
    }

    private static byte[] rawGet(S3AsyncClient raw, String key, int length) {
        return raw.getObject(request -> request.bucket(BUCKET).key(key).range("bytes=0-" + (length - 1))
                        .checksumMode(ChecksumMode.ENABLED),
                AsyncResponseTransformer.toBytes()).join().asByteArrayUnsafe();
    }
}
