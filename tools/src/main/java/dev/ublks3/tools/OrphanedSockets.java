package dev.ublks3.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The TCP sockets of dead processes that still hold data for a port, from /proc/net/tcp and tcp6. A server killed
 * with kill -9 leaves its connections to the S3 endpoint to the kernel (orphans: no process, inode 0), which keeps
 * sending what was queued: a PUT the dead server started may still reach the store. A recovering server waits for
 * them before the kernel re-issues the dead server's requests to it, so such a PUT cannot arrive after the new
 * server's write of the same object and undo it (the remaining window: a PUT the store has received whole but not
 * yet applied).
 */
final class OrphanedSockets {

    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));
    /** TCP states, as /proc/net/tcp shows them, of a socket that closed with data or its FIN not yet acknowledged. */
    private static final int FIN_WAIT1 = 0x04;

    private static final int CLOSING = 0x0B;

    private OrphanedSockets() {}

    /**
     * Orphaned sockets to remote port {@code port} with data not yet acknowledged by the peer (queued to send, or a
     * FIN not yet acknowledged after it).
     */
    static int undelivered(int port) throws IOException {
        int count = 0;
        for (Path table : TABLES) {
            List<String> lines;
            try {
                lines = Files.readAllLines(table);
            } catch (NoSuchFileException e) {
                continue; // no IPv6
            }
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                if (isUndelivered(line, port)) {
                    count++;
                }
            }
        }
        return count;
    }

    /** One line of /proc/net/tcp: sl local rem st tx_queue:rx_queue tr:when retrnsmt uid timeout inode ... */
    static boolean isUndelivered(String line, int port) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 10) {
            return false;
        }
        String remote = f[2];
        int remotePort = Integer.parseInt(remote.substring(remote.indexOf(':') + 1), 16);
        int state = Integer.parseInt(f[3], 16);
        long sendQueue = Long.parseLong(f[4].substring(0, f[4].indexOf(':')), 16);
        boolean orphan = "0".equals(f[9]);
        return orphan && remotePort == port && (sendQueue > 0 || state == FIN_WAIT1 || state == CLOSING);
    }

    /**
     * Waits until no orphaned socket holds data for {@code port}, polling, at most {@code max}; returns how many
     * still did at the end (0: drained).
     */
    static int awaitDrained(int port, Duration max) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        int left = undelivered(port);
        while (left > 0 && System.nanoTime() - deadline < 0) {
            Thread.sleep(50);
            left = undelivered(port);
        }
        return left;
    }
}
