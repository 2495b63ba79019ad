# Latency of single 4 KiB writes through an NBD server (nbdkit's S3 plugin) over a unix socket, one at a time,
# timed around each pwrite with time.perf_counter_ns; prints p50 and p99 in microseconds.
# Run with Debian's /usr/bin/python3 (python3-libnbd's `nbd` module lives there).
#
# Usage: /usr/bin/python3 nbd-write-latency.py SOCKET WARMUP COUNT [SAMPLES-FILE]
#   writes cycle over the first 16 4 KiB blocks, like StorageLatencyBenchmark's write4kMap; the measured latencies
#   (ns, one per line) are appended to SAMPLES-FILE when given
import math
import random
import sys
import time

import nbd

SIZE = 4096
OBJECTS = 16


def percentile(sorted_ns, q):
    """Nearest-rank percentile."""
    return sorted_ns[max(0, math.ceil(q * len(sorted_ns)) - 1)]


def main():
    sock, warmup, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    samples_file = sys.argv[4] if len(sys.argv) > 4 else None
    data = random.Random(1).randbytes(SIZE)
    h = nbd.NBD()
    h.connect_unix(sock)
    samples = []
    for i in range(warmup + count):
        offset = (i % OBJECTS) * SIZE
        start = time.perf_counter_ns()
        h.pwrite(data, offset)
        elapsed = time.perf_counter_ns() - start
        if i >= warmup:
            samples.append(elapsed)
    h.shutdown()
    if samples_file:
        with open(samples_file, 'a') as f:
            f.writelines(f"{ns}\n" for ns in samples)
    samples.sort()
    print(f"samples {len(samples)}")
    print(f"p50_us {percentile(samples, 0.50) / 1000:.1f}")
    print(f"p99_us {percentile(samples, 0.99) / 1000:.1f}")


main()
