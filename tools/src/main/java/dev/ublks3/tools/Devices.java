package dev.ublks3.tools;

import dev.ublks3.ublk.UblkPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** The ublk devices the kernel has, from /dev (each device N has its char device /dev/ublkcN). */
final class Devices {

    private static final Path DEV = Path.of("/dev");

    /** The options that choose a device: {@code -n N} ({@code --number N}) and {@code --name NAME}. */
    private static final List<ArgParser.Option> CHOOSING =
            List.of(ArgParser.Option.value("number").alias("n"), ArgParser.Option.value("name"));

    private Devices() {}

    static boolean exists(int devId) {
        return Files.exists(Path.of(UblkPaths.character(devId)));
    }

    static TreeSet<Integer> inKernel() {
        TreeSet<Integer> ids = new TreeSet<>();
        try (Stream<Path> files = Files.list(DEV)) {
            files.mapToInt(p -> UblkPaths.charId(p.toString()))
                    .filter(id -> id >= 0)
                    .forEach(ids::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list /dev: " + e.getMessage(), e);
        }
        return ids;
    }

    /**
     * The device named {@code name} (add --name): the record of that name whose device the kernel has or whose
     * server runs; a stale record (device and server gone) only when there is no other.
     */
    static Optional<DeviceRecord> named(RunDirectory run, String name) {
        return run.all().stream()
                .filter(r -> name.equals(r.name()))
                .max(Comparator.comparing((DeviceRecord r) -> exists(r.devId()) || r.serverAlive()));
    }

    /** The device number of {@code --name NAME}; else a one-line error pointing at list. */
    static int numberOf(RunDirectory run, String name) {
        return named(run, ConfigFile.checkName(name))
                .map(DeviceRecord::devId)
                .orElseThrow(() -> new ServeException("there is no device named " + name + ": see 'ublk-s3 list'"));
    }

    /** The device a command's {@code -n N} or {@code --name NAME} chooses (the caller checked that one is given). */
    static int chosen(RunDirectory run, Map<String, String> options) {
        return options.containsKey("name")
                ? numberOf(run, options.get("name"))
                : AddOptions.nonNegativeInt(options, "number");
    }

    /** The parser of a command that acts on a device chosen by {@code -n N} or {@code --name NAME}, and its others. */
    static ArgParser parser(String command, ArgParser.Option... others) {
        return new ArgParser(
                command, Stream.concat(CHOOSING.stream(), Stream.of(others)).toList(), Map.of());
    }

    /**
     * The device of a command that takes {@code -n N} or {@code --name NAME}: exactly one of them must be given.
     */
    static int chosenFor(String command, RunDirectory run, Map<String, String> options) {
        return chosenFor(command, "the devices", run, options);
    }

    /** As {@link #chosenFor(String, RunDirectory, Map)}; a missing choice points at {@code list} for {@code which}. */
    static int chosenFor(String command, String which, RunDirectory run, Map<String, String> options) {
        ArgParser.requireOnlyOneOf(options, command, Set.of("number", "name"));
        if (!options.containsKey("number") && !options.containsKey("name")) {
            throw new UsageException("'" + command + "' needs -n N or --name NAME: see 'ublk-s3 list' for " + which);
        }
        return chosen(run, options);
    }

    /** Device numbers known to the kernel or to the run directory. */
    static TreeSet<Integer> known(RunDirectory run) {
        TreeSet<Integer> ids = inKernel();
        run.all().forEach(r -> ids.add(r.devId()));
        return ids;
    }
}
