package dev.ublks3.tools;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The processes that hold a block device open, read from {@code /proc/PID/fd} (what {@code fuser} does). An
 * exclusive-open probe sees only mounts and O_EXCL holders; a plain {@code open()} (a shell's {@code < /dev/ublkb0},
 * a backup tool) is invisible to it, and stopping a device under such a holder waits for it to close.
 */
final class DeviceHolders {

    private DeviceHolders() {}

    /** "PID (COMMAND)" of every other process with {@code device} open; empty if none (or /proc is not readable). */
    static List<String> of(Path device) {
        List<String> holders = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(
                Path.of("/proc"), p -> isPid(p.getFileName().toString()))) {
            for (Path proc : procs) {
                long pid = Long.parseLong(proc.getFileName().toString());
                if (pid != self && holds(proc, device)) {
                    holders.add(pid + " (" + command(proc) + ")");
                }
            }
        } catch (IOException e) {
            return holders; // no /proc: the exclusive-open probe still runs
        }
        return holders;
    }

    private static boolean holds(Path proc, Path device) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).equals(device)) {
                        return true;
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException | SecurityException e) {
            // the process ended, or its fds are not ours to read
        }
        return false;
    }

    private static String command(Path proc) {
        try {
            return Files.readString(proc.resolve("comm")).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    private static boolean isPid(String name) {
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }
}
