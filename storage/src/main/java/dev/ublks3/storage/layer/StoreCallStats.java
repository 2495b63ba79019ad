package dev.ublks3.storage.layer;

/**
 * One kind of store call's counters. Everything but {@code errors} and {@code retries} counts successful calls only.
 *
 * @param ops        successful calls
 * @param errors     failed calls (after the retry layer gave up, when there is one)
 * @param retries    attempts beyond the first, made by the retry layer underneath
 * @param bytes      object bytes moved: read by GETs that found their object, written by PUTs
 * @param objects    GET: objects found (ops - objects were absent); PUT, DELETE: one each; DeleteObjects: keys
 *                   sent; LIST: keys returned
 * @param totalNanos time spent in successful calls, summed (retries and backoff included)
 */
public record StoreCallStats(
        StoreCall call,
        long ops,
        long errors,
        long retries,
        long bytes,
        long objects,
        long totalNanos,
        LatencySummary latency) {}
