package dev.ublks3.storage.layer;

/** The block device operations, as counted by {@link StatsBlockDevice}. */
public enum BlockOp {
    READ,
    WRITE,
    TRIM,
    ZERO,
    FLUSH;

    /** The name in stats text and JSON: "read", "write", ... */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
