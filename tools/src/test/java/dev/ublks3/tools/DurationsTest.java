package dev.ublks3.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    private static final Duration DAY = Duration.ofHours(24);

    @Test
    void spellings() {
        assertEquals(Duration.ofNanos(250_000), Durations.parse("--x", "250us", DAY));
        assertEquals(Duration.ofMillis(500), Durations.parse("--x", "500ms", DAY));
        assertEquals(Duration.ofMillis(500), Durations.parse("--x", "0.5s", DAY));
        assertEquals(Duration.ofMillis(500), Durations.parse("--x", ".5S", DAY));
        assertEquals(Duration.ofSeconds(15), Durations.parse("--x", " 15s ", DAY));
        assertEquals(Duration.ofMinutes(2), Durations.parse("--x", "2m", DAY));
        assertEquals(Duration.ofMinutes(90), Durations.parse("--x", "1.5h", DAY));
        assertEquals(Duration.ZERO, Durations.parse("--x", "0", DAY));
        assertEquals(DAY, Durations.parse("--x", "24h", DAY));
    }

    @Test
    void formatIsTheLargestExactUnitAndParsesBack() {
        assertEquals("1m", Durations.format(Duration.ofSeconds(60)));
        assertEquals("15s", Durations.format(Duration.ofSeconds(15)));
        assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
        assertEquals("500ms", Durations.format(Duration.ofMillis(500)));
        assertEquals("250us", Durations.format(Duration.ofNanos(250_000)));
        assertEquals("24h", Durations.format(DAY));
        assertEquals("0", Durations.format(Duration.ZERO));
        for (Duration d :
                new Duration[] {Duration.ofSeconds(60), Duration.ofMillis(1500), Duration.ofNanos(1_500), DAY}) {
            assertEquals(d, Durations.parse("--x", Durations.format(d), DAY), d.toString());
        }
    }

    @Test
    void badSpellingsNameTheOptionAndTheUnits() {
        for (String bad : new String[] {"15", "-5s", "1e3s", "2d", "s", "", "15 s", "1,5s"}) {
            UsageException e = assertThrows(UsageException.class, () -> Durations.parse("--retry-time", bad, DAY));
            assertTrue(
                    e.getMessage()
                            .startsWith("--retry-time '" + bad
                                    + "' is not a duration: give a number with a unit us, ms, s, m or h"),
                    e.getMessage());
        }
        UsageException e = assertThrows(UsageException.class, () -> Durations.parse("--retry-time", "25h", DAY));
        assertEquals("--retry-time 25h is longer than 24h: give a shorter one", e.getMessage());
    }
}
