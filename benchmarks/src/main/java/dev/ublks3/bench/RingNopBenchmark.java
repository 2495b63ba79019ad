package dev.ublks3.bench;

import dev.ublks3.linux.ErrnoException;
import dev.ublks3.uring.CompletionHandler;
import dev.ublks3.uring.IoUring;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * NOP round trips through {@link IoUring}: prepare {@code batch} NOPs, submit and wait for all in one
 * io_uring_enter, reap them. Scores are NOPs per second (OperationsPerInvocation = batch). The same loop in C with
 * liburing is benchmarks/src/main/c/ring-nop.c; benchmarks/bin/ring-bench runs both and prints the ratio.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class RingNopBenchmark {
    private IoUring ring;
    private long sum;
    // one handler for the whole run: no object per completion
    private final CompletionHandler handler = (userData, res, flags) -> sum += userData + res;

    /** Thread-scoped state is set up on the benchmark thread, which SINGLE_ISSUER requires. */
    @Setup(Level.Trial)
    public void open() throws ErrnoException {
        ring = IoUring.open(64, 0, IoUring.DEFAULT_OPTIONAL_FLAGS);
        System.out.println("\n" + ring);
    }

    @TearDown(Level.Trial)
    public void close() {
        ring.close();
    }

    private long roundTrip(int batch) throws ErrnoException {
        for (int i = 0; i < batch; i++) ring.prepNop(i);
        ring.submitAndWait(batch);
        int n = ring.reap(handler);
        if (n != batch) throw new IllegalStateException("reaped " + n + " of " + batch);
        return sum;
    }

    /** The cost of the harness alone. */
    @Benchmark
    public long baseline() {
        return sum;
    }

    @Benchmark
    public long batch1() throws ErrnoException {
        return roundTrip(1);
    }

    @Benchmark
    @OperationsPerInvocation(32)
    public long batch32() throws ErrnoException {
        return roundTrip(32);
    }
}
