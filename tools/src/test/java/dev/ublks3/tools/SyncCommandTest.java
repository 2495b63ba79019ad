package dev.ublks3.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.storage.cache.CacheMode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sync}, {@code del}'s drain and {@code list}'s cache column, as the commands run them: the client command
 * in-process, the serving side's {@link CacheControl} on a real writeback cache over a real S3-compatible server,
 * between them the control socket in the run directory. Only the ublk device is left out (the VM tests have it):
 * the socket's handler stands in for DeviceServer's, whose stop it records instead of making.
 */
class SyncCommandTest {

    private static final int DEV = 5;
    private static final Duration RETRY = Duration.ofMillis(300);

    @TempDir
    Path tmp;

    private CachedStack stack;
    private ControlSocket.Server socket;
    /** The del commands the server was asked to stop with, once its drain let it. */
    private final List<String> stops = new CopyOnWriteArrayList<>();

    private CacheControl control;

    @AfterEach
    void close() {
        CachedStack.server().down(false);
        if (socket != null) {
            socket.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private RunDirectory run() {
        return new RunDirectory(tmp.resolve("run"));
    }

    /** A live device 5 (this JVM's record) whose server has a writeback cache, or none. */
    private void serve(boolean cached) throws Exception {
        Path cacheDir = Files.createDirectories(tmp.resolve("cache"));
        String add = "--size 4M --object-size 64K --bucket bkt --endpoint-url http://127.0.0.1:9";
        if (cached) {
            stack = new CachedStack(cacheDir, RETRY);
            CacheSettings settings = new CacheSettings(cacheDir, 32L * CachedStack.OBJECT, CacheMode.WRITEBACK);
            control = new CacheControl(stack.cache(), settings, DEV, RETRY, Duration.ofMillis(50), () -> false);
            add += " --cache " + cacheDir;
        } else {
            control = new CacheControl(null, null, DEV, RETRY, Duration.ofMillis(50), () -> false);
        }
        run().publish(record(ProcessHandle.current().pid(), add));
        socket = new ControlSocket.Server(run().socket(DEV), (line, out) -> {
            List<String> words = List.of(line.split(" "));
            switch (words.get(0)) { // as DeviceServer.control
                case CacheControl.SYNC -> control.sync(words.subList(1, words.size()), out);
                case CacheControl.SUMMARY -> out.accept(control.summary());
                case "stats" -> out.accept("requests: ..." + control.statsText());
                case DeviceServer.DEL, DeviceServer.DEL_FORCE -> {
                    control.drainBeforeDel(out);
                    stops.add(line);
                }
                case DeviceServer.DEL_KEEP_DIRTY -> stops.add(line);
                default -> throw new IllegalArgumentException("unknown control command '" + line + "'");
            }
        });
    }

    private static DeviceRecord record(long pid, String add) {
        return DeviceRecord.of(DEV, pid, AddOptions.parse(Arrays.asList(add.split(" "))), "http://127.0.0.1:9", 1, 32);
    }

    /** sync -n 5 as on a terminal: what it printed. */
    private String syncOnATerminal() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream terminal = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertEquals(0, SyncCommand.run(List.of("-n", "" + DEV), run(), terminal, true));
        return out.toString(StandardCharsets.UTF_8);
    }

    private CommandRun command(String line) {
        return CommandRun.of(line, run());
    }

    @Test
    void syncReturnsOnceTheStoreHasEveryWriteAndPrintsNothingOffATerminal() throws Exception {
        serve(true);
        byte[][] written = stack.writeObjects(3, 11);
        assertEquals(3, stack.cache().stats().dirtyObjects());
        CommandRun r = command("sync -n " + DEV);
        assertEquals(new CommandRun(0, "", ""), r);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(written[i], stack.stored(i), "object " + i + " in the store");
        }
        assertEquals(0, stack.cache().stats().dirtyObjects());
    }

    @Test
    void onATerminalSyncShowsWhatIsLeft() throws Exception {
        serve(true);
        stack.writeObjects(2, 12);
        String shown = syncOnATerminal();
        assertTrue(shown.startsWith("\rsyncing /dev/ublkb5: 2 objects (128.0 KiB) left, "), shown);
        assertTrue(
                shown.endsWith("\n/dev/ublkb5: synced: every write /dev/ublkb5 completed before the sync is in the"
                        + " store\n"),
                shown);
    }

    @Test
    void withoutACacheThereIsNothingToSync() throws Exception {
        serve(false);
        assertEquals(new CommandRun(0, "", ""), command("sync -n " + DEV));
        assertEquals(
                "/dev/ublkb5: nothing to sync: /dev/ublkb5 has no cache, its writes go to the store before they"
                        + " complete\n",
                syncOnATerminal());
    }

