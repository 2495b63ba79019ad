package dev.ublks3.tools;

import java.util.Locale;

/**
 * Sizes as nbdkit spells them: a number with an optional binary suffix (k, M, G, T, P, E; case-insensitive,
 * an optional trailing "iB" or "B"), so "50G" is 50 GiB and "4K" is 4096. Scripts written for nbdkit's S3
 * plugin keep their meaning.
 */
public final class Sizes {

    private Sizes() {}

    /** Parses {@code text} for option {@code option}; a bad value is a one-line {@link UsageException}. */
    public static long parse(String option, String text) {
        String t = text.trim();
        if (t.isEmpty()) {
            throw new UsageException(option + " is empty: give a size such as 50G, 128K or 4096");
        }
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.endsWith("ib")) {
            lower = lower.substring(0, lower.length() - 2);
        } else if (lower.endsWith("b") && lower.length() > 1 && !Character.isDigit(lower.charAt(lower.length() - 2))) {
            throw new UsageException(
                    option + " '" + text + "' is not a size: use a suffix k, M, G, T, P or E (powers of 1024)");
        } else if (lower.endsWith("b")) {
            lower = lower.substring(0, lower.length() - 1); // "512b" = 512 bytes
        }
        int shift = 0;
        if (!lower.isEmpty()) {
            switch (lower.charAt(lower.length() - 1)) {
                case 'k' -> shift = 10;
                case 'm' -> shift = 20;
                case 'g' -> shift = 30;
                case 't' -> shift = 40;
                case 'p' -> shift = 50;
                case 'e' -> shift = 60;
                default -> shift = 0;
            }
        }
        String digits = shift == 0 ? lower : lower.substring(0, lower.length() - 1);
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit)) {
            throw new UsageException(option + " '" + text
                    + "' is not a size: give a whole number with an optional suffix k, M, G, T, P or E, such as 50G");
        }
        long n;
        try {
            n = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new UsageException(option + " '" + text + "' is too large: give a size below 8E (2^63 bytes)");
        }
        if (shift > 0 && n > (Long.MAX_VALUE >> shift)) {
            throw new UsageException(option + " '" + text + "' is too large: give a size below 8E (2^63 bytes)");
        }
        return n << shift;
    }

    /** The shortest exact spelling: 53687091200 -> "50G", 4096 -> "4K", 1000 -> "1000". */
    public static String format(long bytes) {
        String[] suffixes = {"", "K", "M", "G", "T", "P", "E"};
        int i = 0;
        long n = bytes;
        while (n != 0 && i < suffixes.length - 1 && (n & 1023) == 0) {
            n >>= 10;
            i++;
        }
        return n + suffixes[i];
    }
}
