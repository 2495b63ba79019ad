package dev.ublks3.locals3;

import java.util.EnumMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What the local S3 server received, as counted by {@link RequestCountingBlobStore}: requests per kind, keys deleted,
 * payload bytes each way, read-modify-write cycles (a PUT of a key shortly after a GET of it), and GET/PUT size and
 * GET alignment histograms. Immutable.
 *
 * @param getSizes  GET body sizes: bucket upper bound in bytes (a power of two, from 512) -> count; empty buckets absent
 * @param putSizes  PUT body sizes, bucketed like {@code getSizes}
 */
public record ServerRequestCounts(
        Map<Kind, Long> requests,
        long keysDeleted,
        long bytesIn,
        long bytesOut,
        long readModifyWrite,
        SortedMap<Long, Long> getSizes,
        SortedMap<Long, Long> putSizes,
        Map<Alignment, Long> getAlignment) {

    /** The S3 request kinds counted apart; everything else a client may send (bucket ops, multipart) is OTHER. */
    public enum Kind {
        GET,
        PUT,
        LIST,
        DELETE,
        DELETE_OBJECTS,
        HEAD,
        OTHER
    }

    /** Where a GET's range starts within the object (a GET without a range starts at the object start). */
    public enum Alignment {
        OBJECT_START("object start"),
        ALIGNED_4K("4K"),
        ALIGNED_512("512"),
        UNALIGNED("unaligned");

        private final String label;

        Alignment(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        static Alignment of(long offset) {
            if (offset == 0) {
                return OBJECT_START;
            }
            return offset % 4096 == 0 ? ALIGNED_4K : offset % 512 == 0 ? ALIGNED_512 : UNALIGNED;
        }
    }

    /** The smallest histogram bucket, in bytes. */
    static final long MIN_SIZE_BUCKET = 512;

    public ServerRequestCounts {
        requests = complete(requests, Kind.class);
        getAlignment = complete(getAlignment, Alignment.class);
        getSizes = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(getSizes));
        putSizes = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(putSizes));
    }

    /** The count of one kind of request. */
    public long requests(Kind kind) {
        return requests.get(kind);
    }

    /** The histogram bucket of a body of {@code bytes}: the smallest power of two >= bytes, at least 512. */
    static long sizeBucket(long bytes) {
        if (bytes <= MIN_SIZE_BUCKET) {
            return MIN_SIZE_BUCKET;
        }
        long bucket = Long.highestOneBit(bytes);
        return bucket == bytes ? bucket : bucket << 1;
    }

    /**
     * One JSON line, e.g. {@code {"requests":{"GET":1,...,"OTHER":0},"keysDeleted":0,"bytesIn":0,"bytesOut":4096,
     * "readModifyWrite":0,"getSizes":{"4096":1},"putSizes":{},"getAlignment":{"object start":1,"4K":0,"512":0,
     * "unaligned":0}}}: every kind and alignment always present, size buckets only when non-empty, in ascending order.
     */
    public String toJson() {
        StringBuilder json = new StringBuilder("{\"requests\":");
        appendCounts(json, requests, Kind::name);
        json.append(",\"keysDeleted\":")
                .append(keysDeleted)
                .append(",\"bytesIn\":")
                .append(bytesIn)
                .append(",\"bytesOut\":")
                .append(bytesOut)
                .append(",\"readModifyWrite\":")
                .append(readModifyWrite)
                .append(",\"getSizes\":");
        appendCounts(json, getSizes, String::valueOf);
        json.append(",\"putSizes\":");
        appendCounts(json, putSizes, String::valueOf);
        json.append(",\"getAlignment\":");
        appendCounts(json, getAlignment, Alignment::label);
        return json.append('}').toString();
    }

    /** {@code counts} as a JSON object, in its order, each key named by {@code name}: {@code {"a":1,"b":0}}. */
    static <K> void appendCounts(StringBuilder json, Map<K, Long> counts, Function<K, String> name) {
        json.append('{');
        String separator = "";
        for (Map.Entry<K, Long> e : counts.entrySet()) {
            json.append(separator)
                    .append('"')
                    .append(name.apply(e.getKey()))
                    .append("\":")
                    .append(e.getValue());
            separator = ",";
        }
        json.append('}');
    }

    /** Every constant of {@code type} present (0 when missing), in declaration order, unmodifiable. */
    static <E extends Enum<E>> Map<E, Long> complete(Map<E, Long> counts, Class<E> type) {
        EnumMap<E, Long> all = new EnumMap<>(type);
        for (E e : type.getEnumConstants()) {
            all.put(e, counts.getOrDefault(e, 0L));
        }
        return java.util.Collections.unmodifiableMap(all);
    }
}
