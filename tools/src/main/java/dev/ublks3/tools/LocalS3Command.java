package dev.ublks3.tools;

import dev.ublks3.storage.local.LocalS3Server;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ublk-s3 local-s3}: the embedded S3-compatible endpoint of {@code add --local} on its own, for other
 * clients of the same bucket (nbdkit's S3 plugin, the AWS CLI, a second ublk-s3). Serves until SIGTERM/SIGINT.
 */
final class LocalS3Command {

    static final String HELP = """
            Usage: ublk-s3 local-s3 --dir DIR [--port PORT] [--bucket NAME]

            Serves the buckets under DIR (one subfolder each) as an S3-compatible endpoint on 127.0.0.1:PORT
            (default 9000), path-style, access key 'local', secret 'local-secret'. Prints the endpoint URL once it
            answers; runs until SIGTERM or SIGINT.

              --dir DIR      where the objects live (as files); must exist
              --port PORT    TCP port on 127.0.0.1; 0 picks a free one (default: 9000)
              --bucket NAME  create this bucket if missing
            """;

    private static final ArgParser PARSER = new ArgParser("local-s3", List.of(
            ArgParser.Option.value("dir"),
            ArgParser.Option.value("port"),
            ArgParser.Option.value("bucket")), Map.of());

    private LocalS3Command() {
    }

    static int run(List<String> args, PrintStream out) throws InterruptedException {
        Map<String, String> o = PARSER.parse(args);
        if (!o.containsKey("dir")) {
            throw new UsageException("'local-s3' needs --dir DIR: the folder that holds the buckets");
        }
        Path dir = Path.of(o.get("dir"));
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new UsageException("--dir " + dir + " is not a writable directory: create it (mkdir -p " + dir + ") or give another");
        }
        int port = o.containsKey("port") ? AddOptions.nonNegativeInt(o, "port") : 9000;
        if (port > 65535) {
            throw new UsageException("--port " + port + " is not a TCP port: give 0..65535");
        }
        LocalS3Server server = LocalS3Server.onDirectory(dir, port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "local-s3-shutdown"));
        if (o.containsKey("bucket")) {
            try {
                server.createBucket(o.get("bucket"));
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
        out.println(server.endpoint());
        out.flush();
        stopped.await();
        return 0;
    }
}
