package dev.ublks3.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.stream.Stream;

/** The ublk devices the kernel has, from /dev (each device N has its char device /dev/ublkcN). */
final class Devices {

    private static final Path DEV = Path.of("/dev");

    private Devices() {
    }

    static boolean exists(int devId) {
        return Files.exists(DEV.resolve("ublkc" + devId));
    }

    static TreeSet<Integer> inKernel() {
        TreeSet<Integer> ids = new TreeSet<>();
        try (Stream<Path> files = Files.list(DEV)) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("ublkc\\d+"))
                    .forEach(n -> ids.add(Integer.parseInt(n.substring(5))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list /dev: " + e.getMessage(), e);
        }
        return ids;
    }

    /** Device numbers known to the kernel or to the run directory. */
    static TreeSet<Integer> known(RunDirectory run) {
        TreeSet<Integer> ids = inKernel();
        run.all().forEach(r -> ids.add(r.devId()));
        return ids;
    }
}
