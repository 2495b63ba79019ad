package dev.ublks3.tools;

import dev.ublks3.storage.BlockDevice;
import dev.ublks3.storage.Futures;
import dev.ublks3.ublk.UblkIo;
import dev.ublks3.ublk.UblkTarget;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves ublk requests from a storage {@link BlockDevice}: the one adapter between the driver and storage.
 * A store failure becomes -EIO for the kernel (after the retry layer below gave up), and is logged.
 */
final class BlockDeviceTarget implements UblkTarget {

    private static final Logger LOG = LoggerFactory.getLogger(BlockDeviceTarget.class);
    private static final int EIO = 5;

    private final BlockDevice device;
    private final AtomicLong failures = new AtomicLong();

    BlockDeviceTarget(BlockDevice device) {
        this.device = device;
    }

    @Override
    public void handle(UblkIo io) {
        CompletableFuture<Void> done = switch (io.op()) {
            case READ -> device.read(io.offset(), io.buffer());
            case WRITE -> device.write(io.offset(), io.buffer(), io.fua());
            case FLUSH -> device.flush();
            case DISCARD -> device.trim(io.offset(), io.length());
            // An object store has no allocation to keep: a deleted object reads as zeros, so NOUNMAP changes nothing.
            case WRITE_ZEROES -> device.zero(io.offset(), io.length());
        };
        done.whenComplete((ok, error) -> {
            if (error == null) {
                io.completeOk();
            } else {
                fail(io, error);
            }
        });
    }

    private void fail(UblkIo io, Throwable error) {
        long n = failures.incrementAndGet();
        // every failure is an I/O error the file system sees; log the first ones and then every 1000th
        if (n <= 100 || n % 1000 == 0) {
            Throwable cause = Futures.unwrap(error);
            LOG.error(
                    "{} of {} bytes at {} failed (EIO to the kernel, failure #{}): {}",
                    io.op(),
                    io.length(),
                    io.offset(),
                    n,
                    ControlSocket.oneLine(cause));
        }
        io.complete(-EIO);
    }

    /** I/O errors returned to the kernel so far. */
    long failures() {
        return failures.get();
    }
}
