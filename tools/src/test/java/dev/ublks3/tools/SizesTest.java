package dev.ublks3.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SizesTest {

    @ParameterizedTest
    @CsvSource({
        "4096,4096",
        "4K,4096",
        "4k,4096",
        "128K,131072",
        "50G,53687091200",
        "1T,1099511627776",
        "50TiB,54975581388800",
        "512b,512",
        "32M,33554432",
        "1E,1152921504606846976",
        "0,0"
    })
    void parsesNbdkitSpellings(String text, long bytes) {
        assertEquals(bytes, Sizes.parse("--size", text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "G", "12Q", "1.5G", "-1", "10GB", "abc", "8E", "99999999999999999999", "4 K"})
    void rejectsWithOneLineNamingTheOption(String text) {
        UsageException e = assertThrows(UsageException.class, () -> Sizes.parse("--size", text));
        assertTrue(e.getMessage().startsWith("--size"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        assertEquals(UsageException.EXIT_USAGE, e.exitCode());
    }

    @ParameterizedTest
    @CsvSource({"53687091200,50G", "4096,4K", "1000,1000", "0,0", "1536,1536", "3221225472,3G"})
    void formatsShortestExactSpelling(long bytes, String text) {
        assertEquals(text, Sizes.format(bytes));
        assertEquals(bytes, Sizes.parse("x", Sizes.format(bytes)));
    }
}
