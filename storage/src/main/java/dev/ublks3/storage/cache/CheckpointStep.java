package dev.ublks3.storage.cache;

/** The steps of a checkpoint, in order (docs/cache.md, invariant 5); a crash after any of them loses nothing. */
enum CheckpointStep {
    /** Appends now go to the next WAL file; the index as of the old one's last record is copied. */
    NEXT_WAL_LIVE,
    /** The data file is synced: every slot write before the switch is durable. */
    DATA_SYNCED,
    /** The copied index is written and synced into the older snapshot file. */
    SNAPSHOT_WRITTEN,
    /** The header naming that snapshot and the next WAL file is written and synced. */
    HEADER_WRITTEN,
    /** The WAL files the snapshot covers are closed and deleted. */
    OLD_WALS_DELETED
}
