package dev.ublks3.storage;

import java.util.Comparator;

/**
 * S3's key order: UTF-8 binary, which is code point order. ({@link String#compareTo} compares UTF-16 units and
 * differs from it for characters above U+FFFF.)
 */
public final class KeyOrder {

    public static final Comparator<String> UTF8 = KeyOrder::compare;

    private KeyOrder() {}

    public static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }
}