    @Test
    void aSyncThatTimesOutNamesWhatIsLeftAndTheFix() throws Exception {
        serve(true);
        stack.writeObjects(2, 13);
        CachedStack.server().down(true);
        CommandRun r = command("sync -n " + DEV + " --timeout 1s");
        assertEquals(1, r.code(), r.toString());
        assertEquals("", r.out());
        assertTrue(
                r.err()
                        .matches("ublk-s3: sync of /dev/ublkb5: 2 dirty objects \\(128\\.0 KiB\\) still to upload"
                                + " after 1s \\((no upload failed yet|\\d+ uploads failed so far)\\): the store may be unreachable: see"
                                + " 'ublk-s3 stats -n 5', and run sync again\n"),
                r.err());
        assertEquals(2, stack.cache().stats().dirtyObjects(), "still in the cache");
    }

    @Test
    void delRefusesWhileTheStoreIsUnreachablePastTheRetryTimeAndGoesOnOnceItIsBack() throws Exception {
        serve(true);
        byte[][] written = stack.writeObjects(2, 14);
        CachedStack.server().down(true);
        CommandRun refused = command("del -n " + DEV);
        assertEquals(1, refused.code(), refused.toString());
        assertEquals(
                "ublk-s3: /dev/ublkb5: 2 dirty objects could not be uploaded (store unreachable for 300ms): fix"
                        + " the store and run del again, or 'ublk-s3 del -n 5 --keep-dirty' to remove the device and keep them"
                        + " in the cache for the next add\n",
                refused.err());
        assertEquals(List.of(), stops, "the device is kept");
        assertEquals(2, stack.cache().stats().dirtyObjects(), "and its dirty data");

        CachedStack.server().down(false);
        CommandRun done = command("del -n " + DEV);
        assertEquals(0, done.code(), done.toString());
        assertEquals(
                "/dev/ublkb5: uploading what the cache " + tmp.resolve("cache") + " holds that the store lacks\n",
                done.out(),
                "no progress lines off a terminal");
        assertEquals(List.of(DeviceServer.DEL), stops);
        assertArrayEquals(written[0], stack.stored(0));
        assertArrayEquals(written[1], stack.stored(1));
    }

    @Test
    void delKeepDirtyAsksTheServerNotToDrain() throws Exception {
        serve(true);
        stack.writeObjects(1, 15);
        CachedStack.server().down(true);
        assertEquals(new CommandRun(0, "", ""), command("del -n " + DEV + " --keep-dirty"));
        assertEquals(List.of(DeviceServer.DEL_KEEP_DIRTY), stops);
        assertEquals(1, stack.cache().stats().dirtyObjects());
    }

    @Test
    void listAndStatsShowTheCache() throws Exception {
        serve(true);
        stack.writeObjects(2, 16);
        CommandRun list = command("list");
        assertEquals(0, list.code(), list.toString());
        String line = list.out()
                .lines()
                .filter(l -> l.startsWith("/dev/ublkb5 "))
                .findFirst()
                .orElseThrow();
        assertTrue(line.matches(".*  writeback, 2 dirty \\(8\\.0 KiB, oldest \\d+\\.\\d s\\), 0 hits, 0 misses"), line);
        assertTrue(list.out().lines().findFirst().orElseThrow().endsWith("  CACHE"), list.out());

        CommandRun stats = command("stats -n " + DEV);
        assertTrue(
                stats.out().contains("\ncache: writeback, 2 of 32 objects cached, dirty 2 objects (8192 bytes)"),
                stats.out());
        String json = control.withStats("{\n  \"requests\": {}\n}");
        assertTrue(
                json.matches("(?s)\\{\n  \"requests\": \\{},\n  \"cache\": \\{\"mode\": \"writeback\", .*"
                        + "\"dirty_objects\": 2, \"dirty_bytes\": 8192, .*}\n}"),
                json);
    }

    @Test
    void listReadsTheModeFromTheRecordWhenTheServerIsGone() throws Exception {
        Path cacheDir = Files.createDirectories(tmp.resolve("cache"));
        String add = "--size 4M --bucket bkt --cache " + cacheDir;
        assertEquals(
                "writethrough (no server: what it had not uploaded stays in " + cacheDir + ")",
                ListCommand.cache(record(999_999_999L, add + " --cache-mode writethrough"), run()));
        assertEquals(
                "writeback (no answer)",
                ListCommand.cache(record(ProcessHandle.current().pid(), add), run()),
                "no socket");
        assertEquals("-", ListCommand.cache(record(1, "--size 4M --bucket bkt"), run()), "no cache");
    }
}
