package dev.ublks3.storage.s3;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.zip.CRC32C;

/**
 * The CRC32C of each granule of an object, stored with it as the user metadata {@code x-amz-meta-ublk-crc32c} so
 * that a ranged GET can be verified (S3 returns no checksum for a part of an object). The value is
 * {@code g=<granule bytes>;<base64 of the big-endian 4-byte CRC32Cs, one per granule, the last granule possibly
 * short>}, e.g. {@code g=4096;yZRlqgAAAAA=}.
 *
 * <p>S3 caps an object's user metadata at 2 KB, so an object has at most {@link #MAX_GRANULES} granules: about
 * 1.4 KB of text for a 32 MiB object in 128 KiB granules.
 */
final class GranuleChecksums {

    /** The user-metadata key (the header is {@code x-amz-meta-ublk-crc32c}). */
    static final String METADATA_KEY = "ublk-crc32c";
    /** The smallest granule: the kernel's I/O unit, so an aligned 4 KiB read needs no wider range. */
    static final int MIN_GRANULE = 4096;

    static final int MAX_GRANULES = 256;

    private final int granule;
    private final int[] crcs;

    private GranuleChecksums(int granule, int[] crcs) {
        this.granule = granule;
        this.crcs = crcs;
    }

    /** The granule objects of {@code objectSize} bytes are checksummed in: a power of two, at least 4 KiB. */
    static int granuleFor(long objectSize) {
        long perGranule = Math.max(MIN_GRANULE, Math.ceilDiv(Math.max(objectSize, 1), MAX_GRANULES));
        long granule = Long.highestOneBit(perGranule - 1) << 1;
        if (granule > 1 << 30) {
            throw new IllegalArgumentException("objects of " + objectSize + " bytes are too large to checksum");
        }
        return (int) granule;
    }

    /** How many granules an object of {@code objectSize} bytes has. */
    static long count(long objectSize, int granule) {
        return Math.ceilDiv(objectSize, granule);
    }

    /** The checksums of {@code body}'s remaining bytes (its position is left alone). */
    static GranuleChecksums of(ByteBuffer body, int granule) {
        int length = body.remaining();
        int[] crcs = new int[(int) count(length, granule)];
        CRC32C crc = new CRC32C();
        for (int i = 0; i < crcs.length; i++) {
            int from = i * granule;
            crc.reset();
            crc.update(body.slice(body.position() + from, Math.min(granule, length - from)));
            crcs[i] = (int) crc.getValue();
        }
        return new GranuleChecksums(granule, crcs);
    }

    /**
     * Reads a metadata value written by {@link #format()}.
     *
     * @throws IllegalArgumentException naming what is wrong with it
     */
    static GranuleChecksums parse(String value) {
        // by hand, not with a regex: every GET parses it, and a pattern over 1.4 KB of base64 costs ~10 us
        int semicolon = value.indexOf(';');
        if (!value.startsWith("g=") || semicolon < 3 || semicolon > 12) {
            throw new IllegalArgumentException("not g=<granule>;<base64>");
        }
        long granule;
        try {
            granule = Long.parseLong(value, 2, semicolon, 10);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not g=<granule>;<base64>");
        }
        if (granule > 1 << 30 || Long.bitCount(granule) != 1) {
            throw new IllegalArgumentException("granule " + granule + " is not a power of two up to 1 GiB");
        }
        byte[] packed;
        try {
            packed = Base64.getDecoder().decode(value.substring(semicolon + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the CRC32Cs are not base64: " + e.getMessage());
        }
        if (packed.length % 4 != 0) {
            throw new IllegalArgumentException(packed.length + " bytes of CRC32Cs, not a multiple of 4");
        }
        int[] crcs = new int[packed.length / 4];
        ByteBuffer.wrap(packed).asIntBuffer().get(crcs);
        return new GranuleChecksums((int) granule, crcs);
    }

    /** The metadata value, e.g. {@code g=4096;yZRlqgAAAAA=}. */
    String format() {
        ByteBuffer packed = ByteBuffer.allocate(crcs.length * 4);
        packed.asIntBuffer().put(crcs);
        return "g=" + granule + ";" + Base64.getEncoder().encodeToString(packed.array());
    }

    int granule() {
        return granule;
    }

    int count() {
        return crcs.length;
    }

    /** The stored CRC32C of granule {@code index}. */
    int crc(int index) {
        return crcs[index];
    }

    /** A CRC32C as messages show it, e.g. {@code 0xc9946daa}. */
    static String hex(int crc) {
        return "0x%08x".formatted(crc);
    }
}
