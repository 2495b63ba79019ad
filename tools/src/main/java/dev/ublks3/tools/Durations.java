package dev.ublks3.tools;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as the options spell them: a number (decimals allowed) and a unit us, ms, s, m (minutes) or h, such as
 * {@code 500ms}, {@code 0.5s}, {@code 15s} or {@code 2m}; or {@code 0}. Shared by every option that takes one
 * ({@code add --retry-time}, {@code local-s3 --latency} and {@code --stall}).
 */
public final class Durations {

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?|\\.\\d+)(us|ms|s|m|h)");

    private Durations() {}

    /** Parses {@code text} for {@code option}, at most {@code max}; a bad value is a one-line {@link UsageException}. */
    public static Duration parse(String option, String text, Duration max) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = DURATION.matcher(t);
        if (!m.matches()) {
            throw new UsageException(
                    option + " '" + text + "' is not a duration: give a number with a unit us, ms, s, m or h,"
                            + " such as 20ms, 0.5s, 15s or 2m");
        }
        long nanosPerUnit = switch (m.group(2)) {
            case "us" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
        };
        BigDecimal nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(nanosPerUnit));
        if (nanos.compareTo(BigDecimal.valueOf(max.toNanos())) > 0) {
            throw new UsageException(
                    option + " " + text.trim() + " is longer than " + format(max) + ": give a shorter one");
        }
        return Duration.ofNanos(nanos.longValue());
    }

    /** The largest unit that spells it exactly: 60 s -> "1m", 15 s -> "15s", 0.5 s -> "500ms", 1 day -> "24h". */
    public static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0";
        }
        String[] units = {"h", "m", "s", "ms", "us"};
        long[] perUnit = {3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L};
        for (int i = 0; i < units.length; i++) {
            if (nanos % perUnit[i] == 0) {
                return nanos / perUnit[i] + units[i];
            }
        }
        return BigDecimal.valueOf(nanos, 3).stripTrailingZeros().toPlainString() + "us";
    }
}
