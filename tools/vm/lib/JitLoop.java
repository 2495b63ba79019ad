import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;

/**
 * A JIT-heavy load for the guest's emulated CPU (tools/vm/jvm-check): run as a single-file source program, so
 * javac compiles it in this JVM first. Threads hash, copy, compare, sort, format and allocate until the given
 * seconds pass, each hot path soon compiled by C1 and then C2 with the CPU's vector instructions, and every
 * result is checked against a plain loop: a miscomputed result exits 3, where a crash leaves an hs_err file.
 * Usage: java JitLoop.java SECONDS THREADS
 */
public class JitLoop {
    public static void main(String[] args) throws Exception {
        long seconds = Long.parseLong(args[0]);
        int threads = Integer.parseInt(args[1]);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> workers = new ArrayList<>();
        long[] rounds = new long[threads];
        Throwable[] failure = new Throwable[1];
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> {
                try {
                    Random rng = new Random(id * 7919L + 1);
                    while (System.nanoTime() < end) {
                        round(rng);
                        rounds[id]++;
                    }
                } catch (Throwable e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                }
            });
            w.start();
            workers.add(w);
        }
        for (Thread w : workers) w.join();
        if (failure[0] != null) {
            System.out.println("JitLoop: WRONG " + failure[0]);
            System.exit(3);
        }
        System.out.println("JitLoop: ok, rounds " + Arrays.toString(rounds));
    }

    static void check(boolean ok, String what) {
        if (!ok) throw new IllegalStateException(what);
    }

    static void round(Random rng) throws Exception {
        int n = 1024 + rng.nextInt(64 * 1024);
        byte[] data = new byte[n];
        rng.nextBytes(data);

        // checksums: the intrinsic against a table
        CRC32C crc = new CRC32C();
        crc.update(data, 0, n);
        check(crc.getValue() == crc32c(data), "crc32c");

        // copies and compares: arraycopy, Arrays.equals/mismatch against loops
        byte[] copy = Arrays.copyOf(data, n);
        int at = rng.nextInt(n);
        check(Arrays.mismatch(data, copy) == -1, "mismatch equal");
        copy[at] ^= 1;
        check(Arrays.mismatch(data, copy) == at, "mismatch at " + at);
        check(!Arrays.equals(data, copy), "equals");
        byte[] shifted = new byte[n + 13];
        System.arraycopy(data, 0, shifted, 13, n);
        for (int i = 0; i < n; i += 97) check(shifted[i + 13] == data[i], "arraycopy");

        // a ByteBuffer view, as the storage code reads object headers
        ByteBuffer bb = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        long sum = 0, plain = 0;
        for (int i = 0; i + 8 <= n; i += 8) {
            sum += bb.getLong(i);
            long v = 0;
            for (int k = 7; k >= 0; k--) v = (v << 8) | (data[i + k] & 0xff);
            plain += v;
        }
        check(sum == plain, "getLong");

        // digest
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] d1 = sha.digest(data);
        sha.reset();
        sha.update(data, 0, n / 2);
        sha.update(data, n / 2, n - n / 2);
        check(Arrays.equals(d1, sha.digest()), "sha-256");

        // sorting and vectorized loops
        int[] ints = new int[2048];
        for (int i = 0; i < ints.length; i++) ints[i] = rng.nextInt();
        int[] sorted = ints.clone();
        Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) check(sorted[i - 1] <= sorted[i], "sort");
        long a = 0, b = 0;
        for (int x : ints) a += x * 3L;
        for (int x : sorted) b += x * 3L;
        check(a == b, "sum");

        // strings: format, indexOf, hashing, UTF-8 round trip
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 64; i++) sb.append(String.format("%016x/", i * 31L + n)).append('é');
        String s = sb.toString();
        String needle = String.format("%016x/", 40 * 31L + n);
        check(s.indexOf(needle) == 40 * 18, "indexOf");
        check(new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(s), "utf-8");
        Map<String, Integer> map = new HashMap<>();
        for (int i = 0; i < 512; i++) map.merge("k" + (i % 100), 1, Integer::sum);
        check(map.size() == 100 && map.get("k7") == 6, "map");
        check(ThreadLocalRandom.current().nextInt(1, 2) == 1, "random");
    }

    static final int[] TABLE = new int[256];
    static {
        for (int i = 0; i < 256; i++) {
            int c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >>> 1) ^ 0x82F63B78 : c >>> 1;
            TABLE[i] = c;
        }
    }

    static long crc32c(byte[] data) {
        int c = ~0;
        for (byte x : data) c = TABLE[(c ^ x) & 0xff] ^ (c >>> 8);
        return ~c & 0xffffffffL;
    }
}
