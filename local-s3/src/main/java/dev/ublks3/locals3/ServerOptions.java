package dev.ublks3.locals3;

import java.time.Duration;
import java.util.Objects;

/**
 * How the local S3 server observes and shapes its traffic, the same for every client.
 *
 * @param countRequests  count the requests received ({@link LocalS3Server#requestCounts()})
 * @param latency        waited before serving each request; zero for none
 * @param bytesPerSecond bandwidth cap per direction (PUT bodies in, GET bodies out), shared by all requests;
 *                       0 for unlimited
 * @param faults         faults to inject ({@link FaultInjectingBlobStore}, and a {@link FaultyTcpProxy} in front
 *                       when the plan resets connections); {@link FaultPlan#NONE} injects none but lets the server
 *                       be switched down and up; null for no fault layer at all
 */
public record ServerOptions(boolean countRequests, Duration latency, long bytesPerSecond, FaultPlan faults) {

    /** No counting, no emulated link, no faults: the plain server. */
    public static final ServerOptions NONE = new ServerOptions(false, Duration.ZERO, 0);

    /** Without a fault layer. */
    public ServerOptions(boolean countRequests, Duration latency, long bytesPerSecond) {
        this(countRequests, latency, bytesPerSecond, null);
    }

    public ServerOptions withFaults(FaultPlan newFaults) {
        return new ServerOptions(countRequests, latency, bytesPerSecond, newFaults);
    }

    public ServerOptions {
        Objects.requireNonNull(latency, "latency");
        EmulatedLinkBlobStore.checkLink(latency, bytesPerSecond);
    }

    /** Whether requests go through an emulated link at all. */
    boolean emulatesLink() {
        return !latency.isZero() || bytesPerSecond > 0;
    }
}
