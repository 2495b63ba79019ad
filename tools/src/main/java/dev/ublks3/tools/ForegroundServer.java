package dev.ublks3.tools;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code add} and {@code recover} with {@code --foreground}: serves a started (or recovered) device in this process
 * until {@code del} or a signal stops it, and says its path once it is live ({@link ServerLauncher#announce}).
 */
final class ForegroundServer {

    private static final Logger LOG = LoggerFactory.getLogger(ForegroundServer.class);
    /** What a shutdown, a kill, Ctrl-C or a closed terminal send: each stops the device cleanly. */
    private static final List<String> STOP_SIGNALS = List.of("TERM", "INT", "HUP");

    private ForegroundServer() {}

    /**
     * Serves until the device is stopped; prints its path once live. Returns 0 after del, 128 + the signal's number
     * after SIGTERM, SIGINT or SIGHUP (as a JVM they ended would).
     */
    static int serve(DeviceServer server, RunDirectory run, PrintStream out) throws Exception {
        // The signals stop the device on a thread of ours while the JVM runs on, not in a shutdown hook: once the JVM
        // shuts down, the CRT delivers no more completions, so an S3 request in flight then never answered and the
        // stop waited for its timeout (120 s) and failed its write.
        AtomicInteger signal = new AtomicInteger();
        for (String name : STOP_SIGNALS) {
            Signal.handle(new Signal(name), s -> {
                signal.compareAndSet(0, s.getNumber());
                stop(server);
            });
        }
        // any other way out of the JVM still stops the device, as well as it can then
        Thread onSignal = new Thread(() -> stop(server), "ublk-s3-shutdown");
        Runtime.getRuntime().addShutdownHook(onSignal);
        ServerLauncher.announce(
                server.device().blockDevicePath(), run.logFile(server.device().devId()), out, System.getenv());
        server.awaitStopped();
        try {
            Runtime.getRuntime().removeShutdownHook(onSignal);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is ending: the hook is what stopped it
        }
        return signal.get() == 0 ? 0 : 128 + signal.get();
    }

    /**
     * Flushes and removes the device (idempotent: del and a signal may race); says what it waits for in the log. A
     * cache keeps its dirty data, synced to local disk, for the next add.
     */
    private static void stop(DeviceServer server) {
        try {
            server.stop(line -> LOG.info("{}", line), false); // a shutdown must not wait on the network
        } catch (Exception e) {
            LOG.error("stopping {} failed: {}", server.device().blockDevicePath(), ControlSocket.oneLine(e));
        }
    }
}
