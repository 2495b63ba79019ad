package dev.ublks3.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The add lock: two adds at once, in two processes or two threads, take turns. */
class RunDirectoryTest {

    @TempDir
    Path dir;

    /** Asks for the lock from another process (python's fcntl.lockf, the same kind of lock as the JVM's). */
    private static boolean anotherProcessCanLock(Path lockFile) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("python3", "-c", """
                import fcntl, sys
                f = open(sys.argv[1], "a")
                try:
                    fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    print("locked")
                except OSError:
                    print("busy")
                """, lockFile.toString())
                .redirectErrorStream(true)
                .start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "python3 did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(List.of("locked", "busy").contains(out), out);
        return out.equals("locked");
    }

    @Test
    void anAddHoldingTheLockKeepsAnotherProcessOut() throws Exception {
        RunDirectory run = new RunDirectory(dir.resolve("run"));
        try (RunDirectory.AddLock ignored = run.lockAdds()) {
            assertFalse(anotherProcessCanLock(run.addLockFile()), "another add must wait");
        }
        assertTrue(anotherProcessCanLock(run.addLockFile()), "released on close");
    }

    @Test
    void twoThreadsOfOneProcessTakeTurns() throws Exception {
        RunDirectory run = new RunDirectory(dir);
        CompletableFuture<Void> second;
        try (RunDirectory.AddLock ignored = run.lockAdds()) {
            second = CompletableFuture.runAsync(() -> {
                try (RunDirectory.AddLock alsoIgnored = run.lockAdds()) {
                    // taken once the first is released
                }
            });
            Thread.sleep(200); // not a timing assertion: the second cannot finish while the first holds the lock
            assertFalse(second.isDone(), "the second add waits for the first");
        }
        second.get(30, TimeUnit.SECONDS);
        try (RunDirectory.AddLock ignored = run.lockAdds()) {
            assertEquals(dir.resolve("add.lock"), run.addLockFile());
        }
    }
}
