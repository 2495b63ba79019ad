package dev.ublks3.ublk;

import static dev.ublks3.linux.ublk_cmd_h.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.ublks3.linux.ublk_params;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UblkDeviceConfigTest {
    private static final long GIB = 1L << 30;

    @Test
    void defaults() {
        UblkDeviceConfig c = UblkDeviceConfig.of(GIB, 128 << 10);
        assertEquals(-1, c.devId());
        assertEquals(
                Math.min(Runtime.getRuntime().availableProcessors(), 4),
                c.queues().count());
        assertEquals(128, c.queues().depth());
        assertEquals(1 << 20, c.queues().maxIoBufBytes());
        assertEquals(512, c.logicalBlockSize());
        assertTrue(c.discard());
        assertFalse(c.userRecovery());
        assertEquals(UBLK_F_CMD_IOCTL_ENCODE, c.flags());
        assertEquals(
                UBLK_F_CMD_IOCTL_ENCODE | UBLK_F_USER_RECOVERY | UBLK_F_USER_RECOVERY_REISSUE,
                c.withUserRecovery(true).flags());
        // a unit above 1 MiB raises the default request size to one unit
        assertEquals(8 << 20, UblkDeviceConfig.of(GIB, 8 << 20).queues().maxIoBufBytes());
        assertEquals(32 << 20, UblkDeviceConfig.of(GIB, 32 << 20).queues().maxIoBufBytes());
    }

    private static void rejects(String expected, Runnable make) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make::run);
        assertEquals(expected, e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    @Test
    void validationMessages() {
        UblkDeviceConfig c = UblkDeviceConfig.of(GIB, 64 << 10);
        rejects("device id -2 is negative: give 0 or more, or -1 to let the kernel choose", () -> c.withDevId(-2));
        rejects("logical block size 1024 not supported: give 512 or 4096", () -> c.withLogicalBlockSize(1024));
        rejects(
                "max I/O size 1000 bytes invalid: give a multiple of 4096 up to 33554432 (32 MiB, ublk's buffer limit)",
                () -> c.withMaxIoBufBytes(1000));
        rejects(
                "max I/O size 67108864 bytes invalid: give a multiple of 4096 up to 33554432 (32 MiB, ublk's buffer limit)",
                () -> c.withMaxIoBufBytes(64 << 20));
        rejects(
                "I/O unit 3000 bytes invalid: give a power of two from the logical block size (512) to 32 MiB",
                () -> UblkDeviceConfig.of(GIB, 3000));
        rejects(
                "I/O unit 67108864 bytes invalid: give a power of two from the logical block size (512) to 32 MiB",
                () -> UblkDeviceConfig.of(GIB, 64 << 20));
        rejects(
                "I/O unit 256 bytes invalid: give a power of two from the logical block size (512) to 32 MiB",
                () -> UblkDeviceConfig.of(GIB, 256));
        rejects(
                "I/O unit 2048 bytes invalid: give a power of two from the logical block size (4096) to 32 MiB",
                () -> UblkDeviceConfig.of(GIB, 2048).withLogicalBlockSize(4096));
        rejects(
                "device size 0 bytes invalid: give a positive multiple of the logical block size (512)",
                () -> UblkDeviceConfig.of(0, 4096));
        rejects(
                "device size 1000 bytes invalid: give a positive multiple of the logical block size (512)",
                () -> UblkDeviceConfig.of(1000, 4096));
        rejects(
                "device size 5120 bytes invalid: give a positive multiple of the logical block size (4096)",
                () -> UblkDeviceConfig.of(5120, 4096).withLogicalBlockSize(4096));
        // the bounds themselves are accepted
        assertEquals(4096, c.withQueues(1, 4096).queues().depth());
        assertEquals(
                new UblkDeviceConfig.Queues(1, 1, 1 << 20), c.withQueues(1, 1).queues());
        assertEquals(32 << 20, c.withMaxIoBufBytes(32 << 20).queues().maxIoBufBytes());
        assertEquals(7, c.withDevId(7).devId());
    }

    @ParameterizedTest(name = "{0} queues x depth {1}")
    @CsvSource(delimiter = '|', textBlock = """
            0    | 128  | queues 0 out of range: give 1..4096 (the kernel caps it at the CPU count)
            4097 | 128  | queues 4097 out of range: give 1..4096 (the kernel caps it at the CPU count)
            1    | 0    | depth 0 out of range: give 1..4096
            1    | 4097 | depth 4097 out of range: give 1..4096
            """)
    void queueLimits(int count, int depth, String expected) {
        rejects(expected, () -> UblkDeviceConfig.of(GIB, 64 << 10).withQueues(count, depth));
    }

    @ParameterizedTest(name = "unit {0}, logical {1}, max I/O {2}")
    @CsvSource({
        "4096, 512, 1048576",
        "8192, 512, 1048576",
        "65536, 512, 1048576",
        "131072, 512, 1048576",
        "1048576, 512, 1048576",
        "4194304, 512, 4194304",
        "33554432, 512, 33554432",
        "4096, 4096, 1048576",
        "65536, 4096, 33554432",
        "33554432, 4096, 1048576",
        "131072, 512, 4096"
    })
    void paramsFollowTheUnit(int unit, int logical, int maxIo) {
        long size = 8 * GIB;
        UblkDeviceConfig c =
                UblkDeviceConfig.of(size, unit).withLogicalBlockSize(logical).withMaxIoBufBytes(maxIo);
        UblkParams p = c.params(maxIo);
        int unitShift = Integer.numberOfTrailingZeros(unit);
        UblkParams.Basic b = p.basic();
        assertEquals(UBLK_ATTR_VOLATILE_CACHE | UBLK_ATTR_FUA, b.attrs(), "write back cache + FUA: the fs sends FLUSH");
        assertEquals(logical, b.logicalBlockSize());
        assertEquals(unitShift, b.physicalBsShift());
        assertEquals(unitShift, b.ioMinShift());
        assertEquals(unitShift, b.ioOptShift());
        assertEquals(unit / 512, b.chunkSectors(), "no request straddles two units");
        assertEquals(maxIo / 512, b.maxSectors());
        assertEquals(size / 512, b.devSectors());
        assertEquals(size, b.sizeBytes());
        UblkParams.Discard d = p.discard();
        assertEquals(unit, d.discardGranularity());
        assertEquals(0, d.discardAlignment());
        assertEquals(1, d.maxDiscardSegments());
        assertEquals(0, d.maxDiscardSectors() % (unit / 512), "whole units per discard");
        assertTrue(d.maxDiscardSectors() > 0 && d.maxDiscardSectors() <= UblkDeviceConfig.MAX_DISCARD_SECTORS);
        assertTrue((long) d.maxDiscardSectors() * 512 <= Integer.MAX_VALUE, "its byte length fits UblkIo.length()");
        assertEquals(d.maxDiscardSectors(), d.maxWriteZeroesSectors());
        assertEquals(UBLK_PARAM_TYPE_BASIC | UBLK_PARAM_TYPE_DISCARD, p.types());
    }

    @Test
    void maxSectorsFollowsTheNegotiatedBuffer() {
        // ADD_DEV rounds max_io_buf_bytes; max_sectors above it is EINVAL in ublk_validate_params
        UblkParams p =
                UblkDeviceConfig.of(GIB, 65536).withMaxIoBufBytes(1 << 20).params(512 << 10);
        assertEquals(1024, p.basic().maxSectors());
    }

    @Test
    void discardCappedByASmallDevice() {
        UblkParams p = UblkDeviceConfig.of(32L << 20, 65536).params(1 << 20);
        assertEquals((32 << 20) / 512, p.discard().maxDiscardSectors());
        assertNull(UblkDeviceConfig.of(GIB, 65536)
                .withDiscard(false)
                .params(1 << 20)
                .discard());
    }

    @Test
    void discardOfABigDeviceFitsAnIntLength() {
        // a 4 GiB device once advertised 4 GiB - 64 KiB discards: the 2 GiB mkfs discard arrived as a negative length
        UblkParams.Discard d =
                UblkDeviceConfig.of(4 * GIB, 65536).params(1 << 20).discard();
        assertEquals((Integer.MAX_VALUE / 65536 * 65536) / 512, d.maxDiscardSectors());
    }

    @Test
    void paramsRoundTripThroughTheKernelStruct() {
        UblkParams p =
                UblkDeviceConfig.of(3 * GIB, 1 << 20).withLogicalBlockSize(4096).params(1 << 20);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = ublk_params.allocate(arena);
            p.write(s);
            assertEquals((int) ublk_params.sizeof(), ublk_params.len(s));
            assertEquals(UBLK_PARAM_TYPE_BASIC | UBLK_PARAM_TYPE_DISCARD, ublk_params.types(s));
            assertEquals(p, UblkParams.read(s));
        }
    }
}
