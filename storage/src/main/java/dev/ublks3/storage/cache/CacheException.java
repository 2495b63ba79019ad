package dev.ublks3.storage.cache;

import java.io.IOException;

/** Why a cache cannot be opened: one line naming the problem and the fix. */
public final class CacheException extends IOException {

    public CacheException(String message) {
        super(message);
    }

    public CacheException(String message, Throwable cause) {
        super(message, cause);
    }
}
