package dev.ublks3.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OrphanedSocketsTest {

    // lines as the kernel prints them: remote port 0x2328 = 9000; inode 0 = no process owns the socket
    private static final String HEADER_FIELDS = ": 0100007F:960E 0100007F:2328 ";

    /** A line of /proc/net/tcp whose fields from the state on ({@code st tx_queue:rx_queue ...}) are {@code fromState}. */
    private static String line(String fromState) {
        return "1" + HEADER_FIELDS + fromState;
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            04 00001000:00000000 01:00000014 00000000     0        0 0 3 0 | FIN_WAIT1 with data queued
            04 00000000:00000000 01:00000014 00000000     0        0 0 3 0 | FIN_WAIT1: its FIN, after the data, not yet acknowledged
            0B 00000000:00000000 01:00000014 00000000     0        0 0 3 0 | CLOSING
            """)
    void anOrphanWithDataQueuedOrItsFinUnacknowledgedIsUndelivered(String fromState, String why) {
        assertTrue(OrphanedSockets.isUndelivered(line(fromState), 9000), why);
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', textBlock = """
            01 00001000:00000000 01:00000014 00000000     0        0 4242 3 0 | 9000 | a process owns it
            04 00001000:00000000 01:00000014 00000000     0        0 0 3 0    | 443  | another port
            05 00000000:00000000 00:00000000 00000000     0        0 0 3 0    | 9000 | FIN_WAIT2: everything acknowledged
            06 00000000:00000000 03:00000524 00000000     0        0 0 3 0    | 9000 | TIME_WAIT
            """)
    void aSocketOfALiveProcessAnotherPortOrDeliveredDataIsNot(String fromState, int port, String why) {
        assertFalse(OrphanedSockets.isUndelivered(line(fromState), port), why);
    }

    @Test
    void theHeaderLineIsNot() {
        assertFalse(OrphanedSockets.isUndelivered("  sl  local_address rem_address   st tx_queue", 9000));
    }

    @Test
    void aClosedConnectionWhosePeerDoesNotReadIsWaitedForUntilItDelivers() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            SocketChannel client = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            try (Socket peer = server.accept()) {
                client.configureBlocking(false);
                ByteBuffer chunk = ByteBuffer.allocate(64 << 10);
                long sent = 0;
                int stuck = 0;
                while (stuck < 20) { // until the peer's window and our send buffer are full
                    chunk.clear();
                    int n = client.write(chunk);
                    sent += n;
                    stuck = n == 0 ? stuck + 1 : 0;
                    if (n == 0) {
                        Thread.sleep(5);
                    }
                }
                client.close(); // like a killed process: the kernel keeps sending what was queued
                assertTrue(OrphanedSockets.undelivered(port) >= 1, "the closed connection holds data");
                assertTrue(
                        OrphanedSockets.awaitDrained(port, Duration.ofMillis(200)) >= 1,
                        "not delivered while the peer does not read");
                Thread reader = Thread.ofPlatform().start(() -> {
                    try (InputStream in = peer.getInputStream()) {
                        in.transferTo(java.io.OutputStream.nullOutputStream());
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                assertEquals(
                        0,
                        OrphanedSockets.awaitDrained(port, Duration.ofSeconds(30)),
                        "delivered once the peer reads (" + sent + " bytes)");
                reader.join();
            }
        }
    }
}
