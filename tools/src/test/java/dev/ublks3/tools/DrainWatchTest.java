package dev.ublks3.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ublks3.storage.cache.CachedBlockDevice.DrainProgress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drain behind {@code sync} and {@code del}, on a real writeback cache over a real S3-compatible server: it
 * ends once the store has every dirty object, tells what is left meanwhile, and gives up at a deadline, when the
 * store stays down past the retry time, or when the server stops, leaving the dirty data in the cache.
 */
class DrainWatchTest {

    private static final Duration RETRY = Duration.ofMillis(300);
    private static final Duration INTERVAL = Duration.ofMillis(50);
    /** Generous: a failed upload is tried again 5 s later. */
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @AfterEach
    void up() {
        CachedStack.server().down(false);
    }

    @Test
    void aDrainEndsOnceTheStoreHasEveryDirtyObject() throws Exception {
        try (CachedStack s = new CachedStack(dir, RETRY)) {
            byte[][] written = s.writeObjects(3, 1);
            assertNull(s.stored(0), "writeback: nothing uploaded before the drain");
            List<DrainProgress> progress = new ArrayList<>();
            DrainWatch.Outcome outcome = assertTimeoutPreemptively(
                    LIMIT, () -> new DrainWatch(s.cache(), INTERVAL, () -> false).await(null, RETRY, progress::add));
            assertInstanceOf(DrainWatch.Done.class, outcome);
            assertEquals(new DrainProgress(3, 3L * CachedStack.OBJECT), progress.get(0), "what is left at the start");
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(written[i], s.stored(i), "object " + i);
            }
            assertEquals(0, s.cache().stats().dirtyObjects());
        }
    }

    @Test
    void aStoreDownPastTheRetryTimeStallsTheDrainAndTheDataStaysUntilItIsBack() throws Exception {
        try (CachedStack s = new CachedStack(dir, RETRY)) {
            byte[][] written = s.writeObjects(2, 2);
            CachedStack.server().down(true);
            DrainWatch watch = new DrainWatch(s.cache(), INTERVAL, () -> false);
            DrainWatch.Outcome outcome = assertTimeoutPreemptively(LIMIT, () -> watch.await(null, RETRY, p -> {}));
            DrainWatch.Stalled stalled = assertInstanceOf(DrainWatch.Stalled.class, outcome);
            assertEquals(2, stalled.left().objects());
            assertEquals(2, s.cache().stats().dirtyObjects(), "kept in the cache");

            CachedStack.server().down(false);
            assertInstanceOf(
                    DrainWatch.Done.class, assertTimeoutPreemptively(LIMIT, () -> watch.await(null, RETRY, p -> {})));
            assertArrayEquals(written[0], s.stored(0));
            assertArrayEquals(written[1], s.stored(1));
        }
    }

    @Test
    void aDeadlineEndsTheWaitNamingWhatIsLeft() throws Exception {
        try (CachedStack s = new CachedStack(dir, Duration.ofMinutes(5))) {
            s.writeObjects(2, 3);
            CachedStack.server().down(true);
            DrainWatch.Outcome outcome = assertTimeoutPreemptively(
                    LIMIT,
                    () -> new DrainWatch(s.cache(), INTERVAL, () -> false)
                            .await(Duration.ofMillis(300), null, p -> {}));
            assertEquals(new DrainWatch.TimedOut(new DrainProgress(2, 2L * CachedStack.OBJECT)), outcome);
        }
    }

    @Test
    void aStoppingServerEndsTheWait() throws Exception {
        try (CachedStack s = new CachedStack(dir, Duration.ofMinutes(5))) {
            s.writeObjects(1, 4);
            CachedStack.server().down(true);
            boolean[] stopping = {false};
            DrainWatch.Outcome outcome = assertTimeoutPreemptively(
                    LIMIT,
                    () -> new DrainWatch(s.cache(), INTERVAL, () -> stopping[0])
                            .await(null, null, p -> stopping[0] = true));
            assertEquals(new DrainWatch.Stopped(new DrainProgress(1, CachedStack.OBJECT)), outcome);
        }
    }
}
