package dev.ublks3.tools;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A named device's configuration, {@code /etc/ublk-s3/NAME.conf}: the options of {@code ublk-s3 add}, one per line,
 * read by {@code ublk-s3 add --name NAME} (and the systemd unit {@code ublk-s3@NAME}). A line is a word and its
 * value, as on the command line without the dashes: {@code size 50G}, also {@code size=50G} or {@code --size 50G};
 * a flag is its word alone ({@code no-recovery}). The value is the rest of the line, spaces inside kept, no quotes.
 * Blank lines and lines starting with {@code #} are skipped. Example:
 * <pre>
 * # /etc/ublk-s3/backup.conf
 * bucket my-backups
 * key hosts/db1
 * size 2T
 * object-size 1M
 * region eu-west-1
 * profile backup        (credentials: the profile's, in /root/.aws/credentials)
 * retry-time 5m
 * </pre>
 * What it refuses, each as one line naming the file, the line and the fix: a word that is not an add option, a
 * word given twice, a bad value; the words that say how to run rather than what the device is ({@code foreground},
 * {@code restart}: the command line's, or the unit's); keys ({@code access-key}, {@code secret-key},
 * {@code session-token}: secrets belong in the AWS credentials file, named with {@code profile}); and a file that
 * other users could change (writable by group or others, or owned by another user than root or the caller),
 * since its words decide what root's block device serves.
 *
 * @param path     the file
 * @param settings its options by long name, in file order
 */
record ConfigFile(Path path, Map<String, Setting> settings) {

    /** One option of the file: its value ("" for a flag) and where it is. */
    record Setting(String value, int line) {}

    ConfigFile {
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    static final Path DEFAULT_DIR = Path.of("/etc/ublk-s3");
    static final int MAX_NAME = 64;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
    private static final Set<String> HOW_TO_RUN = Set.of("foreground", "restart");
    private static final Set<String> KEYS = Set.of("access-key", "secret-key", "session-token");

    /**
     * A device name: 1 to 64 of [A-Za-z0-9_.-], not starting with '.' or '-'. It names a file (NAME.conf) and a
     * systemd unit (ublk-s3@NAME.service), so it can be neither a path nor an option.
     */
    static String checkName(String text) {
        if (text.length() > MAX_NAME || !NAME.matcher(text).matches()) {
            throw new UsageException("--name '" + printable(text) + "' is not a device name: use 1 to " + MAX_NAME
                    + " letters, digits, '_', '.' or '-', not starting with '.' or '-'");
        }
        return text;
    }

    /** {@code text} with control characters as escapes (\\n, \\x01), so that a message stays one line. */
    private static String printable(String text) {
        StringBuilder b = new StringBuilder();
        text.chars()
                .forEach(c -> b.append(
                        c == '\n'
                                ? "\\n"
                                : c < ' ' || c == 127 ? String.format("\\x%02x", c) : String.valueOf((char) c)));
        return b.toString();
    }

    /** NAME.conf in {@code dir}. */
    static Path pathOf(Path dir, String name) {
        return dir.resolve(checkName(name) + ".conf");
    }

    /** Reads and checks the config file of device {@code name} in {@code dir}. */
    static ConfigFile read(Path dir, String name) {
        Path path = pathOf(dir, name);
        String text = text(path, name);
        Map<String, Setting> settings = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int number = i + 1;
            String where = path + ":" + number + ": ";
            String body = line.startsWith("--") ? line.substring(2) : line;
            int sep = 0;
            while (sep < body.length() && body.charAt(sep) != '=' && !Character.isWhitespace(body.charAt(sep))) {
                sep++;
            }
            String word = body.substring(0, sep);
            String value = null;
            if (sep < body.length()) {
                value = body.substring(sep + 1).strip();
                if (body.charAt(sep) != '=' && value.startsWith("=")) { // "size = 50G"
                    value = value.substring(1).strip();
                }
            }
            ArgParser.Option option = word.isEmpty() ? null : AddOptions.option(word);
            if (option == null || option.name().equals("name") || option.name().equals("config-dir")) {
                throw new UsageException(
                        where + "unknown word '" + (word.isEmpty() ? line : word) + "': use add's options"
                                + " without their dashes, one per line, such as 'size 50G' (see 'ublk-s3 add --help')");
            }
            String o = option.name();
            if (HOW_TO_RUN.contains(o)) {
                throw new UsageException(where + "'" + o + "' says how to run, not what the device is: remove the line,"
                        + " and give --" + o + " on the command line when you want it");
            }
            if (KEYS.contains(o)) {
                throw new UsageException(
                        where + "'" + o + "' does not belong in a config file: remove the line, keep the keys"
                                + " in the AWS credentials file (/root/.aws/credentials) and name their profile with 'profile NAME'");
            }
            if (!option.takesValue() && value != null) {
                throw new UsageException(where + "'" + o + "' takes no value: write just '" + o + "'");
            }
            if (option.takesValue() && value == null) {
                throw new UsageException(where + "'" + o + "' needs a value: write '" + o + " VALUE'");
            }
            Setting before = settings.get(o);
            if (before != null) {
                throw new UsageException(
                        where + "'" + o + "' is given twice (also on line " + before.line() + "): keep one");
            }
            try {
                AddOptions.checkValue(o, value == null ? "" : value);
            } catch (UsageException e) { // "--size 'x' is not a size: ..." as the file spells it: "size 'x' ..."
                String m = e.getMessage();
                throw new UsageException(where + (m.startsWith("--" + o) ? m.substring(2) : m));
            }
            settings.put(o, new Setting(value == null ? "" : value, number));
        }
        return new ConfigFile(path, settings);
    }

    /**
     * The command line's options with this file's added. An option in both is refused, like an option given twice:
     * the file is what the device is at every boot, and a command line that silently changed it (another size,
     * another bucket) would serve other data than the next boot does.
     */
    Map<String, String> mergedWith(Map<String, String> commandLine) {
        Map<String, String> merged = new LinkedHashMap<>(commandLine);
        settings.forEach((name, s) -> {
            if (merged.putIfAbsent(name, s.value()) != null) {
                throw new UsageException("--" + name + " is given both on the command line and in " + path + ":"
                        + s.line() + ": keep one (leave --" + name + " out, or edit the file)");
            }
        });
        return merged;
    }

    /** The file's text, once it is a regular file only its owner (root or the caller) may change. */
    private static String text(Path path, String name) {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, PosixFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new UsageException(
                    "no config file " + path + " for --name " + name + ": create it with add's options, one per"
                            + " line, such as 'size 50G' and 'bucket my-backups' (see 'ublk-s3 add --help'), or give --config-dir DIR");
        } catch (IOException e) {
            throw new UsageException(
                    "cannot read " + path + " (" + reason(e) + "): run as root, or fix its folder's permissions");
        }
        if (!attributes.isRegularFile()) {
            throw new UsageException(path + " is not a file: make it a text file of add's options, one per line");
        }
        Set<PosixFilePermission> mode = attributes.permissions();
        if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new UsageException(path + " can be changed by other users (" + PosixFilePermissions.toString(mode)
                    + "): make it writable by its owner only (chmod go-w " + path + ")");
        }
        String owner = attributes.owner().getName();
        if (!owner.equals("root") && !owner.equals(System.getProperty("user.name"))) {
            throw new UsageException(path + " belongs to user " + owner + ", who could change what it serves: make root"
                    + " its owner (chown root " + path + ")");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UsageException("cannot read " + path + " (" + reason(e)
                    + "): run as root, or make it readable by its" + " owner (chmod 600 " + path + ")");
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new UsageException(path + " is not UTF-8 text: write add's options as text, one per line");
        }
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
