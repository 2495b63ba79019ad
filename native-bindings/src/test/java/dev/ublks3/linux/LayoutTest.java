package dev.ublks3.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.StructLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles src/test/resources/layout/layout.c with gcc against the kernel UAPI headers, runs it, and compares every
 * size, field offset, field size and constant it prints with the Java bindings. Fields and constants are found by
 * walking the Java layouts and by reflection, so a Java field the C program does not print fails too.
 */
class LayoutTest {
    private static final String HOST_UBLK_HEADER = "/usr/include/linux/ublk_cmd.h";
    /** The newest name the Java bindings use: a host header that has it is new enough to check against directly. */
    private static final String NEWEST_UBLK_NAME = "UBLK_F_BUF_REG_OFF_DAEMON";

    @TempDir
    static Path dir;

    static final Map<String, Long> sizes = new HashMap<>();
    static final Map<String, long[]> fields = new HashMap<>(); // "struct.field" -> {offset, size}
    static final Map<String, Long> consts = new HashMap<>();
    static final Map<Integer, String> strerror = new HashMap<>();

    @BeforeAll
    static void compileAndRun() throws Exception {
        for (String name : List.of("layout.c", "ublk_cmd-6.12.h")) {
            try (InputStream in = LayoutTest.class.getResourceAsStream("/layout/" + name)) {
                Files.copy(in, dir.resolve(name));
            }
        }
        List<String> gcc = new ArrayList<>(List.of(
                "gcc",
                "-std=gnu11",
                "-Wall",
                "-Werror",
                "-I" + dir,
                "-o",
                dir.resolve("layout").toString(),
                dir.resolve("layout.c").toString()));
        Path host = Path.of(HOST_UBLK_HEADER);
        boolean hostHeader = Files.exists(host) && Files.readString(host).contains(NEWEST_UBLK_NAME);
        if (hostHeader) gcc.add("-DUBLKS3_HOST_UBLK");
        System.out.println("LayoutTest: ublk UAPI from "
                + (hostHeader ? HOST_UBLK_HEADER : "the test's copy ublk_cmd-6.12.h (host header too old)"));
        String out;
        try {
            out = run(gcc);
        } catch (IOException e) {
            throw new AssertionError(
                    "gcc is needed to check the FFM layouts against the kernel headers and was not found ("
                            + e.getMessage()
                            + "): install it, e.g. 'apt-get install gcc libc6-dev linux-libc-dev' (tools/bin/test does)",
                    e);
        }
        if (!out.isEmpty()) System.out.println(out);
        for (String line : run(List.of(dir.resolve("layout").toString())).split("\n")) {
            String[] w = line.split(" ", 3);
            switch (w[0]) {
                case "size" -> sizes.put(w[1], Long.parseLong(w[2]));
                case "field" -> {
                    String[] n = w[2].split(" ");
                    fields.put(w[1], new long[] {Long.parseLong(n[0]), Long.parseLong(n[1])});
                }
                case "const" -> consts.put(w[1], Long.parseLong(w[2]));
                case "strerror" -> strerror.put(Integer.parseInt(w[1]), w[2]);
                default -> fail("unexpected output of layout.c: " + line);
            }
        }
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", command) + " did not finish in 60 s");
        }
        if (p.exitValue() != 0) fail(String.join(" ", command) + " failed (exit " + p.exitValue() + "):\n" + out);
        return out;
    }

    /** C struct name (for field names), C size key, Java layout. */
    record Struct(String c, String sizeKey, GroupLayout layout) {}

    static final List<Struct> STRUCTS = List.of(
            new Struct("io_uring_sqe", "io_uring_sqe", io_uring_sqe.layout()),
            new Struct("io_uring_sqe", "io_uring_sqe128", io_uring_sqe.layout128()),
            new Struct("io_uring_cqe", "io_uring_cqe", io_uring_cqe.layout()),
            new Struct("io_uring_cqe", "io_uring_cqe32", io_uring_cqe.layout32()),
            new Struct("io_sqring_offsets", "io_sqring_offsets", io_sqring_offsets.layout()),
            new Struct("io_cqring_offsets", "io_cqring_offsets", io_cqring_offsets.layout()),
            new Struct("io_uring_params", "io_uring_params", io_uring_params.layout()),
            new Struct("io_uring_getevents_arg", "io_uring_getevents_arg", io_uring_getevents_arg.layout()),
            new Struct("__kernel_timespec", "__kernel_timespec", __kernel_timespec.layout()),
            new Struct("ublksrv_ctrl_cmd", "ublksrv_ctrl_cmd", ublksrv_ctrl_cmd.layout()),
            new Struct("ublksrv_ctrl_dev_info", "ublksrv_ctrl_dev_info", ublksrv_ctrl_dev_info.layout()),
            new Struct("ublksrv_io_desc", "ublksrv_io_desc", ublksrv_io_desc.layout()),
            new Struct("ublksrv_io_cmd", "ublksrv_io_cmd", ublksrv_io_cmd.layout()),
            new Struct("ublk_param_basic", "ublk_param_basic", ublk_param_basic.layout()),
            new Struct("ublk_param_discard", "ublk_param_discard", ublk_param_discard.layout()),
            new Struct("ublk_param_devt", "ublk_param_devt", ublk_param_devt.layout()),
            new Struct("ublk_param_zoned", "ublk_param_zoned", ublk_param_zoned.layout()),
            new Struct("ublk_params", "ublk_params", ublk_params.layout()));

    /** Every named member of a Java layout with its offset and size; anonymous unions/structs are transparent. */
    static void walk(GroupLayout group, long base, Map<String, long[]> out) {
        long offset = base;
        for (MemoryLayout m : group.memberLayouts()) {
            if (m instanceof GroupLayout g && m.name().isEmpty()) {
                walk(g, offset, out);
            } else if (!(m instanceof PaddingLayout)) {
                String name = m.name().orElseThrow(() -> new AssertionError("unnamed member " + m + " in " + group));
                out.put(name, new long[] {offset, m.byteSize()});
            }
            if (group instanceof StructLayout) offset += m.byteSize();
        }
    }

    @TestFactory
    Stream<DynamicTest> structSizes() {
        return STRUCTS.stream()
                .map(s -> dynamicTest("sizeof " + s.sizeKey(), () -> {
                    Long c = sizes.get(s.sizeKey());
                    assertTrue(c != null, "layout.c prints no size for " + s.sizeKey());
                    assertEquals(c, s.layout().byteSize(), "sizeof " + s.sizeKey() + ": C vs Java");
                }));
    }

    @TestFactory
    Stream<DynamicTest> fieldOffsetsAndSizes() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Struct s : STRUCTS) {
            Map<String, long[]> java = new LinkedHashMap<>();
            walk(s.layout(), 0, java);
            java.forEach((name, j) -> tests.add(dynamicTest(s.sizeKey() + "." + name, () -> {
                long[] c = fields.get(s.c() + "." + name);
                assertTrue(c != null, s.c() + "." + name + " is in the Java layout but layout.c does not print it");
                assertEquals(c[0], j[0], "offsetof(" + s.c() + ", " + name + "): C vs Java");
                // C reports 0 for flexible arrays (cmd[0], big_cqe[]): only the offset is comparable
                if (c[1] != 0) assertEquals(c[1], j[1], "sizeof(" + s.c() + "." + name + "): C vs Java");
            })));
        }
        // and the other way round: every field layout.c prints exists in Java
        tests.add(dynamicTest("every C field is bound", () -> {
            List<String> missing = new ArrayList<>();
            for (String key : fields.keySet()) {
                String struct = key.substring(0, key.indexOf('.'));
                Map<String, long[]> java = new HashMap<>(); // all forms (64/128-byte SQE, 16/32-byte CQE)
                STRUCTS.stream().filter(x -> x.c().equals(struct)).forEach(x -> walk(x.layout(), 0, java));
                if (!java.containsKey(key.substring(key.indexOf('.') + 1))) missing.add(key);
            }
            assertTrue(missing.isEmpty(), "fields printed by layout.c but missing in Java: " + missing);
        }));
        return tests.stream();
    }

    /** The accessors' offsets ({@code field$OFFSET}) are what the bindings read and write at: each must be C's. */
    @TestFactory
    Stream<DynamicTest> accessorOffsets() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String struct : STRUCTS.stream().map(Struct::c).distinct().toList()) {
            Class<?> k;
            try {
                k = Class.forName("dev.ublks3.linux." + struct);
            } catch (ClassNotFoundException e) {
                throw new AssertionError("no binding class for struct " + struct, e);
            }
            for (Field f : k.getDeclaredFields()) {
                if (!f.getName().endsWith("$OFFSET") || !Modifier.isPublic(f.getModifiers())) continue;
                String name = f.getName().substring(0, f.getName().length() - "$OFFSET".length());
                tests.add(dynamicTest(struct + "." + f.getName(), () -> {
                    long[] c = fields.get(struct + "." + name);
                    assertTrue(c != null, struct + "." + f.getName() + " names a field layout.c does not print");
                    assertEquals(c[0], f.getLong(null), "offsetof(" + struct + ", " + name + "): C vs Java accessor");
                }));
            }
        }
        assertFalse(tests.isEmpty(), "no field$OFFSET constants found: the reflection above is broken");
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> constants() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Class<?> k : List.of(io_uring_h.class, ublk_cmd_h.class, Libc.class, Errno.class)) {
            for (Field f : k.getDeclaredFields()) {
                int mod = f.getModifiers();
                if (!Modifier.isPublic(mod) || !Modifier.isStatic(mod) || !Modifier.isFinal(mod)) continue;
                if (f.getType() != int.class && f.getType() != long.class) continue;
                tests.add(dynamicTest(k.getSimpleName() + "." + f.getName(), () -> {
                    Long c = consts.get(f.getName());
                    assertTrue(
                            c != null, f.getName() + " is in " + k.getSimpleName() + " but layout.c does not print it");
                    if (f.getType() == int.class) {
                        // C constants may be unsigned 32-bit (UBLK_U_*): Java holds the same 32 bits
                        assertTrue(
                                c >= Integer.MIN_VALUE && c <= 0xFFFF_FFFFL,
                                f.getName() + " = " + c + " does not fit 32 bits");
                        assertEquals((int) (long) c, f.getInt(null), f.getName() + ": C vs Java");
                    } else {
                        assertEquals((long) c, f.getLong(null), f.getName() + ": C vs Java");
                    }
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> errnoNamesAndMessages() throws IllegalAccessException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Field f : Errno.class.getDeclaredFields()) {
            if (f.getType() != int.class || !Modifier.isPublic(f.getModifiers())) continue;
            int errno = f.getInt(null);
            tests.add(dynamicTest(f.getName(), () -> {
                assertEquals(f.getName(), Errno.name(errno));
                assertEquals(strerror.get(errno), Errno.message(errno), "strerror(" + f.getName() + ")");
            }));
        }
        return tests.stream();
    }
}
