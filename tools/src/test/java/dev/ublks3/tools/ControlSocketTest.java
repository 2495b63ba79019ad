package dev.ublks3.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control socket serves each connection on its own: a long command (sync, del's drain) holds up no other. */
class ControlSocketTest {

    @TempDir
    Path tmp;

    @Test
    void aLongCommandDoesNotHoldUpAnother() throws Exception {
        CountDownLatch serving = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Path path = tmp.resolve("0.sock");
        try (ControlSocket.Server server = new ControlSocket.Server(path, (command, out) -> {
            if (command.equals("sync")) {
                out.accept("waiting");
                serving.countDown();
                release.await();
            }
            out.accept(command + " done");
        })) {
            List<String> syncLines = new ArrayList<>();
            CompletableFuture<String> sync = call(path, "sync", syncLines);
            assertTrue(serving.await(30, TimeUnit.SECONDS), "the sync is being served");
            List<String> statsLines = new ArrayList<>();
            CompletableFuture<String> stats = call(path, "stats", statsLines);
            // one at a time, stats would wait for the sync, which waits for the release below: this would time out
            assertNull(stats.get(30, TimeUnit.SECONDS));
            assertEquals(List.of("stats done"), statsLines);
            release.countDown();
            assertNull(sync.get(30, TimeUnit.SECONDS));
            assertEquals(List.of("waiting", "sync done"), syncLines);
            server.awaitIdle(10_000);
        }
    }

    /** A client on a thread of its own (the common pool may have a single thread on a small machine). */
    private static CompletableFuture<String> call(Path path, String command, List<String> lines) {
        CompletableFuture<String> answer = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                answer.complete(ControlSocket.call(path, command, lines::add));
            } catch (IOException | RuntimeException e) {
                answer.completeExceptionally(e);
            }
        });
        return answer;
    }
}
