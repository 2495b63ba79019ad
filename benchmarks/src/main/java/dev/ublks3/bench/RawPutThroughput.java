package dev.ublks3.bench;

import dev.ublks3.storage.s3.S3Config;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;

/**
 * For benchmarks/bin/side-by-side: the ceiling for sequential writes. PUTs {@code objects} objects of
 * {@code object-size} bytes under {@code {key}/{n:016x}} with at most {@code concurrency} in flight, on a raw CRT
 * client with the storage stack's settings ({@link RawCrtClient}), and writes the throughput as one JSON line:
 * {@code {"objects": N, "objectSize": N, "concurrency": N, "seconds": S, "bytesPerSecond": B}}.
 * A first round of {@code concurrency} PUTs (not timed) warms the connections and the JIT.
 */
public final class RawPutThroughput {

    private RawPutThroughput() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 9) {
            System.err.println("usage: RawPutThroughput ENDPOINT ACCESS_KEY SECRET_KEY BUCKET KEY OBJECT_SIZE OBJECTS"
                    + " CONCURRENCY OUT_JSON");
            System.exit(2);
        }
        URI endpoint = URI.create(args[0]);
        String bucket = args[3];
        String key = args[4];
        int objectSize = Integer.parseInt(args[5]);
        int objects = Integer.parseInt(args[6]);
        int concurrency = Integer.parseInt(args[7]);
        S3Config config = S3Config.compatible(bucket, endpoint, args[1], args[2]);
        ByteBuffer data = ByteBuffer.allocateDirect(objectSize);
        byte[] bytes = new byte[objectSize];
        new Random(1).nextBytes(bytes);
        data.put(bytes).flip();
        try (S3AsyncClient client = RawCrtClient.open(config, endpoint, args[1], args[2])) {
            putAll(client, bucket, key + "-warmup", data, concurrency, concurrency);
            long start = System.nanoTime();
            putAll(client, bucket, key, data, objects, concurrency);
            double seconds = (System.nanoTime() - start) / 1e9;
            String json = String.format(
                    Locale.ROOT,
                    "{\"objects\": %d, \"objectSize\": %d, \"concurrency\": %d, \"seconds\": %.3f, \"bytesPerSecond\": %.1f}",
                    objects,
                    objectSize,
                    concurrency,
                    seconds,
                    (double) objects * objectSize / seconds);
            Files.writeString(Path.of(args[8]), json + "\n");
            System.out.println(json);
        }
    }

    private static void putAll(
            S3AsyncClient client, String bucket, String key, ByteBuffer data, int objects, int concurrency)
            throws InterruptedException {
        Semaphore slots = new Semaphore(concurrency);
        List<CompletableFuture<?>> puts = new ArrayList<>(objects);
        for (int n = 0; n < objects; n++) {
            slots.acquire();
            String name = key + "/" + "%016x".formatted(n);
            puts.add(client.putObject(
                            request -> request.bucket(bucket)
                                    .key(name)
                                    .contentLength((long) data.remaining())
                                    .checksumAlgorithm(ChecksumAlgorithm.CRC32_C),
                            AsyncRequestBody.fromRemainingByteBufferUnsafe(data.duplicate()))
                    .whenComplete((response, error) -> slots.release()));
        }
        CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).join();
    }
}
