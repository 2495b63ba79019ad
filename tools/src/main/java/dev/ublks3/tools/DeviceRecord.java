package dev.ublks3.tools;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * What a serving process tells other {@code ublk-s3} commands about its device: who serves it and from where, and
 * everything {@code ublk-s3 recover} needs to build the same storage stack again once that process is gone.
 * Kept in the run directory as {@code N.properties} beside the control socket {@code N.sock}. Secrets never go
 * here: for explicit keys only the fact is kept ({@link #CREDENTIALS_KEYS}), and recover must be given them again.
 *
 * @param endpoint         where the objects are, for people ({@code list}): the resolved endpoint
 * @param endpointUrl      --endpoint-url as given, or null (AWS, or --local)
 * @param region           --region, or null
 * @param credentials      where the credentials come from: {@link #CREDENTIALS_DEFAULT}, {@link #CREDENTIALS_KEYS},
 *                         {@code profile NAME}, or {@link #CREDENTIALS_LOCAL}
 * @param localDir         --local DIR, or null
 * @param recovery         made with ublk user recovery (recover can take it over)
 * @param restart          a supervisor recovers it by itself when the server dies
 * @param retryTime        --retry-time: how long a failing store request is retried before an I/O error
 * @param name             --name: the device's name (its config file's), or null
 * @param presence         partial writes may trust a LIST for absent objects (false: --no-presence)
 * @param cache            --cache: the persistent cache (directory, size, mode), or null
 */
public record DeviceRecord(
        int devId,
        long pid,
        String bucket,
        String key,
        String endpoint,
        long size,
        long objectSize,
        int queues,
        int depth,
        int logicalBlockSize,
        String endpointUrl,
        String region,
        String credentials,
        String localDir,
        boolean recovery,
        boolean restart,
        Duration retryTime,
        String name,
        boolean presence,
        CacheSettings cache) {

    static final String CREDENTIALS_DEFAULT = "default chain";
    static final String CREDENTIALS_KEYS = "keys";
    static final String CREDENTIALS_LOCAL = "local";
    static final String PROFILE = "profile ";

    /** The record of a device served with {@code o} by this process. */
    static DeviceRecord of(int devId, long pid, AddOptions o, String endpoint, int queues, int depth) {
        String credentials = o.localDir() != null
                ? CREDENTIALS_LOCAL
                : o.accessKey() != null
                        ? CREDENTIALS_KEYS
                        : o.profile() != null ? PROFILE + o.profile() : CREDENTIALS_DEFAULT;
        return new DeviceRecord(
                devId,
                pid,
                o.bucket(),
                o.key(),
                endpoint,
                o.size(),
                o.objectSize(),
                queues,
                depth,
                o.logicalBlockSize(),
                o.endpointUrl() != null ? o.endpointUrl().toString() : null,
                o.region(),
                credentials,
                o.localDir() != null ? o.localDir().toString() : null,
                o.recovery(),
                o.restart(),
                o.retryTime(),
                o.name(),
                o.presence(),
                o.cache());
    }

    /** True when recover needs --access-key/--secret-key again (they are never written to disk). */
    boolean needsKeys() {
        return CREDENTIALS_KEYS.equals(credentials);
    }

    /**
     * The {@code add} arguments that build the same storage stack and device again (without secrets: with
     * {@link #needsKeys()} the caller appends the keys; without the name, whose config file may have changed since:
     * the record is what the device is).
     */
    List<String> addArguments() {
        List<String> a = new ArrayList<>(List.of(
                "--size",
                Long.toString(size),
                "--object-size",
                Long.toString(objectSize),
                "--bucket",
                bucket,
                "--key",
                key,
                "--queues",
                Integer.toString(queues),
                "--depth",
                Integer.toString(depth),
                "--logical-block-size",
                Integer.toString(logicalBlockSize),
                "--number",
                Integer.toString(devId),
                "--retry-time",
                Durations.format(retryTime)));
        if (endpointUrl != null) {
            a.addAll(List.of("--endpoint-url", endpointUrl));
        }
        if (region != null) {
            a.addAll(List.of("--region", region));
        }
        if (credentials.startsWith(PROFILE)) {
            a.addAll(List.of("--profile", credentials.substring(PROFILE.length())));
        }
        if (localDir != null) {
            a.addAll(List.of("--local", localDir));
        }
        if (!recovery) {
            a.add("--no-recovery");
        }
        if (restart) {
            a.add("--restart");
        }
        if (!presence) {
            a.add("--no-presence");
        }
        if (cache != null) {
            a.addAll(cache.addArguments());
        }
        return a;
    }

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
        p.setProperty("logical-block-size", Integer.toString(logicalBlockSize));
        setIfGiven(p, "endpoint-url", endpointUrl);
        setIfGiven(p, "region", region);
        p.setProperty("credentials", credentials);
        setIfGiven(p, "local", localDir);
        p.setProperty("recovery", Boolean.toString(recovery));
        p.setProperty("restart", Boolean.toString(restart));
        p.setProperty("retry-time", Durations.format(retryTime));
        p.setProperty("presence", Boolean.toString(presence));
        setIfGiven(p, "name", name);
        if (cache != null) {
            cache.write(p);
        }
        p.store(out, "ublk-s3 device");
    }

    /** An optional value is written only when given: a record without it reads back null. */
    private static void setIfGiven(Properties p, String name, String value) {
        if (value != null) {
            p.setProperty(name, value);
        }
    }

    static DeviceRecord read(Reader in) throws IOException {
        Properties p = new Properties();
        p.load(in);
        try {
            return new DeviceRecord(
                    Integer.parseInt(p.getProperty("dev-id")),
                    Long.parseLong(p.getProperty("pid")),
                    required(p, "bucket"),
                    required(p, "key"),
                    required(p, "endpoint"),
                    Long.parseLong(p.getProperty("size")),
                    Long.parseLong(p.getProperty("object-size")),
                    Integer.parseInt(p.getProperty("queues")),
                    Integer.parseInt(p.getProperty("depth")),
                    Integer.parseInt(p.getProperty("logical-block-size", "512")),
                    p.getProperty("endpoint-url"),
                    p.getProperty("region"),
                    p.getProperty("credentials", CREDENTIALS_DEFAULT),
                    p.getProperty("local"),
                    Boolean.parseBoolean(p.getProperty("recovery", "false")),
                    Boolean.parseBoolean(p.getProperty("restart", "false")),
                    p.containsKey("retry-time")
                            ? AddOptions.retryTime(p.getProperty("retry-time"))
                            : AddOptions.DEFAULT_RETRY_TIME,
                    p.getProperty("name"),
                    Boolean.parseBoolean(p.getProperty("presence", "true")),
                    CacheSettings.read(p));
        } catch (RuntimeException e) {
            throw new IOException("damaged device record: " + e.getMessage(), e);
        }
    }

    private static String required(Properties p, String name) {
        String v = p.getProperty(name);
        if (v == null) {
            throw new IllegalArgumentException("no " + name);
        }
        return v;
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
        return alive(pid);
    }

    /**
     * True while process {@code pid} runs. A zombie counts as dead: a killed server whose parent is gone waits for
     * a reaper, but it already released its files, so the kernel can quiesce and recover its device.
     */
    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            int paren = stat.lastIndexOf(')');
            return paren > 0
                    && paren + 2 < stat.length()
                    && stat.charAt(paren + 2) != 'Z'
                    && stat.charAt(paren + 2) != 'X';
        } catch (IOException | RuntimeException e) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }
}
