package dev.ublks3.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.ublks3.storage.cache.CachedBlockDevice.DrainProgress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What a terminal shows of a drain's progress: objects and bytes left, the rate so far, the time left. */
class SyncProgressTest {

    private static final long S = 1_000_000_000L;
    private static final long MIB = 1 << 20;

    @Test
    void theServersLineRoundTrips() {
        DrainProgress p = new DrainProgress(12, 12 * MIB);
        assertEquals("progress 12 12582912", SyncProgress.line(p));
        assertEquals(p, SyncProgress.parse(SyncProgress.line(p)));
        assertNull(SyncProgress.parse("stopping /dev/ublkb0: the kernel writes back its cache"));
        assertNull(SyncProgress.parse("progress twelve 1"));
    }

    @Test
    void rateAndTimeLeftCountFromTheFirstLine() {
        SyncProgress s = new SyncProgress(null, "syncing /dev/ublkb0");
        assertEquals(
                "syncing /dev/ublkb0: 12 objects (12.0 MiB) left, waiting for the first upload",
                s.text(new DrainProgress(12, 12 * MIB), 100 * S));
        assertEquals(
                "syncing /dev/ublkb0: 8 objects (8.0 MiB) left, 2.0 MiB/s, ETA 4s",
                s.text(new DrainProgress(8, 8 * MIB), 102 * S));
        assertEquals(
                "syncing /dev/ublkb0: 1 object (1.0 MiB) left, 1.8 MiB/s, ETA 1s",
                s.text(new DrainProgress(1, MIB), 106 * S));
        assertEquals(
                "syncing /dev/ublkb0: 1 object (1.0 MiB) left, 704.0 KiB/s, no upload done for 10s",
                s.text(new DrainProgress(1, MIB), 116 * S),
                "a stalled store shows as such, not as an ETA");
    }

    @Test
    void aStoreThatNeverTookAnUploadSaysHowLongItWaited() {
        SyncProgress s = new SyncProgress(null, "uploading the cache of /dev/ublkb1");
        s.text(new DrainProgress(3, 3 * MIB), 0);
        assertEquals(
                "uploading the cache of /dev/ublkb1: 3 objects (3.0 MiB) left, waiting for the first upload"
                        + " (1m05s)",
                s.text(new DrainProgress(3, 3 * MIB), 65 * S));
    }

    @Test
    void aTerminalLineIsRewrittenInPlaceAndEndedOnce() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SyncProgress s = new SyncProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), "syncing /dev/ublkb0");
        s.show(new DrainProgress(2, 2 * MIB));
        s.end();
        s.end();
        assertEquals(
                "\rsyncing /dev/ublkb0: 2 objects (2.0 MiB) left, waiting for the first upload\033[K\n",
                bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void readableSizesAndDurations() {
        assertEquals("0 B", SyncProgress.readable(0));
        assertEquals("1023 B", SyncProgress.readable(1023));
        assertEquals("1.5 KiB", SyncProgress.readable(1536));
        assertEquals("64.0 GiB", SyncProgress.readable(64L << 30));
        assertEquals("0s", SyncProgress.eta(0));
        assertEquals("2m05s", SyncProgress.eta(125 * S));
        assertEquals("1h02m", SyncProgress.eta(3720 * S));
    }
}
