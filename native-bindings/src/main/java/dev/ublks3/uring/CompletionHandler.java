package dev.ublks3.uring;

/**
 * Receives completions from {@link IoUring#reap}: one call per CQE, no object per completion.
 * During the call, {@link IoUring#bigCqe(int)} reads the 16 extra bytes of a 32-byte CQE.
 */
@FunctionalInterface
public interface CompletionHandler {
    /**
     * @param userData the SQE's user_data
     * @param res      the result: bytes or a value on success, {@code -errno} on failure
     * @param flags    the CQE's flags (IORING_CQE_F_*)
     */
    void complete(long userData, int res, int flags);
}
