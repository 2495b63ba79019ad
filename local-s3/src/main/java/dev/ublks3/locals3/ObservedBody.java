package dev.ublks3.locals3;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** A request or response body that tells, after each read or skip, how many bytes just went through. */
abstract class ObservedBody extends FilterInputStream {

    ObservedBody(InputStream body) {
        super(body);
    }

    /** Called with the bytes just read or skipped (more than 0). */
    protected abstract void passed(long bytes) throws IOException;

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            passed(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            passed(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        if (skipped > 0) {
            passed(skipped);
        }
        return skipped;
    }
}
