package dev.ublks3.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.locals3.LocalS3Server;
import dev.ublks3.storage.s3.S3ObjectStore;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's first request to its store, made before the device exists (add and recover alike): a bucket whose
 * objects under the key were written with another object size refuses the device in one line naming both sizes
 * and the fix, as a failure to serve (exit 1). The whole add needs the ublk driver: tools/vm/tests.
 */
class StoreProbeTest {

    @TempDir
    static Path dir;

    private static LocalS3Server server;

    @BeforeAll
    static void start() {
        server = LocalS3Server.onDirectory(dir);
        server.createBucket("bkt");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static AddOptions add(String line) {
        return AddOptions.parse(Arrays.asList(("--size 1M --bucket bkt " + line).split(" +")));
    }

    @Test
    void objectsOfAnotherSizeRefuseTheDevice() {
        try (S3ObjectStore store = S3ObjectStore.open(LocalS3Config.of(server, "bkt"))) {
            store.put("big/0000000000000000", ByteBuffer.allocate(128 << 10)).join();
            ServeException e = assertThrows(
                    ServeException.class, () -> DeviceServer.probe(store, add("--key big --object-size 64K")));
            assertEquals(
                    "object bkt/big/0000000000000000 has 131072 bytes, not the object size 65536: it was written "
                            + "with object-size 128K; use --object-size 128K to add this device",
                    e.getMessage());
            DeviceServer.probe(store, add("--key big --object-size 128K"));
            DeviceServer.probe(store, add("--key new --object-size 64K")); // nothing under the key yet
        }
    }

    /** As tools/vm/tests/test_badinput_01.sh makes them: a file in the --local folder is an object. */
    @Test
    void anObjectMadeAsAFileIsSeenToo() throws Exception {
        Files.createDirectories(dir.resolve("bkt/file"));
        Files.write(dir.resolve("bkt/file/0000000000000000"), new byte[128 << 10]);
        try (S3ObjectStore store = S3ObjectStore.open(LocalS3Config.of(server, "bkt"))) {
            ServeException e = assertThrows(
                    ServeException.class, () -> DeviceServer.probe(store, add("--key file --object-size 64K")));
            assertTrue(
                    e.getMessage()
                            .contains("has 131072 bytes, not the object size 65536: it was written with "
                                    + "object-size 128K; use --object-size 128K"),
                    e.getMessage());
        }
    }
}
