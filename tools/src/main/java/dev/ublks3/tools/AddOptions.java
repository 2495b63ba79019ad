package dev.ublks3.tools;

import dev.ublks3.linux.ublk_cmd_h;
import dev.ublks3.storage.ObjectMap;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code ublk-s3 add} was asked for, parsed and checked: every bad value is a one-line {@link UsageException}
 * that names the option and the fix. The limits are the modules' own constants (object geometry from storage,
 * queue limits from the kernel UAPI); the modules check them again with their own words. With {@code --name NAME}
 * the options of the device's {@link ConfigFile} (/etc/ublk-s3/NAME.conf) join those of the command line.
 *
 * @param size             device size in bytes
 * @param objectSize       bytes per object
 * @param bucket           bucket name
 * @param key              object key prefix, used exactly as given (objects are {key}/{blockno:016x})
 * @param endpointUrl      S3-compatible endpoint, or null for AWS
 * @param region           region, or null for the default chain
 * @param profile          AWS profile, or null
 * @param accessKey        explicit access key (nbdkit's access-key), or null
 * @param secretKey        explicit secret key, or null
 * @param sessionToken     explicit session token, or null
 * @param localDir         serve the bucket from an embedded S3 endpoint backed by this directory, or null
 * @param queues           hardware queues (serving threads)
 * @param depth            requests in flight per queue
 * @param logicalBlockSize 512 or 4096
 * @param devId            fixed device number, or -1 for the next free one
 * @param foreground       serve in this process instead of in the background
 * @param recovery         create the device with ublk user recovery, so {@code ublk-s3 recover} can take it over
 *                         after its server died (off with --no-recovery)
 * @param restart          a supervisor process recovers the device by itself when its server dies
 * @param retryTime        how long a failing store request is retried before the kernel gets an I/O error
 * @param name             --name: the device's name, whose config file gave options; or null
 * @param presence         a partial write of an object may trust a LIST to learn that it is absent (off with
 *                         --no-presence, for stores whose listings lag behind writes or break S3's order)
 * @param cache            --cache: the persistent local cache, or null for none
 */
public record AddOptions(
        long size,
        long objectSize,
        String bucket,
        String key,
        URI endpointUrl,
        String region,
        String profile,
        String accessKey,
        String secretKey,
        String sessionToken,
        Path localDir,
        int queues,
        int depth,
        int logicalBlockSize,
        int devId,
        boolean foreground,
        boolean recovery,
        boolean restart,
        Duration retryTime,
        String name,
        boolean presence,
        CacheSettings cache) {

    public static final String DEFAULT_KEY = "disk";
    public static final long DEFAULT_OBJECT_SIZE = 128 * 1024;
    public static final int DEFAULT_DEPTH = 128;
    /**
     * Each tag of each queue has a buffer of the largest request, one object: the default depth keeps them within
     * this (128 up to 1 MiB objects on 4 queues; 8 for 32 MiB objects on 2 queues, where 128 mapped 4 GiB a queue
     * and failed ENOMEM on a small machine). More in flight would not go faster: the S3 client has at most 64 MiB
     * of bodies in flight each way.
     */
    static final long DEFAULT_BUFFER_BYTES = 512L << 20;
    /** The storage stack's default retry time (RetryPolicy.DEFAULT): a minute of a store down or throttling. */
    public static final Duration DEFAULT_RETRY_TIME = Duration.ofSeconds(60);
    /** Longer would hang the kernel's I/O (and a file system's sync) for more than a day. */
    static final Duration MAX_RETRY_TIME = Duration.ofHours(24);

    private static final Duration MIN_RETRY_TIME = Duration.ofMillis(1);

    static final String COMMAND = "add";

    /** nbdkit S3 plugin spellings accepted as words. */
    private static final Map<String, String> NBDKIT_WORDS = Map.of(
            "access_key",
            "access-key",
            "secret_key",
            "secret-key",
            "session_token",
            "session-token",
            "endpoint_url",
            "endpoint-url");

    private static final ArgParser PARSER = new ArgParser(
            COMMAND,
            List.of(
                    ArgParser.Option.value("size"),
                    ArgParser.Option.value("object-size"),
                    ArgParser.Option.value("bucket"),
                    ArgParser.Option.value("key"),
                    ArgParser.Option.value("endpoint-url"),
                    ArgParser.Option.value("region"),
                    ArgParser.Option.value("profile"),
                    ArgParser.Option.value("access-key"),
                    ArgParser.Option.value("secret-key"),
                    ArgParser.Option.value("session-token"),
                    ArgParser.Option.value("local"),
                    ArgParser.Option.value("queues"),
                    ArgParser.Option.value("depth"),
                    ArgParser.Option.value("logical-block-size"),
                    ArgParser.Option.value("number").alias("n"),
                    ArgParser.Option.flag("foreground"),
                    ArgParser.Option.flag("no-recovery"),
                    ArgParser.Option.flag("restart"),
                    ArgParser.Option.value("retry-time"),
                    ArgParser.Option.flag("no-presence"),
                    ArgParser.Option.value("cache"),
                    ArgParser.Option.value("cache-size"),
                    ArgParser.Option.value("cache-mode"),
                    ArgParser.Option.value("name"),
                    ArgParser.Option.value("config-dir")),
            NBDKIT_WORDS);

    static final String HELP = """
            Usage: ublk-s3 add --size SIZE --bucket BUCKET [options]
                   ublk-s3 add size=SIZE bucket=BUCKET key=KEY object-size=SIZE [endpoint-url=URL]   (nbdkit S3 words)
                   ublk-s3 add --name NAME [options]              (the options in /etc/ublk-s3/NAME.conf)

            Creates /dev/ublkbN backed by objects {KEY}/{blockno:016x} in BUCKET (nbdkit S3 plugin layout),
            prints its path once it is live, and keeps serving in the background.

              --size SIZE              device size: 50G, 1T, 512M (powers of 1024); a multiple of the object size
              --bucket NAME            the bucket; it must exist
              --key KEY                object key prefix, used as given (default: disk)
              --object-size SIZE       bytes per object, a power of two from 4K to 32M (default: 128K);
                                       must match what the bucket was written with
              --endpoint-url URL       S3-compatible endpoint, e.g. http://127.0.0.1:9000 (path-style)
              --region REGION          region (default: from the AWS configuration, else us-east-1)
              --profile NAME           AWS profile for credentials (default: the AWS default chain)
              --access-key, --secret-key, --session-token
                                       explicit credentials (visible in ps: prefer the environment or a profile)
              --local DIR              serve BUCKET from an embedded S3 endpoint on 127.0.0.1 backed by DIR
              --queues N               hardware queues, one serving thread each (default: min(CPUs, 4))
              --depth N                requests in flight per queue, 1..4096 (default: 128, fewer for objects
                                       over 1M: queues x depth x object size within 512M)
              --logical-block-size N   512 or 4096 (default: 512)
              -n, --number N           device number N (default: the next free one)
              --foreground             serve in this process until SIGTERM/SIGINT, then flush and remove
              --restart                when the server dies (crash, kill -9), take the device over again by
                                       itself ('ublk-s3 recover'); up to 5 attempts, logged in /run/ublk-s3/N.log
              --no-recovery            no ublk user recovery: a dead server's device fails its I/O and can only
                                       be removed (by default the kernel holds the I/O until 'ublk-s3 recover')
              --retry-time DURATION    how long a failing S3 request (errors, throttling, the store down) is
                                       retried before the kernel gets an I/O error (EIO): 500ms, 15s, 2m, 1h;
                                       1ms to 24h (default: 1m)
              --no-presence            never take an object missing from a LIST for absent: a write of part of
                                       an object the server did not write itself GETs it (by default one LIST
                                       per 1000 objects tells which are absent). For stores whose listings lag
                                       behind writes (Swift's S3 layer, multi-site Ceph) or break S3's order
              --cache DIR              keep a persistent cache of the device's objects in DIR, an existing
                                       directory on a local disk, one per device: reads it holds need no GET,
                                       and (writeback) writes complete on local disk and are uploaded in the
                                       background; 'ublk-s3 sync' waits until they are in the store
              --cache-size SIZE        what the cache holds, at least 16 objects (default: 1G)
              --cache-mode MODE        writeback: a write completes in the cache, FLUSH syncs the cache;
                                       writethrough: a write completes in the store, the cache serves reads;
                                       read: only what is read is cached (default: writeback)
              --name NAME              take the options from the device's config file /etc/ublk-s3/NAME.conf
                                       (add's options without dashes, one per line: 'size 50G'; # comments),
                                       and name the device: list shows it, del/stats/recover --name find it.
                                       NAME: letters, digits, '_', '.', '-', not first '.' or '-'; an option
                                       may be in the file or on the command line, not both
              --config-dir DIR         where NAME.conf is (default: /etc/ublk-s3)
            """;

    /** Parses the arguments after {@code add}; with {@code --name NAME}, reads NAME.conf too. */
    public static AddOptions parse(List<String> args) {
        Map<String, String> o = PARSER.parse(args);
        o.forEach(AddOptions::checkValue);
        if (!o.containsKey("name")) {
            if (o.containsKey("config-dir")) {
                throw new UsageException(
                        "--config-dir has no use without --name: give --name NAME too, or leave --config-dir out");
            }
            return of(o);
        }
        Path dir = o.containsKey("config-dir") ? Path.of(o.get("config-dir")) : ConfigFile.DEFAULT_DIR;
        ConfigFile file = ConfigFile.read(dir, o.get("name"));
        Map<String, String> merged = file.mergedWith(o);
        try {
            return of(merged);
        } catch (UsageException e) { // what the options say together: the file is where to fix it
            throw new UsageException(file.path() + ": " + e.getMessage());
        }
    }

    /** The add option {@code word} names (its long name or an nbdkit spelling), or null. */
    static ArgParser.Option option(String word) {
        return PARSER.find(word);
    }

    /**
     * Checks one option's value on its own, as the command line and config files give it; a bad one is a one-line
     * {@link UsageException} naming the option. What options mean together is checked by {@link #parse}.
     */
    static void checkValue(String name, String value) {
        switch (name) {
            case "size" -> size(value);
            case "object-size" -> objectSize(value);
            case "bucket" -> bucket(value);
            case "key" -> key(value);
            case "endpoint-url" -> checkEndpoint(value);
            case "region", "profile", "access-key", "secret-key", "session-token" ->
                nonEmpty(name, value, "a value, or leave --" + name + " out for the AWS default");
            case "local" -> nonEmpty(name, value, "a directory, e.g. --local /var/lib/ublk-s3");
            case "queues" -> queues(value);
            case "depth" -> depth(value);
            case "logical-block-size" -> logicalBlockSize(value);
            case "number" -> nonNegativeInt(name, value);
            case "retry-time" -> retryTime(value);
            case "name" -> ConfigFile.checkName(value);
            case "config-dir" ->
                nonEmpty(
                        name,
                        value,
                        "the folder of NAME.conf, or leave --config-dir out for " + ConfigFile.DEFAULT_DIR);
            case "cache" -> CacheSettings.checkDir(value);
            case "cache-size" -> CacheSettings.size(value);
            case "cache-mode" -> CacheSettings.mode(value);
            default -> {} // flags
        }
    }

    /** The options of {@code o}, each already checked on its own: what they mean together. */
    private static AddOptions of(Map<String, String> o) {
        ArgParser.requireOnlyOneOf(o, COMMAND, Set.of("local", "endpoint-url"));
        ArgParser.requireOnlyOneOf(o, COMMAND, Set.of("local", "profile"));
        ArgParser.requireOnlyOneOf(o, COMMAND, Set.of("local", "access-key"));
        ArgParser.requireOnlyOneOf(o, COMMAND, Set.of("profile", "access-key"));
        if (o.containsKey("access-key") != o.containsKey("secret-key")) {
            throw new UsageException(
                    "--access-key and --secret-key go together: give both, or neither to use the AWS default chain");
        }
        if (o.containsKey("session-token") && !o.containsKey("access-key")) {
            throw new UsageException("--session-token needs --access-key and --secret-key: give all three");
        }
        long size = size(required(o, "size", "the device size, e.g. --size 50G"));
        long objectSize = o.containsKey("object-size") ? objectSize(o.get("object-size")) : DEFAULT_OBJECT_SIZE;
        if (size % objectSize != 0) {
            long down = size - size % objectSize;
            long up = down + objectSize;
            throw new UsageException("--size " + Sizes.format(size) + " is not a multiple of --object-size "
                    + Sizes.format(objectSize) + ": use --size " + (down > 0 ? Sizes.format(down) : "")
                    + (down > 0 && up > 0 ? " or " : "") + (up > 0 ? Sizes.format(up) : ""));
        }
        String bucket = bucket(required(o, "bucket", "the bucket name, e.g. --bucket my-backups"));
        String key = o.containsKey("key") ? key(o.get("key")) : DEFAULT_KEY;
        URI endpoint = o.containsKey("endpoint-url") ? checkEndpoint(o.get("endpoint-url")) : null;
        Path local = o.containsKey("local") ? Path.of(o.get("local")) : null;
        int queues = o.containsKey("queues")
                ? queues(o.get("queues"))
                : Math.min(Runtime.getRuntime().availableProcessors(), 4);
        int depth = o.containsKey("depth") ? depth(o.get("depth")) : defaultDepth(queues, objectSize);
        int lbs = o.containsKey("logical-block-size") ? logicalBlockSize(o.get("logical-block-size")) : 512;
        int devId = o.containsKey("number") ? nonNegativeInt("number", o.get("number")) : -1;
        ArgParser.requireOnlyOneOf(o, COMMAND, Set.of("no-recovery", "restart"));
        Duration retryTime = o.containsKey("retry-time") ? retryTime(o.get("retry-time")) : DEFAULT_RETRY_TIME;
        CacheSettings cache = CacheSettings.of(o, objectSize);
        return new AddOptions(
                size,
                objectSize,
                bucket,
                key,
                endpoint,
                o.get("region"),
                o.get("profile"),
                o.get("access-key"),
                o.get("secret-key"),
                o.get("session-token"),
                local,
                queues,
                depth,
                lbs,
                devId,
                o.containsKey("foreground"),
                !o.containsKey("no-recovery"),
                o.containsKey("restart"),
                retryTime,
                o.get("name"),
                !o.containsKey("no-presence"),
                cache);
    }

    /** The same device under {@code name} (recover keeps the name its record has). */
    AddOptions withName(String name) {
        return new AddOptions(
                size,
                objectSize,
                bucket,
                key,
                endpointUrl,
                region,
                profile,
                accessKey,
                secretKey,
                sessionToken,
                localDir,
                queues,
                depth,
                logicalBlockSize,
                devId,
                foreground,
                recovery,
                restart,
                retryTime,
                name,
                presence,
                cache);
    }

    private static long size(String text) {
        long size = Sizes.parse("--size", text);
        if (size <= 0) {
            throw new UsageException("--size " + size + " is no size: give the device size, e.g. --size 50G");
        }
        return size;
    }

    /** The nbdkit layout's rule (storage's ObjectMap checks it again): named after the option. */
    private static long objectSize(String text) {
        long objectSize = Sizes.parse("--object-size", text);
        if (objectSize < ObjectMap.MIN_OBJECT_SIZE
                || objectSize > ObjectMap.MAX_OBJECT_SIZE
                || Long.bitCount(objectSize) != 1) {
            throw new UsageException("--object-size " + Sizes.format(objectSize) + " is not a power of two from "
                    + Sizes.format(ObjectMap.MIN_OBJECT_SIZE) + " to " + Sizes.format(ObjectMap.MAX_OBJECT_SIZE)
                    + ": give one such as 128K (the default), the one the bucket was written with");
        }
        return objectSize;
    }

    private static String key(String key) {
        if (key.isBlank()) {
            throw new UsageException(
                    "--key is empty: give a key prefix such as 'disk' (objects are KEY/0000000000000000 ...)");
        }
        return key;
    }

    private static int queues(String text) {
        return atMost("queues", text, ublk_cmd_h.UBLK_MAX_NR_QUEUES, " (the kernel caps it at the CPU count)");
    }

    /** {@link #DEFAULT_DEPTH}, or fewer so that the queues' buffers fit {@link #DEFAULT_BUFFER_BYTES}. */
    static int defaultDepth(int queues, long objectSize) {
        return (int) Math.clamp(DEFAULT_BUFFER_BYTES / ((long) queues * objectSize), 1, DEFAULT_DEPTH);
    }

    private static int depth(String text) {
        return atMost("depth", text, ublk_cmd_h.UBLK_MAX_QUEUE_DEPTH, "");
    }

    private static int logicalBlockSize(String text) {
        int lbs = positiveInt("logical-block-size", text);
        if (lbs != 512 && lbs != 4096) {
            throw new UsageException("--logical-block-size " + lbs + " is not supported: use 512 or 4096");
        }
        return lbs;
    }

    /** 1ms to 24h: 0 would fail every request at its first error, more than a day hangs the kernel's I/O as long. */
    static Duration retryTime(String text) {
        Duration d = Durations.parse("--retry-time", text, MAX_RETRY_TIME);
        if (d.compareTo(MIN_RETRY_TIME) < 0) {
            throw new UsageException(
                    "--retry-time " + text.trim() + " is too short: give how long a failing request is retried"
                            + " before an I/O error, at least 1ms, such as 15s (or leave it out for 1m)");
        }
        return d;
    }

    private static int atMost(String name, String text, int max, String why) {
        int n = positiveInt(name, text);
        if (n > max) {
            throw new UsageException("--" + name + " " + n + " is more than " + max + ": give 1.." + max + why);
        }
        return n;
    }

    private static String required(Map<String, String> o, String name, String what) {
        if (!o.containsKey(name)) {
            throw new UsageException("'add' needs --" + name + ": give " + what);
        }
        return nonEmpty(name, o.get(name), what);
    }

    private static String nonEmpty(String name, String value, String what) {
        if (value.isBlank()) {
            throw new UsageException("--" + name + " is empty: give " + what);
        }
        return value;
    }

    private static int positiveInt(String name, String text) {
        int n = parseInt(name, text);
        if (n < 1) {
            throw new UsageException("--" + name + " " + text + " must be at least 1: give e.g. --" + name + " 2");
        }
        return n;
    }

    static int nonNegativeInt(Map<String, String> o, String name) {
        return nonNegativeInt(name, o.get(name));
    }

    private static int nonNegativeInt(String name, String text) {
        int n = parseInt(name, text);
        if (n < 0) {
            throw new UsageException("--" + name + " " + text
                    + " must not be negative: give a device number such as 0, or leave it out for the next free one");
        }
        return n;
    }

    private static int parseInt(String name, String text) {
        String v = text.trim();
        if (v.isEmpty()) {
            throw new UsageException("--" + name + " is empty: give a whole number, e.g. --" + name + " 2");
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            if (v.matches("[+-]?\\d+")) {
                throw new UsageException(
                        "--" + name + " " + v + " is too large: give a number below 2147483648, e.g. --" + name + " 2");
            }
            throw new UsageException("--" + name + " '" + text + "' is not a whole number: give e.g. --" + name + " 2");
        }
    }

    /** Names any S3-compatible server accepts: no slashes, spaces or control characters, 3..255 characters. */
    private static String bucket(String bucket) {
        nonEmpty("bucket", bucket, "the bucket name, e.g. --bucket my-backups");
        if (bucket.length() < 3
                || bucket.length() > 255
                || !bucket.chars().allMatch(c -> c > ' ' && c < 127 && c != '/')) {
            throw new UsageException("--bucket '" + bucket
                    + "' is not a bucket name: use 3-63 letters, digits, '-' or '.', without '/'; put paths in --key");
        }
        return bucket;
    }

    private static URI checkEndpoint(String text) {
        try {
            URI uri = new URI(text);
            if (uri.getScheme() == null
                    || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null) {
                throw new URISyntaxException(text, "not http(s)://host[:port]");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new UsageException("--endpoint-url '" + text
                    + "' is not a URL: give http(s)://HOST[:PORT], e.g. http://127.0.0.1:9000");
        }
    }
}
