package dev.ublks3.tools;

import dev.ublks3.storage.StoreException;
import dev.ublks3.ublk.UblkException;
import java.io.Console;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code ublk-s3} command: {@code add}, {@code del}, {@code sync}, {@code recover}, {@code list}, {@code stats},
 * {@code local-s3},
 * and the systemd unit's {@code unit-start} and {@code unit-stop}.
 */
public final class UblkS3 {

    static final String HELP = """
            Usage: ublk-s3 COMMAND [options]

            A Linux block device backed by S3 objects (nbdkit S3 plugin layout), served through ublk.

              add     create /dev/ublkbN on a bucket and serve it          ublk-s3 add --size 50G --bucket B
                      or the device of /etc/ublk-s3/NAME.conf              ublk-s3 add --name NAME
              del     flush every write to the store, then remove          ublk-s3 del -n N | --name NAME | --all
              sync    wait until the cache has uploaded every write        ublk-s3 sync -n N | --name NAME [--timeout D]
              recover take a device over after its server died            ublk-s3 recover -n N | --name NAME
              list    the devices, their names, bucket/key, state, server  ublk-s3 list
              stats   request and store statistics of a device             ublk-s3 stats -n N | --name NAME [--json]
              local-s3  an S3-compatible endpoint on 127.0.0.1 over a folder   ublk-s3 local-s3 --dir D
              unit-start, unit-stop  what the systemd unit ublk-s3@NAME runs   ublk-s3 unit-start --name NAME

            'ublk-s3 COMMAND --help' tells a command's options.
            """;

    private UblkS3() {}

    public static void main(String[] args) {
        // the one logging backend, named: without it SLF4J searches every jar of the class path for providers (and
        // without the verbosity it says on stderr that it was named, which is no one-line error)
        System.setProperty("slf4j.provider", "org.slf4j.simple.SimpleServiceProvider");
        System.setProperty("slf4j.internal.verbosity", "WARN");
        int code = run(Arrays.asList(args), System.out, System.err, RunDirectory.fromEnvironment());
        System.out.flush();
        System.err.flush();
        // halt, not exit: exit first asks the JDK's System.Logger whether to log the exit, and finding that logger
        // searches every jar of the class path (0.5 s and more of each command under emulation). Whatever must run
        // before the process ends has run by now: a server returns once its device is stopped.
        Runtime.getRuntime().halt(code);
    }

    /** Runs one command; returns the exit code. Every failure is one line on {@code err}. */
    static int run(List<String> args, PrintStream out, PrintStream err, RunDirectory run) {
        try {
            if (args.isEmpty() || List.of("help", "--help", "-h").contains(args.get(0))) {
                out.print(HELP);
                return args.isEmpty() ? UsageException.EXIT_USAGE : 0;
            }
            String command = args.get(0);
            List<String> rest = args.subList(1, args.size());
            if (rest.contains("--help") || rest.contains("-h")) {
                out.print(
                        switch (command) {
                            case "add" -> AddOptions.HELP;
                            case "del" -> DelCommand.HELP;
                            case "recover" -> RecoverCommand.HELP;
                            case "list" -> ListCommand.HELP;
                            case "stats" -> StatsCommand.HELP;
                            case SyncCommand.COMMAND -> SyncCommand.HELP;
                            case "local-s3" -> LocalS3Command.HELP;
                            case UnitCommand.START -> UnitCommand.START_HELP;
                            case UnitCommand.STOP -> UnitCommand.STOP_HELP;
                            default -> throw unknownCommand(command);
                        });
                return 0;
            }
            return switch (command) {
                case "add" -> AddCommand.run(rest, run, out, err);
                case "del" -> DelCommand.run(rest, run, out, onTerminal());
                case SyncCommand.COMMAND -> SyncCommand.run(rest, run, out, onTerminal());
                case "recover" -> RecoverCommand.run(rest, run, out, err);
                case ServerLauncher.SUPERVISE -> Supervisor.run(rest, out);
                case "list" -> ListCommand.run(rest, run, out);
                case "stats" -> StatsCommand.run(rest, run, out);
                case "local-s3" -> LocalS3Command.run(rest, out);
                case UnitCommand.START -> UnitCommand.start(rest, run, out, err);
                case UnitCommand.STOP -> UnitCommand.stop(rest, run, out);
                default -> throw unknownCommand(command);
            };
        } catch (UsageException e) {
            err.println("ublk-s3: " + e.getMessage());
            return e.exitCode();
        } catch (UblkException | StoreException | ServeException e) {
            err.println("ublk-s3: " + ControlSocket.oneLine(e));
            return 1;
        } catch (Exception e) {
            err.println("ublk-s3: " + e.getClass().getSimpleName() + ": " + ControlSocket.oneLine(e)
                    + " (set UBLKS3_DEBUG=1 for the stack trace)");
            if (System.getenv("UBLKS3_DEBUG") != null) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }

    private static UsageException unknownCommand(String command) {
        return new UsageException("unknown command '" + command + "': use add, del, sync, recover, list, stats,"
                + " local-s3, unit-start or unit-stop (ublk-s3 --help)");
    }

    /** Whether a person watches: progress lines are for terminals only. */
    private static boolean onTerminal() {
        Console console = System.console();
        return console != null && console.isTerminal();
    }
}
