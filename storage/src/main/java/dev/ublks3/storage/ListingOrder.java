package dev.ublks3.storage;

import java.util.List;

/**
 * What S3 promises of the pages of one LIST walk, and what the object map relies on: keys strictly ascending in S3's
 * key order ({@link KeyOrder}), each page's after the key the walk continues from (start-after, then the last key
 * of the page before). A walk stops at the first key past its range and takes a key it did not see for an absent
 * object, so a store that lists out of order or ignores start-after would make present objects look absent.
 * One per walk; pages are checked in the order they were listed.
 */
final class ListingOrder {

    private final String prefix;
    private String previous;

    /** A walk of {@code prefix} after {@code startAfter} (null: from the start). */
    ListingOrder(String prefix, String startAfter) {
        this.prefix = prefix;
        this.previous = startAfter;
    }

    /** Null when the next page's {@code keys} keep the promise, else the error naming the first key that breaks it. */
    StoreException check(List<String> keys) {
        for (String key : keys) {
            if (previous != null && KeyOrder.compare(key, previous) <= 0) {
                return new StoreException(
                        StoreException.Kind.CORRUPT,
                        "LIST",
                        prefix,
                        "LIST of '" + printable(prefix)
                                + "' returned '" + printable(key) + "' after '" + printable(previous) + "', out of S3's"
                                + " ascending key order after start-after: this store's listings cannot be trusted to show"
                                + " every object, so a trim or zero of more than 1000 objects (found by LIST) fails;"
                                + " give --no-presence so that writes do not trust them either");
            }
            previous = key;
        }
        return null;
    }

    /** Keys may hold any character: control characters as '?', so that the message stays one line. */
    private static String printable(String key) {
        StringBuilder b = new StringBuilder(key.length());
        key.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return b.toString();
    }
}
