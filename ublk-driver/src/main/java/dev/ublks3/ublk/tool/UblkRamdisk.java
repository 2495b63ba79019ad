package dev.ublks3.ublk.tool;

import dev.ublks3.ublk.UblkControl;
import dev.ublks3.ublk.UblkDevice;
import dev.ublks3.ublk.UblkDeviceConfig;
import dev.ublks3.ublk.UblkException;
import dev.ublks3.ublk.UblkTarget;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A ublk RAM disk (or null device) for trying the driver on a real kernel: prints /dev/ublkbN once it is live,
 * serves until standard input closes (when it is not /dev/null) or SIGTERM/SIGINT, then stops and deletes it.
 */
public final class UblkRamdisk {
    private static final String USAGE = """
        Usage: UblkRamdisk [--size 64M] [--queues N] [--depth N] [--unit 64K] [--max-io 1M] [--logical 512|4096]
                           [-n ID] [--async] [--null] [--no-discard] [--fail-at OFFSET] [--backing FILE]
                           [--user-recovery | --recover ID]
               UblkRamdisk --del ID | --features
          --size      device size (K, M, G suffixes; default 64M)
          --queues    hardware queues (default min(CPUs, 4)); --depth requests per queue (default 128)
          --unit      preferred I/O unit: physical block, io_min/io_opt, chunk, discard granularity (default 64K)
          --max-io    largest request (default max(1M, unit)); --logical logical block size (default 512)
          -n          device id (default: the kernel picks)
          --async     serve odd tags on executor threads (completions cross threads)
          --null      complete everything at once, store nothing
          --no-discard  do not advertise discard/write-zeroes
          --fail-at   reads and writes covering this byte offset fail with EIO
          --backing   keep the data in FILE (shared mapping): it outlives the process
          --user-recovery  make the device with UBLK_F_USER_RECOVERY(_REISSUE): if this process dies, the kernel
                      holds the I/O until --recover takes over
          --recover   take over device ID whose server died (its size, queues and depth come from the kernel)
          --del ID    deletes device ID (STOP_DEV, DEL_DEV), e.g. one whose server was killed
          --features  prints what the kernel's ublk driver supports (GET_FEATURES)
        Prints /dev/ublkbN when live; a line "stats" on stdin prints requests served and bytes the queue threads
        allocated; stops and deletes the device when stdin closes or on SIGTERM.""";

    private UblkRamdisk() {}

