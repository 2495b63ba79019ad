import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes the struct and constant classes of dev.ublks3.linux from uapi.table (its head describes the format), one
 * class per entry, in jextract's shape. Maven runs it in generate-sources (native-bindings/pom.xml) with the build's
 * JDK, as a source-file program: {@code java GenerateBindings.java TABLE OUTPUT_DIR}.
 * The offsets, sizes and alignments written in the table must be the natural C layout computed here from the
 * types: the first line that disagrees stops the build with one line naming it and the fix. A class whose text is
 * unchanged is not rewritten, so the compiler sees nothing new; a class the table no longer makes is removed.
 */
public final class GenerateBindings {
    static final String PACKAGE = "dev.ublks3.linux";

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: java GenerateBindings.java TABLE OUTPUT_DIR, e.g. src/main/bindings/uapi.table"
                + " target/generated-sources/bindings");
            System.exit(2);
        }
        Path table = Path.of(args[0]);
        if (!Files.isRegularFile(table)) {
            System.err.println(table.toAbsolutePath() + ": no such table: pass src/main/bindings/uapi.table");
            System.exit(2);
        }
        Map<String, String> classes;
        try {
            classes = new Table(table.getFileName().toString(), Files.readAllLines(table)).classes();
        } catch (TableError e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        write(classes, Path.of(args[1]).resolve(PACKAGE.replace('.', '/')));
    }

    static void write(Map<String, String> classes, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (var c : classes.entrySet()) {
            Path file = dir.resolve(c.getKey() + ".java");
            boolean same = Files.exists(file) && Files.readString(file).equals(c.getValue());
            if (!same) Files.writeString(file, c.getValue());
        }
        try (Stream<Path> old = Files.list(dir)) {
            for (Path file : old.toList()) {
                String name = file.getFileName().toString().replaceFirst("\\.java$", "");
                if (!classes.containsKey(name)) Files.delete(file);
            }
        }
    }

    /** A wrong line of the table: "uapi.table:12: what is wrong: the fix". */
    static final class TableError extends RuntimeException {
        TableError(String message) { super(message, null, false, false); }
    }

    // ---- the model: C types, fields and anonymous groups, as the table states them

    /** A C type: its FFM layout, the Java type and value layout of its accessors, its size and alignment. */
    sealed interface Type permits Scalar, Array, Nested {
        String layout();
        long size();
        long align();
    }

    record Scalar(String layout, String java, String valueLayout, long size) implements Type {
        static final Scalar BYTE = new Scalar("JAVA_BYTE", "byte", "OfByte", 1);
        static final Scalar SHORT = new Scalar("JAVA_SHORT", "short", "OfShort", 2);
        static final Scalar INT = new Scalar("JAVA_INT", "int", "OfInt", 4);
        static final Scalar LONG = new Scalar("JAVA_LONG", "long", "OfLong", 8);

        public long align() { return size; }
    }

    record Array(Scalar element, long count) implements Type {
        public String layout() { return "MemoryLayout.sequenceLayout(" + count + ", " + element.layout() + ")"; }
        public long size() { return element.size() * count; }
        public long align() { return element.align(); }
    }

    record Nested(Struct struct) implements Type {
        public String layout() { return struct.name() + ".layout()"; }
        public long size() { return struct.size(); }
        public long align() { return struct.align(); }
    }

    /** Unsigned and signed alike: Java has signed types only (the package documentation says how to widen). */
    static final Map<String, Scalar> C_TYPES = Map.of("__u8", Scalar.BYTE, "__s8", Scalar.BYTE,
        "__u16", Scalar.SHORT, "__s16", Scalar.SHORT, "__u32", Scalar.INT, "__s32", Scalar.INT,
        "__u64", Scalar.LONG, "__s64", Scalar.LONG);

    sealed interface Member permits Field, Group, Padding {}

    record Field(Type type, String name, long offset, boolean access, int line) implements Member {}

    /** An anonymous union or struct, or (top) the struct itself. */
    record Group(boolean union, List<Member> members) implements Member {}

    /** What C leaves free so that the next member is aligned; FFM wants it written out. */
    record Padding(long size) implements Member {}

    record Struct(String name, long size, long align) {}

    // ---- the table

    static final class Table {
        private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
        private static final Pattern ARRAY = Pattern.compile("(.+)\\[([0-9]+)]");
        private static final Pattern CONSTANT =
            Pattern.compile("(int|long)\\s+(" + NAME + ")\\s+(.+?)(?:\\s+//\\s*(.*))?");

        private final String file;
        private final List<String> lines;
        private int next; // the index of the next line to read, so the number (from 1) of the line last read
        private final Map<String, Struct> structs = new LinkedHashMap<>();
        private final Map<String, String> classes = new LinkedHashMap<>();

        Table(String file, List<String> lines) {
            this.file = file;
            this.lines = lines;
        }

        /** Class name to source text, in table order. */
        Map<String, String> classes() {
            while (next < lines.size()) {
                String line = lines.get(next++).strip();
                if (line.isEmpty() || line.startsWith("#")) continue;
                String[] w = line.split("\\s+");
                String name = w.length > 1 ? w[1] : "";
                if (classes.containsKey(name)) throw error(name + " is in the table twice: keep one");
                if (w[0].equals("struct")) classes.put(name, struct(w));
                else if (w[0].equals("constants") && w.length == 2) classes.put(name, constants(name));
                else throw error("expected 'struct NAME from <HEADER> size BYTES align BYTES' or 'constants NAME',"
                    + " found '" + line + "'");
            }
            return classes;
        }

        private TableError error(String message) {
            return new TableError(file + ":" + next + ": " + message);
        }

        /** The next line, stripped; the table must not end inside an entry. */
        private String line(String entry) {
            if (next == lines.size()) throw error(entry + " has no 'end': end it with a line 'end'");
            return lines.get(next++).strip();
        }

        private String struct(String[] w) {
            if (w.length != 8 || !w[2].equals("from") || !w[4].equals("size") || !w[6].equals("align"))
                throw error("write a struct as 'struct NAME from <HEADER> size BYTES align BYTES'");
            String name = name(w[1]);
            long size = number(w[5], "size");
            long align = number(w[7], "align");
            int header = next;
            List<String> doc = new ArrayList<>();
            List<String> before = List.of();
            List<String> after = List.of();
            List<Group> open = new ArrayList<>(List.of(new Group(false, new ArrayList<>())));
            List<Integer> openedAt = new ArrayList<>(List.of(header));
            Set<String> names = new HashSet<>();
            for (String line = line("struct " + name); !line.equals("end"); line = line("struct " + name)) {
                if (line.isEmpty() || line.startsWith("#")) continue;
                Group group = open.getLast();
                boolean started = open.size() > 1 || !group.members().isEmpty();
                if (!after.isEmpty()) throw error("a java block after the fields must be the last thing of a struct:"
                    + " move this line above it");
                if (isDoc(line)) {
                    if (started || !before.isEmpty()) throw error("doc lines come first in a struct: move this one up");
                    doc.add(line.substring(3).strip());
                } else if (line.equals("java")) {
                    if (started) after = java();
                    else if (before.isEmpty()) before = java();
                    else throw error("a second java block before the fields: join it to the first");
                } else if (line.equals("union {") || line.equals("struct {")) {
                    Group inner = new Group(line.startsWith("union"), new ArrayList<>());
                    group.members().add(inner);
                    open.add(inner);
                    openedAt.add(next);
                } else if (line.equals("}")) {
                    if (open.size() == 1) throw error("'}' closes nothing: remove it");
                    if (open.removeLast().members().isEmpty()) throw error("an empty union or struct: remove it");
                    openedAt.removeLast();
                } else {
                    Field f = field(line.split("\\s+"));
                    if (!names.add(f.name())) throw error(name + "." + f.name() + " is there twice: rename one");
                    group.members().add(f);
                }
            }
            if (open.size() > 1) {
                next = openedAt.getLast();
                throw error("this union or struct has no '}': close it before 'end'");
            }
            int end = next;
            next = header;
            StructText text = new StructText(name, w[3], doc, before, after);
            Group laid = layOut(open.getFirst(), 0, List.of(), text);
            long realAlign = alignOf(laid);
            long realSize = sizeOf(laid);
            if (realSize != size) throw error(name + " has " + realSize + " bytes by its fields, the table says size "
                + size + ": correct the size or the fields");
            if (realAlign != align) throw error(name + " aligns to " + realAlign + " bytes by its fields, the table"
                + " says align " + align + ": correct the alignment or the fields");
            next = end;
            structs.put(name, new Struct(name, size, align));
            return text.render(laid);
        }

        /** The lines up to 'end java', as they are. */
        private List<String> java() {
            List<String> java = new ArrayList<>();
            while (next < lines.size()) {
                String line = lines.get(next++);
                if (line.strip().equals("end java")) return java;
                java.add(line);
            }
            throw error("a java block has no 'end java': end it with a line 'end java'");
        }

        private Field field(String[] w) {
            String usage = "write a field as 'C-TYPE NAME OFFSET [access]' or 'C-TYPE NAME[COUNT] OFFSET [access]'";
            Type type;
            int at = 1;
            if (w[0].equals("struct")) {
                if (w.length < 2 || !structs.containsKey(w[1])) throw error("'struct " + (w.length < 2 ? "" : w[1])
                    + "' is no struct above this line: write that struct first in the table");
                type = new Nested(structs.get(w[1]));
                at = 2;
            } else {
                Scalar scalar = C_TYPES.get(w[0]);
                if (scalar == null) throw error("'" + w[0] + "' is no C type the generator knows: use one of "
                    + "__u8 __s8 __u16 __s16 __u32 __s32 __u64 __s64, or 'struct NAME'");
                type = scalar;
            }
            if (w.length != at + 2 && w.length != at + 3) throw error(usage);
            String name = w[at];
            Matcher array = ARRAY.matcher(name);
            if (array.matches()) {
                if (!(type instanceof Scalar s)) throw error("an array of structs is not supported: " + usage);
                name = array.group(1);
                type = new Array(s, number(array.group(2), "count"));
            }
            boolean access = w.length == at + 3;
            if (access && !w[at + 2].equals("access")) throw error("'" + w[at + 2] + "' after the offset: write"
                + " 'access' or nothing");
            return new Field(type, name(name), number(w[at + 1], "offset"), access, next);
        }

        /**
         * Inserts the padding C puts in {@code group} (placed at byte {@code base} of the struct), checks each
         * field's offset and collects the accessors; {@code path} leads from the struct to the group.
         */
        private Group layOut(Group group, long base, List<String> path, StructText text) {
            List<Member> laid = new ArrayList<>();
            long offset = 0;
            for (Member m : group.members()) {
                long align = alignOf(m);
                if (!group.union() && offset % align != 0) {
                    laid.add(new Padding(align - offset % align));
                    offset += align - offset % align;
                }
                long at = base + (group.union() ? 0 : offset);
                Member placed = switch (m) {
                    case Field f -> {
                        if (f.offset() != at) {
                            next = f.line();
                            throw error(f.name() + " is at offset " + at + " by the fields before it, the table says "
                                + f.offset() + ": correct the offset or the fields before it");
                        }
                        if (f.access()) text.accessor(f, path);
                        yield f;
                    }
                    case Group g -> {
                        List<String> inner = new ArrayList<>(path);
                        inner.add(String.valueOf(laid.size()));
                        yield layOut(g, at, inner, text);
                    }
                    case Padding p -> p;
                };
                laid.add(placed);
                offset = group.union() ? Math.max(offset, sizeOf(placed)) : offset + sizeOf(placed);
            }
            long align = alignOf(group);
            if (offset % align != 0) {
                long size = offset + align - offset % align;
                laid.add(new Padding(group.union() ? size : size - offset));
            }
            return new Group(group.union(), laid);
        }

        private String constants(String name) {
            List<String> doc = new ArrayList<>();
            List<String> body = new ArrayList<>();
            for (String line = line("constants " + name); !line.equals("end"); line = line("constants " + name)) {
                Matcher c = CONSTANT.matcher(line);
                if (line.startsWith("#")) continue;
                if (isDoc(line)) {
                    if (!body.stream().allMatch(String::isEmpty)) throw error("doc lines come first: move this one up");
                    doc.add(line.substring(3).strip());
                } else if (line.isEmpty()) {
                    if (!body.isEmpty()) body.add("");
                } else if (line.startsWith("// ") || line.startsWith("/** ") && line.endsWith(" */")) {
                    body.add("    " + line);
                } else if (c.matches()) {
                    body.add("    public static final " + c.group(1) + " " + c.group(2) + " = " + c.group(3) + ";"
                        + (c.group(4) == null ? "" : " // " + c.group(4)));
                } else {
                    throw error("write a constant as 'int NAME VALUE [// COMMENT]' or 'long NAME VALUE [// COMMENT]',"
                        + " a comment as '// TEXT' or '/** TEXT */'");
                }
            }
            while (!body.isEmpty() && body.getLast().isEmpty()) body.removeLast();
            return fill(CONSTANTS, Map.of("generated", generated(), "name", name, "doc", docLines(doc),
                "body", String.join("\n", body) + "\n"));
        }

        private static boolean isDoc(String line) {
            return line.equals("doc") || line.startsWith("doc ");
        }

        private String name(String name) {
            if (!NAME.matcher(name).matches()) throw error("'" + name + "' is no C name: use letters, digits and _");
            return name;
        }

        private long number(String word, String what) {
            try {
                long n = Long.parseLong(word);
                if (n >= 0) return n;
            } catch (NumberFormatException e) {
                // the error below
            }
            throw error(what + " '" + word + "' is no whole number: write it in decimal, 0 or more");
        }

        private String generated() {
            return "// Generated by native-bindings/src/main/bindings/GenerateBindings.java from " + file
                + ": do not edit.\n";
        }

        /** The text of a struct's class, gathered while its layout is checked. */
        final class StructText {
            private final String name;
            private final String header;
            private final List<String> doc;
            private final List<String> before;
            private final List<String> after;
            private final List<String> accessors = new ArrayList<>();
            private boolean arrays;

            StructText(String name, String header, List<String> doc, List<String> before, List<String> after) {
                this.name = name;
                this.header = header;
                this.doc = doc;
                this.before = before;
                this.after = after;
            }

            void accessor(Field f, List<String> groups) {
                List<String> path = new ArrayList<>();
                for (String index : groups) path.add("groupElement(" + index + ")");
                path.add("groupElement(\"" + f.name() + "\")");
                Map<String, String> values = new LinkedHashMap<>();
                values.put("f", f.name());
                values.put("path", String.join(", ", path));
                String template = switch (f.type()) {
                    case Scalar s -> {
                        values.put("type", s.java());
                        values.put("vl", s.valueLayout());
                        yield SCALAR_ACCESSORS;
                    }
                    case Array a -> {
                        arrays = true;
                        values.put("type", a.element().java());
                        values.put("vl", a.element().valueLayout());
                        yield ARRAY_ACCESSORS;
                    }
                    case Nested n -> {
                        values.put("struct", n.struct().name());
                        yield NESTED_ACCESSORS;
                    }
                };
                accessors.add(fill(template, values).indent(4));
            }

            String render(Group laid) {
                String java = String.join("\n", before) + String.join("\n", after);
                boolean paths = !accessors.isEmpty() || java.contains("groupElement(");
                String pathImport = "import static java.lang.foreign.MemoryLayout.PathElement.groupElement;\n";
                StringBuilder members = new StringBuilder();
                if (!before.isEmpty()) members.append(String.join("\n", before)).append("\n\n");
                for (String a : accessors) members.append(a).append("\n");
                if (!after.isEmpty()) members.append(String.join("\n", after)).append("\n\n");
                return fill(STRUCT, Map.of("generated", generated(), "name", name, "header", header,
                    "doc", docLines(doc), "members", members.toString(), "layout", layoutOf(laid, "    "),
                    "groupElement", paths ? pathImport : "",
                    "objects", arrays || java.contains("Objects.") ? "import java.util.Objects;\n" : ""));
            }

            /** The FFM expression of a member; the lines of a group's members are indented past {@code indent}. */
            private String layoutOf(Member m, String indent) {
                return switch (m) {
                    case Field f -> f.type().layout() + ".withName(\"" + f.name() + "\")";
                    case Padding p -> "MemoryLayout.paddingLayout(" + p.size() + ")";
                    case Group g -> {
                        List<String> members = new ArrayList<>();
                        String deeper = indent + "    ";
                        for (Member inner : g.members()) members.add(deeper + layoutOf(inner, deeper));
                        yield "MemoryLayout." + (g.union() ? "unionLayout" : "structLayout") + "(\n"
                            + String.join(",\n", members) + ")";
                    }
                };
            }
        }
    }

    static long sizeOf(Member m) {
        return switch (m) {
            case Field f -> f.type().size();
            case Padding p -> p.size();
            case Group g -> {
                long size = 0;
                for (Member inner : g.members()) {
                    size = g.union() ? Math.max(size, sizeOf(inner)) : size + sizeOf(inner);
                }
                yield size;
            }
        };
    }

    static long alignOf(Member m) {
        return switch (m) {
            case Field f -> f.type().align();
            case Padding p -> 1;
            case Group g -> g.members().stream().mapToLong(GenerateBindings::alignOf).max().orElse(1);
        };
    }

    static String docLines(List<String> doc) {
        StringBuilder out = new StringBuilder();
        for (String line : doc) out.append(line.isEmpty() ? " *\n" : " * " + line + "\n");
        return out.toString();
    }

    /** {@code template} with each {key} of {@code values} replaced (once: replacements are not read again). */
    static String fill(String template, Map<String, String> values) {
        return Pattern.compile("\\{([a-zA-Z]+)}").matcher(template)
            .replaceAll(m -> Matcher.quoteReplacement(values.getOrDefault(m.group(1), m.group())));
    }

    // ---- the classes, in jextract's shape

    static final String STRUCT = """
        {generated}package dev.ublks3.linux;

        {groupElement}import static java.lang.foreign.ValueLayout.*;

        import java.lang.foreign.*;
        {objects}
        /**
         * {@code struct {name}} from {@code {header}}, in jextract's shape (see the package documentation).
        {doc} */
        public final class {name} {
            private {name}() {}

            private static final GroupLayout $LAYOUT = {layout}.withName("{name}");

            /** The layout of the struct. */
            public static final GroupLayout layout() { return $LAYOUT; }

            /** Size of the struct in bytes. */
            public static long sizeof() { return $LAYOUT.byteSize(); }

            /** A zeroed struct from {@code allocator}. */
            public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate($LAYOUT); }

        {members}}
        """;

    static final String SCALAR_ACCESSORS = """
        private static final ValueLayout.{vl} {f}$LAYOUT = (ValueLayout.{vl}) $LAYOUT.select({path});
        public static final long {f}$OFFSET = $LAYOUT.byteOffset({path});
        public static {type} {f}(MemorySegment s) { return s.get({f}$LAYOUT, {f}$OFFSET); }
        public static void {f}(MemorySegment s, {type} v) { s.set({f}$LAYOUT, {f}$OFFSET, v); }
        public static {type} {f}$at(MemorySegment s, long base) { return s.get({f}$LAYOUT, base + {f}$OFFSET); }
        public static void {f}$at(MemorySegment s, long base, {type} v) { s.set({f}$LAYOUT, base + {f}$OFFSET, v); }
        """;

    static final String ARRAY_ACCESSORS = """
        private static final SequenceLayout {f}$LAYOUT = (SequenceLayout) $LAYOUT.select({path});
        private static final ValueLayout.{vl} {f}$ELEMENT = (ValueLayout.{vl}) {f}$LAYOUT.elementLayout();
        public static final long {f}$OFFSET = $LAYOUT.byteOffset({path});
        /** Number of elements of {@code {f}}. */
        public static final long {f}$COUNT = {f}$LAYOUT.elementCount();
        public static MemorySegment {f}(MemorySegment s) { return s.asSlice({f}$OFFSET, {f}$LAYOUT); }
        public static {type} {f}(MemorySegment s, long i) { return {f}$at(s, 0, i); }
        public static void {f}(MemorySegment s, long i, {type} v) { {f}$at(s, 0, i, v); }
        public static {type} {f}$at(MemorySegment s, long base, long i) {
            return s.get({f}$ELEMENT, base + {f}$OFFSET + Objects.checkIndex(i, {f}$COUNT) * {f}$ELEMENT.byteSize());
        }
        public static void {f}$at(MemorySegment s, long base, long i, {type} v) {
            s.set({f}$ELEMENT, base + {f}$OFFSET + Objects.checkIndex(i, {f}$COUNT) * {f}$ELEMENT.byteSize(), v);
        }
        """;

    static final String NESTED_ACCESSORS = """
        public static final long {f}$OFFSET = $LAYOUT.byteOffset({path});
        /** The nested {@code {struct}} as a slice (read and write through {@link {struct}}). */
        public static MemorySegment {f}(MemorySegment s) { return s.asSlice({f}$OFFSET, {struct}.layout()); }
        public static void {f}(MemorySegment s, MemorySegment v) { MemorySegment.copy(v, 0, s, {f}$OFFSET, {struct}.sizeof()); }
        """;

    static final String CONSTANTS = """
        {generated}package dev.ublks3.linux;

        /**
        {doc} */
        public final class {name} {
            private {name}() {}

        {body}}
        """;
}
