package dev.ublks3.storage.cache;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lock on a cache directory: a file lock on {@code DIR/lock}, which holds the holder's pid for the refusal
 * message. Directories locked by this process are also kept in a set and refused before any channel is opened:
 * closing a second channel on the lock file would drop this process's lock (POSIX record locks belong to the
 * process, and any close releases them).
 */
final class DirectoryLock implements Closeable {

    private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

    private final Path key;
    /** Held through the lock file's channel ({@link FileLock#channel}), which {@link #close} closes. */
    private final FileLock lock;

    private DirectoryLock(Path key, FileLock lock) {
        this.key = key;
        this.lock = lock;
    }

    static DirectoryLock take(CacheFiles files) throws IOException {
        Path key = files.dir().toRealPath();
        if (!HELD_HERE.add(key)) {
            throw inUse(files.dir(), Long.toString(ProcessHandle.current().pid()));
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(
                    files.lock(), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw inUse(files.dir(), holder(channel));
            }
            channel.truncate(0);
            byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
            FileIo.writeFully(channel, ByteBuffer.wrap(pid), 0);
            return new DirectoryLock(key, lock);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            HELD_HERE.remove(key);
            throw e;
        }
    }

    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer pid = ByteBuffer.allocate(32);
        int read = FileIo.readFully(channel, pid, 0);
        String text = new String(pid.array(), 0, read, StandardCharsets.US_ASCII).trim();
        return text.matches("[0-9]+") ? text : "unknown";
    }

    private static CacheException inUse(Path dir, String pid) {
        return new CacheException("cache " + dir + " is in use by another ublk-s3 server (pid " + pid
                + "): give each device its own --cache");
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
            lock.channel().close();
        } finally {
            HELD_HERE.remove(key);
        }
    }
}
