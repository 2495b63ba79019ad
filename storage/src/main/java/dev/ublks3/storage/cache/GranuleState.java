package dev.ublks3.storage.cache;

/** A granule of a slot: not in the cache, the same bytes as the store, or written by the device and not uploaded. */
public enum GranuleState {
    INVALID,
    CLEAN,
    DIRTY;

    private static final GranuleState[] BY_ORDINAL = values();

    static GranuleState of(byte ordinal) {
        return BY_ORDINAL[ordinal];
    }
}
