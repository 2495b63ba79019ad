package dev.ublks3.tools;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Properties;

/**
 * What a serving process tells other {@code ublk-s3} commands about its device: who serves it and from where.
 * Kept in the run directory as {@code N.properties} beside the control socket {@code N.sock}.
 */
public record DeviceRecord(int devId, long pid, String bucket, String key, String endpoint, long size,
                           long objectSize, int queues, int depth) {

    void write(Writer out) throws IOException {
        Properties p = new Properties();
        p.setProperty("dev-id", Integer.toString(devId));
        p.setProperty("pid", Long.toString(pid));
        p.setProperty("bucket", bucket);
        p.setProperty("key", key);
        p.setProperty("endpoint", endpoint);
        p.setProperty("size", Long.toString(size));
        p.setProperty("object-size", Long.toString(objectSize));
        p.setProperty("queues", Integer.toString(queues));
        p.setProperty("depth", Integer.toString(depth));
        p.store(out, "ublk-s3 device");
    }

    static DeviceRecord read(Reader in) throws IOException {
        Properties p = new Properties();
        p.load(in);
        try {
            return new DeviceRecord(Integer.parseInt(p.getProperty("dev-id")), Long.parseLong(p.getProperty("pid")),
                    p.getProperty("bucket"), p.getProperty("key"), p.getProperty("endpoint"),
                    Long.parseLong(p.getProperty("size")), Long.parseLong(p.getProperty("object-size")),
                    Integer.parseInt(p.getProperty("queues")), Integer.parseInt(p.getProperty("depth")));
        } catch (RuntimeException e) {
            throw new IOException("damaged device record: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        StringWriter w = new StringWriter();
        try {
            write(w);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    /** True while the serving process is alive. */
    boolean serverAlive() {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
