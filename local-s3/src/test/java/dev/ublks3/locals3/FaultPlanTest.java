package dev.ublks3.locals3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.locals3.FaultPlan.Fault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FaultPlanTest {

    @Test
    void plansParseAndRefuseBadValuesInOneLine() {
        FaultPlan plan = FaultPlan.parse(
                "500=0.03, 503=0.02,stall=0.01,truncate=0.02,reset=0.01,slowdown=0", 9, Duration.ofSeconds(5));
        assertEquals(0.03, plan.rate(Fault.INTERNAL_ERROR));
        assertEquals(0.02, plan.rate(Fault.SERVICE_UNAVAILABLE));
        assertTrue(plan.resets());
        assertEquals(
                0.1,
                FaultPlan.mix(0.1, 1, Duration.ofSeconds(5)).rates().values().stream()
                        .mapToDouble(Double::doubleValue)
                        .sum(),
                1e-9);
        for (String bad : List.of("500", "404=0.1", "500=x", "500=1.5", "500=0.6,503=0.6", "500=0.1,500=0.1", "")) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> FaultPlan.parse(bad, 1, Duration.ofSeconds(5)), bad);
            assertTrue(!e.getMessage().contains("\n") && e.getMessage().contains(": "), e.getMessage());
        }
        assertEquals(
                "{\"down\":true,\"injected\":{\"500\":2,\"slowdown\":0,\"503\":0,\"stall\":0,\"truncate\":1,"
                        + "\"reset\":0,\"expired\":0,\"refresh\":0,\"skew\":0,\"baddigest\":0},\"total\":3,"
                        + "\"whileDown\":4}",
                new FaultCounts(Map.of(Fault.INTERNAL_ERROR, 2L, Fault.TRUNCATE, 1L), 4, true).toJson());
    }
}
