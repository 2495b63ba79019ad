package dev.ublks3.tools;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The folder where serving processes leave their device records, control sockets and logs:
 * {@code /run/ublk-s3} (a tmpfs, so nothing survives a reboot), or {@code $UBLKS3_RUN_DIR}.
 */
public final class RunDirectory {

    /** Threads of one JVM must not take the file lock twice (the JVM refuses an overlapping lock). */
    private static final ReentrantLock ADDS_IN_THIS_PROCESS = new ReentrantLock();

    private final Path dir;

    public RunDirectory(Path dir) {
        this.dir = dir;
    }

    public static RunDirectory fromEnvironment() {
        String env = System.getenv("UBLKS3_RUN_DIR");
        return new RunDirectory(Path.of(env != null && !env.isEmpty() ? env : "/run/ublk-s3"));
    }

    public Path path() {
        return dir;
    }

    public Path socket(int devId) {
        return dir.resolve(devId + ".sock");
    }

    public Path recordFile(int devId) {
        return dir.resolve(devId + ".properties");
    }

    public Path logFile(int devId) {
        return dir.resolve(devId + ".log");
    }

    /** The systemd unit's PID file of device NAME (ublk-s3@NAME.service: PIDFile=/run/ublk-s3/NAME.pid). */
    public Path pidFile(String name) {
        return dir.resolve(name + ".pid");
    }

    /** Writes {@code pid} to {@link #pidFile} atomically, as systemd reads it once the start command ended. */
    public void writePid(String name, long pid) {
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(name + ".pid.tmp");
            Files.writeString(tmp, pid + "\n");
            Files.move(tmp, pidFile(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + pidFile(name) + ": " + e.getMessage(), e);
        }
    }

    public void removePid(String name) {
        try {
            Files.deleteIfExists(pidFile(name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + pidFile(name) + ": " + e.getMessage(), e);
        }
    }

    /** Writes the record atomically (temp file + rename), so readers never see half of it. */
    public void publish(DeviceRecord record) {
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(record.devId() + ".properties.tmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                record.write(w);
            }
            try {
                Files.move(
                        tmp,
                        recordFile(record.devId()),
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, recordFile(record.devId()), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + recordFile(record.devId()) + ": " + e.getMessage(), e);
        }
    }

    public Optional<DeviceRecord> read(int devId) {
        try (Reader r = Files.newBufferedReader(recordFile(devId), StandardCharsets.UTF_8)) {
            return Optional.of(DeviceRecord.read(r));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + recordFile(devId) + ": " + e.getMessage(), e);
        }
    }

    /** Held by one add at a time; {@link #close} releases it. */
    public interface AddLock extends AutoCloseable {
        @Override
        void close();
    }

    /** The lock file of {@link #lockAdds}. */
    public Path addLockFile() {
        return dir.resolve("add.lock");
    }

    /**
     * Waits for, then holds, the host's add lock (an fcntl lock on {@link #addLockFile}, which the kernel releases
     * when its process dies): an add holds it from its last check that its name and bucket/key are free until its
     * record is published, so two adds at once cannot both pass the checks.
     */
    public AddLock lockAdds() {
        ADDS_IN_THIS_PROCESS.lock();
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(addLockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.lock();
            FileChannel held = channel;
            return () -> {
                try {
                    lock.release();
                    held.close();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot release " + addLockFile() + ": " + e.getMessage(), e);
                } finally {
                    ADDS_IN_THIS_PROCESS.unlock();
                }
            };
        } catch (IOException | RuntimeException e) {
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException closing) {
                e.addSuppressed(closing);
            } finally {
                ADDS_IN_THIS_PROCESS.unlock();
            }
            throw e instanceof IOException io
                    ? new UncheckedIOException("cannot lock " + addLockFile() + ": " + io.getMessage(), io)
                    : (RuntimeException) e;
        }
    }

    /** Every record present, by device number. */
    public List<DeviceRecord> all() {
        List<DeviceRecord> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("\\d+\\.properties"))
                    .sorted()
                    .toList()) {
                read(Integer.parseInt(f.getFileName().toString().replace(".properties", "")))
                        .ifPresent(out::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        out.sort((a, b) -> Integer.compare(a.devId(), b.devId()));
        return out;
    }

    /** Removes the record and socket of a device; the log stays for post-mortems. */
    public void retire(int devId) {
        try {
            Files.deleteIfExists(recordFile(devId));
            Files.deleteIfExists(socket(devId));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot remove the run files of device " + devId + " in " + dir + ": " + e.getMessage(), e);
        }
    }
}
