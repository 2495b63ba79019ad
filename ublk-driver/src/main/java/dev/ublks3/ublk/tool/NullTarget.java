package dev.ublks3.ublk.tool;

import dev.ublks3.ublk.UblkIo;
import dev.ublks3.ublk.UblkTarget;

/** Completes every request at once with success; reads return whatever the buffer holds (kublk's null target). */
public final class NullTarget implements UblkTarget {
    @Override
    public void handle(UblkIo io) {
        io.completeOk();
    }
}
