package dev.ublks3.tools;

import dev.ublks3.storage.cache.CachedBlockDevice.DrainProgress;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A cache drain's progress ({@code sync}, {@code del}): the line the server sends about once a second
 * ({@code progress OBJECTS BYTES}), and what a terminal shows of it, one line rewritten in place: objects and bytes
 * left, the rate so far, and the time left at that rate.
 */
final class SyncProgress {

    static final String PREFIX = "progress ";
    /** After this long without an upload done, the line says so instead of an ETA. */
    private static final long QUIET_NANOS = 10_000_000_000L;

    private final PrintStream out;
    private final String what;
    private long firstNanos = -1;
    private long firstBytes;
    private long lastBytes = -1;
    private long lastChangeNanos;
    private boolean open;

    /** Shows on {@code out} (a terminal) the progress of {@code what}, such as "syncing /dev/ublkb0". */
    SyncProgress(PrintStream out, String what) {
        this.out = out;
        this.what = what;
    }

    /** The server's line for {@code p}. */
    static String line(DrainProgress p) {
        return PREFIX + p.objects() + " " + p.bytes();
    }

    /** The progress a server's line tells; null when it is another line. */
    static DrainProgress parse(String line) {
        if (!line.startsWith(PREFIX)) {
            return null;
        }
        String[] words = line.substring(PREFIX.length()).trim().split(" ");
        try {
            return words.length == 2 ? new DrainProgress(Integer.parseInt(words[0]), Long.parseLong(words[1])) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Rewrites the terminal's line with {@code p} as of now. */
    void show(DrainProgress p) {
        out.print("\r" + text(p, System.nanoTime()) + "\033[K");
        out.flush();
        open = true;
    }

    /** Ends the progress line, so that what follows starts on a line of its own. */
    void end() {
        if (open) {
            out.println();
            open = false;
        }
    }

    /** What the terminal shows for {@code p} at {@code nowNanos}; the rate counts from the first call. */
    String text(DrainProgress p, long nowNanos) {
        if (firstNanos < 0) {
            firstNanos = nowNanos;
            firstBytes = p.bytes();
        }
        if (p.bytes() != lastBytes) {
            lastBytes = p.bytes();
            lastChangeNanos = nowNanos;
        }
        String left = what + ": " + p.objects() + (p.objects() == 1 ? " object (" : " objects (") + readable(p.bytes())
                + ") left";
        long done = firstBytes - p.bytes();
        if (done <= 0) {
            return left + ", waiting for the first upload"
                    + (nowNanos - firstNanos >= QUIET_NANOS ? " (" + eta(nowNanos - firstNanos) + ")" : "");
        }
        double perSecond = done * 1e9 / Math.max(1, nowNanos - firstNanos);
        String rate = ", " + readable((long) perSecond) + "/s";
        if (nowNanos - lastChangeNanos >= QUIET_NANOS) {
            return left + rate + ", no upload done for " + eta(nowNanos - lastChangeNanos);
        }
        return left + rate + ", ETA " + eta((long) (p.bytes() / perSecond * 1e9));
    }

    /** 1536 -> "1.5 KiB"; whole bytes below 1 KiB. */
    static String readable(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = bytes;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }

    /** 3 s -> "3s", 125 s -> "2m05s", 3720 s -> "1h02m". */
    static String eta(long nanos) {
        long s = Math.max(0, (nanos + 999_999_999L) / 1_000_000_000L);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
    }
}
