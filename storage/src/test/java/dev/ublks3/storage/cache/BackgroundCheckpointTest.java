package dev.ublks3.storage.cache;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A WAL grown past its limit starts a checkpoint of its own, so that recovery reads a bounded WAL. */
class BackgroundCheckpointTest {

    private static final long LIMIT = 64 << 10;

    @TempDir
    Path dir;

    @Test
    void theWalStaysNearItsLimit() throws Exception {
        try (CacheLog log =
                CacheLog.open(dir, CacheTesting.IDENTITY, CacheTesting.SLOTS, line -> {}, new CacheLogOptions(LIMIT))) {
            log.assign(0, 1);
            long written = 0;
            for (int i = 0; i < 100; i++) {
                written += log.write(0, i % 4, ByteBuffer.allocate(4096)) > 0 ? 4096 : 0;
            }
            // the checkpoint runs on its own thread: wait for it (bounded), asserting no time
            for (int i = 0; i < 6000 && log.walBytes() > LIMIT; i++) {
                Thread.sleep(10);
            }
            assertTrue(
                    log.walBytes() <= LIMIT, "WAL of " + log.walBytes() + " bytes after " + written + " bytes written");
            assertTrue(new CacheFiles(dir).walNumbers().size() <= 2, "old WAL files deleted");
        }
    }

    @Test
    void aCheckpointIsNotStartedBelowTheLimit() throws IOException {
        try (CacheLog log =
                CacheLog.open(dir, CacheTesting.IDENTITY, CacheTesting.SLOTS, line -> {}, new CacheLogOptions(LIMIT))) {
            long first = new CacheFiles(dir).walNumbers().getFirst();
            log.assign(0, 1);
            log.write(0, 0, ByteBuffer.allocate(4096));
            assertTrue(log.walBytes() > 4096);
            assertTrue(new CacheFiles(dir).walNumbers().equals(java.util.List.of(first)), "still the first WAL file");
        }
    }
}
