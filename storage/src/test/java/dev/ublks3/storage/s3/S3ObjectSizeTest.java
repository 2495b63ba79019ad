package dev.ublks3.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ublks3.storage.ObjectMap;
import dev.ublks3.storage.ObjectStore.ReadOutcome;
import dev.ublks3.storage.StoreException;
import dev.ublks3.storage.StoreException.Kind;
import dev.ublks3.storage.testing.LocalS3Fixture;
import dev.ublks3.storage.testing.StoreFailures;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A device added with another object size than its objects were written with: every GET of such an object fails
 * CORRUPT naming both sizes and the fix, and a partial write of it PUTs nothing, so the object stays as it was
 * (the read-modify-write used to cut a 128K object to the 64K of the device and lose its second half).
 */
class S3ObjectSizeTest {

    private static final int WRITTEN = 128 << 10;
    private static final int DEVICE = 64 << 10;
    private static final String KEY = "disk/0000000000000000";

    private static byte[] written(S3Config config) {
        byte[] object = new byte[WRITTEN];
        new Random(15).nextBytes(object);
        try (ObjectMap map = new ObjectMap(S3ObjectStore.open(config, WRITTEN), "disk", 1 << 20, WRITTEN)) {
            map.write(0, ByteBuffer.wrap(object), false).join();
        }
        return object;
    }

    /** The stored object, read whole by a store that checks no object size. */
    private static byte[] stored(S3Config config) {
        try (S3ObjectStore raw = S3ObjectStore.open(config)) {
            ByteBuffer whole = ByteBuffer.allocate(WRITTEN);
            assertEquals(ReadOutcome.FOUND, raw.get(KEY, 0, whole).join());
            StoreException past = StoreFailures.oneLine(raw.get(KEY, WRITTEN, ByteBuffer.allocate(1)));
            assertEquals(Kind.CORRUPT, past.kind(), "no byte past " + WRITTEN + ": " + past.getMessage());
            return whole.array();
        }
    }

    @Test
    void aPartialWriteOverALargerObjectFailsAndLeavesItByteForByte() {
        String bucket = LocalS3Fixture.newBucket("larger-object");
        S3Config config = LocalS3Fixture.config(bucket);
        byte[] object = written(config);
        try (ObjectMap map = new ObjectMap(S3ObjectStore.open(config, DEVICE), "disk", 1 << 20, DEVICE)) {
            ByteBuffer data = ByteBuffer.allocate(4096);
            new Random(1).nextBytes(data.array());
            StoreException e = StoreFailures.oneLine(map.write(0, data, false));
            assertEquals(Kind.CORRUPT, e.kind());
            assertEquals(
                    "object " + bucket + "/" + KEY + " has 131072 bytes, not the object size 65536: it was "
                            + "written with object-size 128K; use --object-size 128K to add this device",
                    e.getMessage());
            assertEquals(
                    e.getMessage(), StoreFailures.oneLine(map.zero(4096, 4096)).getMessage(), "a zero is a write too");
        }
        assertArrayEquals(object, stored(config), "the object is as it was written");
    }

    @Test
    void everyReadOfAnObjectOfAnotherSizeFailsNamingBothSizes() {
        String bucket = LocalS3Fixture.newBucket("other-size-reads");
        S3Config config = LocalS3Fixture.config(bucket);
        written(config);
        try (S3ObjectStore smaller = S3ObjectStore.open(config, 32 << 10)) {
            smaller.put("disk/0000000000000001", ByteBuffer.allocate(32 << 10)).join();
            smaller.put("disk/0000000000000002", ByteBuffer.allocate(1000)).join();
        }
        try (S3ObjectStore store = S3ObjectStore.open(config, DEVICE)) {
            String larger = "object " + bucket + "/" + KEY + " has 131072 bytes, not the object size 65536: it was "
                    + "written with object-size 128K; use --object-size 128K to add this device";
            assertEquals(
                    larger,
                    StoreFailures.oneLine(store.get(KEY, 0, ByteBuffer.allocate(4096)))
                            .getMessage(),
                    "aligned");
            assertEquals(
                    larger,
                    StoreFailures.oneLine(store.get(KEY, 100, ByteBuffer.allocate(10)))
                            .getMessage(),
                    "unaligned");
            assertEquals(
                    larger,
                    StoreFailures.oneLine(store.get(KEY, 0, ByteBuffer.allocate(DEVICE)))
                            .getMessage(),
                    "whole");
            StoreException head = StoreFailures.oneLine(store.get(KEY, 0, ByteBuffer.allocate(0)));
            assertEquals(Kind.CORRUPT, head.kind());
            assertEquals(larger, head.getMessage(), "a HEAD (zero bytes) too");
            StoreException smaller =
                    StoreFailures.oneLine(store.get("disk/0000000000000001", 0, ByteBuffer.allocate(4096)));
            assertEquals(Kind.CORRUPT, smaller.kind());
            assertEquals(
                    "object " + bucket + "/disk/0000000000000001 has 32768 bytes, not the object size 65536: it "
                            + "was written with object-size 32K; use --object-size 32K to add this device",
                    smaller.getMessage());
            assertEquals(
                    "object " + bucket + "/disk/0000000000000002 has 1000 bytes, not the object size 65536: no "
                            + "object size makes objects of 1000 bytes (cut short, or not written as a device's object); "
                            + "remove it, or use another --key",
                    StoreFailures.oneLine(store.get("disk/0000000000000002", 0, ByteBuffer.allocate(512)))
                            .getMessage());
            store.put("disk/0000000000000003", ByteBuffer.allocate(DEVICE)).join();
            assertEquals(
                    ReadOutcome.FOUND,
                    store.get("disk/0000000000000003", 4096, ByteBuffer.allocate(4096))
                            .join(),
                    "an object of the device's size reads");
            assertEquals(
                    ReadOutcome.FOUND,
                    store.get("disk/0000000000000003", 0, ByteBuffer.allocate(0))
                            .join());
            assertEquals(
                    ReadOutcome.ABSENT,
                    store.get("disk/0000000000000004", 0, ByteBuffer.allocate(4096))
                            .join());
        }
    }
}
