package dev.ublks3.storage.layer;

/** The kinds of {@link dev.ublks3.storage.ObjectStore} call, as counted by the stats and retry layers. */
public enum StoreCall {
    GET("get"),
    PUT("put"),
    LIST("list"),
    DELETE("delete"),
    /** DeleteObjects: up to 1000 keys in one request. */
    DELETE_BATCH("delete-batch");

    private final String label;

    StoreCall(String label) {
        this.label = label;
    }

    /** The name in stats text and JSON. */
    public String label() {
        return label;
    }
}
