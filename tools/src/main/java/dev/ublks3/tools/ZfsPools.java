package dev.ublks3.tools;

import dev.ublks3.ublk.UblkPaths;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * The imported ZFS pools that have a vdev on a ublk device, and their export, through the {@code zpool} command.
 * A pool holds its devices from the kernel (no process has them open, so {@link DeviceHolders} does not see it),
 * and {@code zpool list -v} is where it says which. Without ZFS (no {@code zpool} command, or no zfs module
 * loaded, where {@code zpool} fails) there is no pool.
 *
 * @param zpool     the zpool command ({@code zpool}, looked up on PATH)
 * @param zfsModule the zfs module's sysfs folder: pools can be imported only while it exists
 */
record ZfsPools(String zpool, Path zfsModule) {

    static final ZfsPools SYSTEM = new ZfsPools("zpool", Path.of("/sys/module/zfs"));
    private static final long TIMEOUT_SECONDS = 60;
    /** Exporting writes the pool's dirty data through the device to the store: minutes on a slow link. */
    private static final long EXPORT_TIMEOUT_SECONDS = 3600;

    /** The pools with a vdev on /dev/ublkbN or one of its partitions (ZFS partitions a whole disk: /dev/ublkbNp1). */
    List<String> using(int devId) {
        Result list;
        try {
            list = run(TIMEOUT_SECONDS, "list", "-H", "-v", "-P", "-L");
        } catch (IOException e) {
            return List.of(); // no zpool command: no ZFS here
        }
        if (list.code() != 0) {
            if (!Files.isDirectory(zfsModule)) {
                return List.of(); // zpool without the module loaded: no pool can be imported
            }
            throw new ServeException(
                    "cannot tell which ZFS pools use " + UblkPaths.block(devId) + " ('" + zpool + " list' failed: "
                            + list.lastLine() + "): export them by hand (zpool export POOL), then run this again");
        }
        return poolsOn(list.out(), devId);
    }

    /**
     * The pools of {@code zpool list -H -v -P -L} output whose vdev lines name /dev/ublkbN or /dev/ublkbNpM: a pool
     * line starts with its name, its vdevs' lines with a tab (scripted mode does not indent deeper vdevs further).
     */
    static List<String> poolsOn(String zpoolListOutput, int devId) {
        Pattern device = Pattern.compile(Pattern.quote(UblkPaths.block(devId)) + "(p\\d+)?");
        Set<String> pools = new LinkedHashSet<>();
        String pool = null;
        for (String line : zpoolListOutput.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String first = line.strip().split("\\s+", 2)[0];
            if (!Character.isWhitespace(line.charAt(0))) {
                pool = first;
            } else if (pool != null && device.matcher(first).matches()) {
                pools.add(pool);
            }
        }
        return new ArrayList<>(pools);
    }

    /** {@code zpool export POOL}: unmounts its datasets, writes what is dirty, and lets go of its devices. */
    void export(String pool) {
        Result r;
        try {
            r = run(EXPORT_TIMEOUT_SECONDS, "export", pool);
        } catch (IOException e) {
            throw new ServeException("cannot run '" + zpool + " export " + pool + "': " + e.getMessage()
                    + ": export the pool by hand, then run this again");
        }
        if (r.code() != 0) {
            throw new ServeException("'" + zpool + " export " + pool + "' failed: " + r.lastLine()
                    + ": stop what uses the pool (its mounts, zvols), then run this again");
        }
    }

    /** Exit code and standard output; the last line of standard error for messages. */
    private record Result(int code, String out, String err) {
        String lastLine() {
            String[] lines = (err.isBlank() ? out : err).strip().split("\n");
            return lines[lines.length - 1].strip();
        }
    }

    private Result run(long timeoutSeconds, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(zpool));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        // both pipes read aside, so that a zpool that hangs (a suspended pool) cannot hang this past the timeout
        CompletableFuture<String> out = readAside(p.getInputStream());
        CompletableFuture<String> err = readAside(p.getErrorStream());
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "", "no answer after " + timeoutSeconds + " s");
            }
            return new Result(
                    p.exitValue(),
                    out.get(TIMEOUT_SECONDS, TimeUnit.SECONDS),
                    err.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            return new Result(p.exitValue(), "", "its output could not be read: " + e.getMessage());
        }
    }

    private static CompletableFuture<String> readAside(InputStream in) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try (in) {
                        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                command -> Thread.ofVirtual().start(command));
    }
}
