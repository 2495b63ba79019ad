package dev.ublks3.storage.testing;

import dev.ublks3.locals3.LocalS3Server;
import dev.ublks3.storage.s3.S3Config;
import dev.ublks3.storage.s3.S3ObjectStore;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3CrtAsyncClientBuilder;

/**
 * One in-memory S3Proxy on 127.0.0.1 per test JVM, shared by every test class (starting it costs about a second),
 * and a fresh bucket per test. Other modules reach it through storage's test-jar.
 */
public final class LocalS3Fixture {

    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static volatile LocalS3Server server;

    private LocalS3Fixture() {}

    /** The shared server, started on first use and stopped when the JVM exits. */
    public static LocalS3Server server() {
        LocalS3Server s = server;
        if (s == null) {
            synchronized (LocalS3Fixture.class) {
                s = server;
                if (s == null) {
                    s = LocalS3Server.inMemory();
                    LocalS3Server started = s;
                    Runtime.getRuntime().addShutdownHook(new Thread(started::close, "local-s3-stop"));
                    server = s;
                }
            }
        }
        return s;
    }

    /** Creates a bucket no other test uses, named after {@code hint}. */
    public static String newBucket(String hint) {
        String name = (hint.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-") + "-" + BUCKETS.incrementAndGet());
        name = name.length() > 63 ? name.substring(name.length() - 63) : name;
        name = name.replaceAll("^-+", "b");
        server().createBucket(name);
        return name;
    }

    /** Client settings for {@code bucket} on the shared server. */
    public static S3Config config(String bucket) {
        return config(server(), bucket);
    }

    /** Client settings for {@code bucket} on {@code server}: its endpoint, path-style, its fixed keys. */
    public static S3Config config(LocalS3Server server, String bucket) {
        return S3Config.compatible(bucket, server.endpoint(), LocalS3Server.IDENTITY, LocalS3Server.CREDENTIAL);
    }

    /** A CRT client store on a fresh bucket. */
    public static S3ObjectStore newStore(String hint) {
        return S3ObjectStore.open(config(newBucket(hint)));
    }

    /**
     * The AWS SDK's own CRT client on {@code server}, path-style, with its fixed keys: any S3 client, not ours (a
     * second writer, or one that PUTs as nbdkit's boto3 does). A builder, for a caller to change a setting first.
     */
    public static S3CrtAsyncClientBuilder plainClient(LocalS3Server server) {
        return S3AsyncClient.crtBuilder()
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LocalS3Server.IDENTITY, LocalS3Server.CREDENTIAL)))
                .endpointOverride(server.endpoint())
                .forcePathStyle(true);
    }
}