    public static void main(String[] args) {
        long size = 64L << 20;
        int queues = UblkDeviceConfig.defaultQueues(), depth = UblkDeviceConfig.DEFAULT_DEPTH, unit = 64 << 10;
        int maxIo = -1, logical = 512, devId = -1;
        boolean async = false, nullTarget = false, discard = true;
        long failAt = -1;
        int recoverId = -1;
        boolean userRecovery = false;
        Path backing = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--size" -> size = bytes(a, value(args, ++i, a));
                    case "--queues" -> queues = Integer.parseInt(value(args, ++i, a));
                    case "--depth" -> depth = Integer.parseInt(value(args, ++i, a));
                    case "--unit" -> unit = (int) bytes(a, value(args, ++i, a));
                    case "--max-io" -> maxIo = (int) bytes(a, value(args, ++i, a));
                    case "--logical" -> logical = Integer.parseInt(value(args, ++i, a));
                    case "-n" -> devId = Integer.parseInt(value(args, ++i, a));
                    case "--async" -> async = true;
                    case "--null" -> nullTarget = true;
                    case "--no-discard" -> discard = false;
                    case "--fail-at" -> failAt = bytes(a, value(args, ++i, a));
                    case "--backing" -> backing = Path.of(value(args, ++i, a));
                    case "--user-recovery" -> userRecovery = true;
                    case "--recover" -> recoverId = Integer.parseInt(value(args, ++i, a));
                    case "--features" -> {
                        System.exit(features());
                        return;
                    }
                    case "--del" -> {
                        System.exit(delete(Integer.parseInt(value(args, ++i, a))));
                        return;
                    }
                    case "-h", "--help" -> {
                        System.out.println(USAGE);
                        return;
                    }
                    default -> throw new IllegalArgumentException("unknown option '" + a + "': see --help");
                }
            }
            UblkDeviceConfig config;
            if (recoverId >= 0) {
                config = recoveredConfig(recoverId);
            } else {
                config = UblkDeviceConfig.of(size, unit)
                        .withQueues(queues, depth)
                        .withLogicalBlockSize(logical)
                        .withDevId(devId)
                        .withDiscard(discard)
                        .withUserRecovery(userRecovery);
                if (maxIo > 0) config = config.withMaxIoBufBytes(maxIo);
            }
            System.exit(run(config, recoverId, async, nullTarget, failAt, backing));
        } catch (NumberFormatException e) {
            fail("not a number: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            fail(e.getMessage());
        }
    }

    /** A request on a control connection of its own. */
    private interface ControlCall<T> {
        T on(UblkControl control) throws UblkException;
    }

    /** What {@code call} returns; a ublk error ends the process (exit 1). */
    private static <T> T onControl(ControlCall<T> call) {
        try (UblkControl control = UblkControl.open()) {
            return call.on(control);
        } catch (UblkException e) {
            fail(e.getMessage());
            return null;
        }
    }

    private static int features() {
        System.out.println("ublk features: " + onControl(UblkControl::getFeatures));
        return 0;
    }

    /** STOP_DEV then DEL_DEV of a device this process does not serve (its server died). */
    private static int delete(int devId) {
        onControl(control -> {
            control.stopDev(devId);
            control.delDev(devId);
            return null;
        });
        System.err.println("ublk-ramdisk: deleted ublk " + devId);
        return 0;
    }

    /** The shape of a device to take over, from the kernel (the target needs its size, queues and depth first). */
    private static UblkDeviceConfig recoveredConfig(int devId) {
        return onControl(control -> UblkDeviceConfig.of(control.getDevInfo(devId), control.getParams(devId)));
    }

    private static int run(
            UblkDeviceConfig config, int recoverId, boolean async, boolean nullTarget, long failAt, Path backing) {
        RamdiskTarget ram = null;
        UblkDevice device;
        try {
            UblkTarget target;
            if (nullTarget) {
                target = new NullTarget();
            } else {
                UblkDeviceConfig.Queues q = config.queues();
                ram = new RamdiskTarget(config.sizeBytes(), async, q.count(), q.depth(), failAt, backing);
                target = ram;
            }
            device = recoverId >= 0 ? UblkDevice.recover(recoverId, target) : UblkDevice.create(config, target);
        } catch (IOException e) {
            if (ram != null) ram.close();
            fail(e.getMessage());
            return 1;
        }
        final RamdiskTarget ramdisk = ram;
        long[] allocatedAtStart = allocatedBytes(device);
        Thread hook = Thread.ofPlatform().unstarted(() -> stop(device, ramdisk, allocatedAtStart));
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.println(device.blockDevicePath());
        System.out.flush();
        System.err.println("ublk-ramdisk: " + device.info() + "; " + config);
        if (!stdinIsDevNull()) {
            try {
                var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                for (String line; (line = in.readLine()) != null; ) { // serve until the other end closes
                    if (line.trim().equals("stats"))
                        System.err.println("ublk-ramdisk: " + stats(device, allocatedAtStart));
                }
            } catch (IOException e) {
                System.err.println("ublk-ramdisk: stdin: " + e.getMessage());
            }
            int rc = stop(device, ramdisk, allocatedAtStart);
            Runtime.getRuntime().removeShutdownHook(hook);
            return rc;
        }
        try {
            Thread.currentThread().join(); // until SIGTERM runs the hook
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Bytes each queue thread allocated so far (-1 where the JVM cannot tell). */
    private static long[] allocatedBytes(UblkDevice device) {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        return device.queues().stream()
                .mapToLong(q -> mx.getThreadAllocatedBytes(q.thread().threadId()))
                .toArray();
    }

    /** Requests served and what the queue threads allocated since the device went live (the driver's hot path: nothing). */
    private static String stats(UblkDevice device, long[] allocatedAtStart) {
        long[] now = allocatedBytes(device);
        long requests = 0, allocated = 0;
        for (int q = 0; q < now.length; q++) {
            requests += device.queues().get(q).requests();
            allocated += now[q] - allocatedAtStart[q];
        }
        return "served " + requests + " requests; queue threads allocated " + allocated + " bytes while serving";
    }

    private static synchronized int stop(UblkDevice device, RamdiskTarget ram, long[] allocatedAtStart) {
        System.err.println("ublk-ramdisk: " + stats(device, allocatedAtStart));
        try {
            device.close();
            System.err.println("ublk-ramdisk: " + device.blockDevicePath() + " stopped and deleted"
                    + (ram != null && ram.asyncCompletions() > 0
                            ? " (" + ram.asyncCompletions() + " completions from worker threads)"
                            : ""));
            return 0;
        } catch (UblkException e) {
            System.err.println("ublk-ramdisk: " + e.getMessage());
            return 1;
        } finally {
            if (ram != null) ram.close();
        }
    }

    private static boolean stdinIsDevNull() {
        try {
            return Path.of("/dev/null").equals(Files.readSymbolicLink(Path.of("/proc/self/fd/0")));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new IllegalArgumentException(option + " needs a value: see --help");
        return args[i];
    }

    static long bytes(String option, String s) {
        String v = s.trim().toUpperCase(Locale.ROOT);
        long mult = 1;
        if (v.endsWith("B")) v = v.substring(0, v.length() - 1);
        if (v.endsWith("K")) mult = 1L << 10;
        else if (v.endsWith("M")) mult = 1L << 20;
        else if (v.endsWith("G")) mult = 1L << 30;
        else if (v.endsWith("T")) mult = 1L << 40;
        if (mult > 1) v = v.substring(0, v.length() - 1);
        try {
            return Math.multiplyExact(Long.parseLong(v), mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(option + " takes a size like 64M, got '" + s + "'");
        }
    }

    private static void fail(String message) {
        System.err.println("ublk-ramdisk: " + message);
        System.exit(1);
    }
}
