package dev.ublks3.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.storage.ObjectMap;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class GranuleChecksumsTest {

    @Test
    void theGranuleIsAtLeast4KiBAndSplitsAnObjectInAtMost256() {
        assertEquals(4096, GranuleChecksums.granuleFor(0));
        assertEquals(4096, GranuleChecksums.granuleFor(4096));
        assertEquals(4096, GranuleChecksums.granuleFor(128 << 10));
        assertEquals(4096, GranuleChecksums.granuleFor(1 << 20));
        assertEquals(8192, GranuleChecksums.granuleFor((1 << 20) + 1));
        assertEquals(16384, GranuleChecksums.granuleFor(4 << 20));
        assertEquals(128 << 10, GranuleChecksums.granuleFor(ObjectMap.MAX_OBJECT_SIZE));
        for (int size = 4096; size <= ObjectMap.MAX_OBJECT_SIZE; size <<= 1) {
            int granule = GranuleChecksums.granuleFor(size);
            assertTrue(GranuleChecksums.count(size, granule) <= GranuleChecksums.MAX_GRANULES, "size " + size);
            assertEquals(
                    granule,
                    S3Config.compatible("b", null, "k", "s")
                            .withChecksumGranuleFor(size)
                            .checksumGranule());
        }
    }

    @Test
    void theMetadataOfTheLargestObjectFitsS3s2KB() {
        ByteBuffer largest = ByteBuffer.allocate(ObjectMap.MAX_OBJECT_SIZE);
        GranuleChecksums sums = GranuleChecksums.of(largest, GranuleChecksums.granuleFor(largest.remaining()));
        assertEquals(256, sums.count());
        // S3 counts the UTF-8 bytes of each user-metadata key and value
        int size = (GranuleChecksums.METADATA_KEY + sums.format()).getBytes(StandardCharsets.UTF_8).length;
        assertTrue(size < 2048, size + " bytes");
        assertEquals(1388, size);
    }

    @Test
    void eachGranuleIsTheCrc32cOfItsBytesTheLastOneShort() {
        byte[] data = new byte[10000];
        new Random(1).nextBytes(data);
        ByteBuffer body = ByteBuffer.allocate(10010).position(10).put(data).position(10);
        GranuleChecksums sums = GranuleChecksums.of(body, 4096);
        assertEquals(10, body.position(), "the body's position is left alone");
        assertEquals(3, sums.count());
        int[] expected = {crc(data, 0, 4096), crc(data, 4096, 4096), crc(data, 8192, 1808)};
        for (int i = 0; i < 3; i++) {
            assertEquals(expected[i], sums.crc(i));
        }
        GranuleChecksums read = GranuleChecksums.parse(sums.format());
        assertEquals(4096, read.granule());
        assertEquals(sums.format(), read.format());
        assertEquals(
                "g=4096;", GranuleChecksums.of(ByteBuffer.allocate(0), 4096).format());
        assertEquals(0, GranuleChecksums.parse("g=4096;").count());
    }

    @Test
    void unreadableMetadataSaysWhatIsWrong() {
        assertEquals(
                "not g=<granule>;<base64>",
                assertThrows(IllegalArgumentException.class, () -> GranuleChecksums.parse("4096;AAAA"))
                        .getMessage());
        assertEquals(
                "granule 12288 is not a power of two up to 1 GiB",
                assertThrows(IllegalArgumentException.class, () -> GranuleChecksums.parse("g=12288;"))
                        .getMessage());
        assertEquals(
                "6 bytes of CRC32Cs, not a multiple of 4",
                assertThrows(IllegalArgumentException.class, () -> GranuleChecksums.parse("g=4096;AAAAAAAA"))
                        .getMessage());
    }

    private static int crc(byte[] data, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(data, from, length);
        return (int) crc.getValue();
    }
}
