package dev.ublks3.storage.cache;

import java.io.IOException;

/** Called by a checkpoint after each of its steps: tests stop or copy the directory there. */
@FunctionalInterface
interface CheckpointHook {

    CheckpointHook NONE = step -> {};

    /** Throwing stops the checkpoint there, as a crash would (the log goes on). */
    void reached(CheckpointStep step) throws IOException;
}
