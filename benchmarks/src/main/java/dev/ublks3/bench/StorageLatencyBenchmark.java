package dev.ublks3.bench;

import dev.ublks3.locals3.LocalS3Server;
import dev.ublks3.storage.StorageStack;
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
 * <p>The raw clients are built like S3ObjectStore's ({@link RawCrtClient}), one per device like ours
 * ({@link Sized}), and their requests are the object map's on the wire: CRC32C on PUT, checksum mode
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
    private Sized small;
    private Sized large;
    /** The metadata the object map PUTs with the object patched by {@link Operation#rmw4kIn128k}. */
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

    /**
     * One object size, both sides: a device of the object map and a raw client of its own (one raw client serving
     * every operation would be used more often than either device's, so it would stay warmer, and that showed as
     * overhead of the object map), the data both PUT and the metadata the object map PUTs with it.
     */
    private static final class Sized {
        final int size;
        final StorageStack stack;
        final S3AsyncClient raw;
        final String rawPrefix;
        final ByteBuffer data;
        final ByteBuffer into;
        /** What the object map PUTs with {@link #data}: raw PUTs it too. */
        Map<String, String> metadata;

        Sized(int size, int objects, S3Config config, LocalS3Server server, Random random) {
            this.size = size;
            this.stack = StorageStack.open(
                    S3ObjectStore.open(config, size),
                    new StorageStack.Options("map" + size / 1024 + "k", (long) objects * size, size));
            this.raw = RawCrtClient.open(config, server.endpoint(), LocalS3Server.IDENTITY, LocalS3Server.CREDENTIAL);
            this.rawPrefix = "raw" + size / 1024 + "k";
            this.data = ByteBuffer.allocate(size);
            this.into = ByteBuffer.allocate(size);
            random.nextBytes(data.array());
        }

        /** Writes {@code bytes} at {@code offset} of block 0 through the object map; the stored object's metadata. */
        Map<String, String> writeAndReadMetadata(int offset, ByteBuffer bytes) {
            stack.device().write(offset, bytes, false).join();
            String key = stack.objectMap().objectKey(0);
            return Map.copyOf(raw.headObject(request -> request.bucket(BUCKET).key(key))
                    .join()
                    .metadata());
        }

        /** Objects {@code 0..objects-1} written whole on both sides ({@link #metadata} set first). */
        void fill(int objects) {
            for (int n = 0; n < objects; n++) {
                write(n, true);
                write(n, false);
            }
        }

        String rawKey(int n) {
            return rawPrefix + "/" + "%016x".formatted(n);
        }

        void read(int n, boolean ours) {
            if (ours) {
                into.clear();
                stack.device().read((long) n * size, into).join();
            } else {
                rawGet(raw, rawKey(n), size);
            }
        }

        void write(int n, boolean ours) {
            if (ours) {
                stack.device().write((long) n * size, data, false).join();
            } else {
                rawPut(raw, rawKey(n), data, metadata);
            }
        }

        void close() {
            raw.close();
            stack.close();
        }
    }

    @Setup(Level.Trial)
    public void open() {
        server = LocalS3Server.inMemory();
        server.createBucket(BUCKET);
        S3Config config =
                S3Config.compatible(BUCKET, server.endpoint(), LocalS3Server.IDENTITY, LocalS3Server.CREDENTIAL);
        Random random = new Random(1);
        small = new Sized(SMALL, OBJECTS, config, server, random);
        large = new Sized(LARGE, OBJECTS + RMW_OBJECTS, config, server, random);
        small.metadata = small.writeAndReadMetadata(0, small.data);
        large.metadata = large.writeAndReadMetadata(0, large.data);
        patchedMetadata = large.writeAndReadMetadata(SMALL, small.data); // on the whole object just written
        small.fill(OBJECTS);
        large.fill(OBJECTS + RMW_OBJECTS);
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
            text.append(op)
                    .append(" raw ")
                    .append(encode(rawSide[op.ordinal()]))
                    .append('\n');
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
            case read4k -> small.read(n, ours);
            case write4k -> small.write(n, ours);
            case read128k -> large.read(n, ours);
            case write128k -> large.write(n, ours);
            case rmw4kIn128k -> {
                int block = OBJECTS + n;
                if (ours) {
                    large.stack
                            .device()
                            .write((long) block * LARGE + SMALL, small.data, false)
                            .join();
                } else {
                    // what the object map does for a partial write, by hand: GET the whole object, patch, PUT it
                    String key = large.rawKey(block);
                    byte[] whole = rawGet(large.raw, key, LARGE);
                    System.arraycopy(small.data.array(), 0, whole, SMALL, SMALL);
                    rawPut(large.raw, key, ByteBuffer.wrap(whole), patchedMetadata);
                }
            }
        }
    }

    private static void rawPut(S3AsyncClient raw, String key, ByteBuffer bytes, Map<String, String> userMetadata) {
        raw.putObject(
                        request -> request.bucket(BUCKET)
                                .key(key)
                                .contentLength((long) bytes.remaining())
                                .checksumAlgorithm(ChecksumAlgorithm.CRC32_C)
                                .metadata(userMetadata),
                        AsyncRequestBody.fromRemainingByteBufferUnsafe(bytes.duplicate()))
                .join();
    }

    private static byte[] rawGet(S3AsyncClient raw, String key, int length) {
        return raw.getObject(
                        request -> request.bucket(BUCKET)
                                .key(key)
                                .range("bytes=0-" + (length - 1))
                                .checksumMode(ChecksumMode.ENABLED),
                        AsyncResponseTransformer.toBytes())
                .join()
                .asByteArrayUnsafe();
    }
}
