package dev.ublks3.storage.layer;

import java.util.Locale;

/** The kinds of {@link dev.ublks3.storage.ObjectStore} call, as counted by the stats and retry layers. */
public enum StoreCall {
    GET,
    PUT,
    LIST,
    DELETE,
    /** DeleteObjects: up to 1000 keys in one request. */
    DELETE_BATCH;

    /** The name in the stats text: "get", "put", ..., "delete-batch" (as {@link BlockOp#label()}, from the name). */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
