package dev.ublks3.locals3;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Which faults the local S3 server injects, and how often: a share of requests per {@link Fault} kind (each request
 * draws once; the shares add up to at most 1), a seed for the draws, and how long a stalled response waits.
 *
 * <p>Requests draw in arrival order from one seeded {@link java.util.Random}, so a run with one client and one
 * request at a time is reproducible; under concurrency the order (and so which request gets which fault) varies,
 * the shares do not.
 *
 * @param rates share of requests per kind, 0..1 each, at most 1 in all; kinds absent are 0
 * @param seed  the seed of the draws
 * @param stall how long a {@link Fault#STALL}ed request waits before it is served (longer than the client's
 *              timeout, so the client gives up first)
 */
public record FaultPlan(Map<Fault, Double> rates, long seed, Duration stall) {

    /** The kinds of fault, with the names {@link #parse} and the JSON counts use. */
    public enum Fault {
        /** HTTP 500 InternalError. */
        INTERNAL_ERROR("500"),
        /** HTTP 503 SlowDown (throttling). */
        SLOW_DOWN("slowdown"),
        /** HTTP 503 ServiceUnavailable. */
        SERVICE_UNAVAILABLE("503"),
        /** The response waits {@link FaultPlan#stall()} before it starts. */
        STALL("stall"),
        /** A GET body ends (the connection closes) before its Content-Length; other requests pass. */
        TRUNCATE("truncate"),
        /** The connection is reset (RST) in the middle of a response; needs the {@link FaultyTcpProxy}. */
        RESET("reset"),
        /** HTTP 400 ExpiredToken: the session credentials expired. */
        EXPIRED_TOKEN("expired"),
        /** HTTP 400 TokenRefreshRequired. */
        TOKEN_REFRESH("refresh"),
        /** HTTP 403 RequestTimeTooSkewed: the request's time is too far from the server's clock. */
        CLOCK_SKEW("skew"),
        /** A PUT's body is read and refused with HTTP 400 BadDigest (damaged in transit); other requests pass. */
        BAD_DIGEST("baddigest");

        private final String label;

        Fault(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        static Fault ofLabel(String label) {
            for (Fault f : values()) {
                if (f.label.equals(label)) {
                    return f;
                }
            }
            return null;
        }
    }

    /**
     * How a {@code --fault-rate} total is split: errors mostly, a few stalls (each costs a client timeout). The
     * credential, clock and digest errors are asked for by name only.
     */
    private static final Map<Fault, Double> MIX = Map.of(
            Fault.INTERNAL_ERROR,
            0.25,
            Fault.SLOW_DOWN,
            0.2,
            Fault.SERVICE_UNAVAILABLE,
            0.15,
            Fault.TRUNCATE,
            0.2,
            Fault.RESET,
            0.15,
            Fault.STALL,
            0.05);

    public static final Duration DEFAULT_STALL = Duration.ofSeconds(60);

    /** No faults at all (the layer is there so the server can be switched down and up). */
    public static final FaultPlan NONE = new FaultPlan(Map.of(), 0, DEFAULT_STALL);

    public FaultPlan {
        Objects.requireNonNull(rates, "rates");
        Objects.requireNonNull(stall, "stall");
        EnumMap<Fault, Double> all = new EnumMap<>(Fault.class);
        double sum = 0;
        for (Fault f : Fault.values()) {
            double rate = rates.getOrDefault(f, 0.0);
            if (!(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException(
                        "fault rate " + f.label + "=" + rate + " is not a share: give 0 to 1, such as 0.03");
            }
            all.put(f, rate);
            sum += rate;
        }
        if (sum > 1 + 1e-9) {
            throw new IllegalArgumentException("fault rates add up to " + sum + ", more than 1: lower them");
        }
        if (stall.isNegative() || stall.isZero()) {
            throw new IllegalArgumentException("stall " + stall + " is not positive: give a duration such as 30s");
        }
        rates = Collections.unmodifiableMap(all);
    }

    /** A share {@code total} of all requests failing, spread over the kinds as a mix of mostly errors. */
    public static FaultPlan mix(double total, long seed, Duration stall) {
        if (!(total >= 0 && total <= 1)) {
            throw new IllegalArgumentException("fault rate " + total + " is not a share: give 0 to 1, such as 0.1");
        }
        EnumMap<Fault, Double> rates = new EnumMap<>(Fault.class);
        MIX.forEach((f, share) -> rates.put(f, total * share));
        return new FaultPlan(rates, seed, stall);
    }

    /**
     * Rates from {@code 500=0.03,503=0.03,slowdown=0.02,stall=0.01,truncate=0.02,reset=0.01}: kinds by their
     * {@link Fault#label()}, each at most once. Fails with an IllegalArgumentException naming the bad part.
     */
    public static FaultPlan parse(String text, long seed, Duration stall) {
        EnumMap<Fault, Double> rates = new EnumMap<>(Fault.class);
        for (String part : text.split(",", -1)) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            int eq = p.indexOf('=');
            Fault f = eq < 0 ? null : Fault.ofLabel(p.substring(0, eq).trim());
            if (f == null) {
                throw new IllegalArgumentException("fault '" + part.trim() + "' is not KIND=RATE with KIND one of "
                        + labels() + ": such as 500=0.03,stall=0.01");
            }
            if (rates.containsKey(f)) {
                throw new IllegalArgumentException("fault " + f.label + " is given twice: give each kind once");
            }
            double rate;
            try {
                rate = Double.parseDouble(p.substring(eq + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("fault rate '" + part.trim()
                        + "' is not a number: give a share 0 to 1, such as " + f.label + "=0.03");
            }
            rates.put(f, rate);
        }
        return new FaultPlan(rates, seed, stall);
    }

    static String labels() {
        StringBuilder s = new StringBuilder();
        for (Fault f : Fault.values()) {
            s.append(s.isEmpty() ? "" : ", ").append(f.label);
        }
        return s.toString();
    }

    public double rate(Fault fault) {
        return rates.get(fault);
    }

    /** Whether a connection reset is ever injected: the server then needs the TCP proxy in front. */
    public boolean resets() {
        return rate(Fault.RESET) > 0;
    }

    public FaultPlan withSeed(long newSeed) {
        return new FaultPlan(rates, newSeed, stall);
    }

    public FaultPlan withStall(Duration newStall) {
        return new FaultPlan(rates, seed, newStall);
    }
}
