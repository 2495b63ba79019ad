package dev.ublks3.locals3;

import dev.ublks3.locals3.FaultPlan.Fault;
import java.util.Map;

/**
 * The faults the local S3 server injected: per kind, the requests failed because the server was down, and whether it
 * is down now. Immutable.
 *
 * @param injected  faults per kind (every kind present)
 * @param whileDown requests failed (503, or connections reset by the proxy) while the server was switched down
 * @param down      whether the server is down now
 */
public record FaultCounts(Map<Fault, Long> injected, long whileDown, boolean down) {

    public FaultCounts {
        injected = ServerRequestCounts.complete(injected, Fault.class);
    }

    public long injected(Fault fault) {
        return injected.get(fault);
    }

    /** Every fault injected by the plan (not those of being down). */
    public long total() {
        return injected.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * One JSON line, e.g. {@code {"down":false,"injected":{"500":3,"slowdown":1,"503":2,"stall":0,"truncate":1,
     * "reset":0,"expired":0,"refresh":0,"skew":0,"baddigest":0},"total":7,"whileDown":0}}: every kind always
     * present.
     */
    public String toJson() {
        StringBuilder json = new StringBuilder("{\"down\":").append(down).append(",\"injected\":");
        ServerRequestCounts.appendCounts(json, injected, Fault::label);
        return json.append(",\"total\":")
                .append(total())
                .append(",\"whileDown\":")
                .append(whileDown)
                .append('}')
                .toString();
    }
}
