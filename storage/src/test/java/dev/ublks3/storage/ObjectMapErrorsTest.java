package dev.ublks3.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ublks3.storage.testing.MemoryObjectStore;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * An Error (out of memory, a stack overflow) thrown inside a mutation fails that mutation only: the object's
 * later I/O, flush and trims still run. (A mutation that never completed would hang them all for good.)
 */
class ObjectMapErrorsTest {

    private static final int OS = 4096;
    private static final long WAIT_SECONDS = 10; // only against a hang: every call here completes at once

    /** Like an OutOfMemoryError (a real one that escaped would end the test JVM, not fail one test). */
    private static final class InjectedError extends Error {
        InjectedError() {
            super("injected: Java heap space");
        }
    }

    /** Throws an {@link InjectedError} from the next PUT or DELETE, when armed. */
    private static final class ThrowingStore extends ObjectStoreLayer {
        final AtomicBoolean throwNext = new AtomicBoolean();

        ThrowingStore(ObjectStore next) {
            super(next);
        }

        private void maybeThrow() {
            if (throwNext.getAndSet(false)) {
                throw new InjectedError();
            }
        }

        @Override
        public CompletableFuture<Void> put(String key, ByteBuffer data) {
            maybeThrow();
            return next.put(key, data);
        }

        @Override
        public CompletableFuture<Void> delete(String key) {
            maybeThrow();
            return next.delete(key);
        }

        @Override
        public CompletableFuture<Void> deleteObjects(List<String> keys) {
            maybeThrow();
            return next.deleteObjects(keys);
        }
    }

    private final ThrowingStore store = new ThrowingStore(new MemoryObjectStore());
    private final ObjectMap map = new ObjectMap(store, "vol", 4L * OS, OS);

    private static ByteBuffer filled(int value) {
        byte[] bytes = new byte[OS];
        Arrays.fill(bytes, (byte) value);
        return ByteBuffer.wrap(bytes);
    }

    /** The call's future; an Error it threw instead is returned as one, so the test can go on and look for a hang. */
    private static CompletableFuture<Void> issue(Supplier<CompletableFuture<Void>> call, List<Throwable> thrown) {
        try {
            return call.get();
        } catch (Throwable e) {
            thrown.add(e);
            return CompletableFuture.failedFuture(e);
        }
    }

    private static void assertFailsWithTheError(CompletableFuture<Void> call) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertInstanceOf(InjectedError.class, e.getCause());
    }

    private void assertTheObjectStillWorks(long block, int value) throws Exception {
        map.write(block * OS, filled(value), false).get(WAIT_SECONDS, TimeUnit.SECONDS);
        ByteBuffer into = ByteBuffer.allocate(OS);
        map.read(block * OS, into).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertArrayEquals(filled(value).array(), into.array());
        map.flush().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(0, map.queuedMutations(), "nothing left waiting");
    }

    @Test
    void anErrorFromAWholeObjectWriteFailsItAndLaterIoToTheObjectRuns() throws Exception {
        List<Throwable> thrown = new ArrayList<>();
        store.throwNext.set(true);
        assertFailsWithTheError(issue(() -> map.write(OS, filled(1), false), thrown));
        assertTheObjectStillWorks(1, 2);
        assertEquals(List.of(), thrown, "the Error comes back in the future, not thrown at the caller");
    }

    @Test
    void anErrorFromAPartialWriteFailsItAndLaterIoToTheObjectRuns() throws Exception {
        List<Throwable> thrown = new ArrayList<>();
        store.throwNext.set(true);
        assertFailsWithTheError(issue(() -> map.write(2L * OS + 5, ByteBuffer.allocate(10), false), thrown));
        assertTheObjectStillWorks(2, 3);
        assertEquals(List.of(), thrown);
    }

    @Test
    void anErrorFromATrimFailsItAndLaterIoToItsObjectsRuns() throws Exception {
        map.write(0, ByteBuffer.allocate(4 * OS), false).get(WAIT_SECONDS, TimeUnit.SECONDS);
        List<Throwable> thrown = new ArrayList<>();
        store.throwNext.set(true);
        assertFailsWithTheError(issue(() -> map.trim(0, OS), thrown)); // one object: one DELETE
        assertTheObjectStillWorks(0, 4);
        store.throwNext.set(true);
        assertFailsWithTheError(issue(() -> map.trim(0, 3L * OS), thrown)); // a batch: one DeleteObjects
        assertTheObjectStillWorks(1, 5);
        assertEquals(List.of(), thrown);
        assertFalse(store.throwNext.get(), "every injected Error was thrown");
    }
}
