package dev.ublks3.bench;

import dev.ublks3.locals3.LocalS3Server;
import java.io.IOException;

/**
 * For benchmarks/bin/storage-bench: the benchmark's S3 server ({@link LocalS3Server#inMemory()}, the same class and
 * settings as in {@link StorageLatencyBenchmark}) for a process outside the JVM (nbdkit). Creates the bucket named by
 * the argument, prints the endpoint on one line, and serves until its standard input closes.
 */
public final class LocalS3Main {

    private LocalS3Main() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: LocalS3Main BUCKET");
            System.exit(2);
        }
        try (LocalS3Server server = LocalS3Server.inMemory()) {
            server.createBucket(args[0]);
            System.out.println(server.endpoint());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the caller closes our standard input
            }
        }
    }
}
