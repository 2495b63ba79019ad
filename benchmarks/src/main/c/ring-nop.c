/*
 * The C twin of RingNopBenchmark with liburing: prepare BATCH NOPs, submit and wait for all in one call, reap.
 * Same setup flags as IoUring.DEFAULT_OPTIONAL_FLAGS (dropping the newest on EINVAL), same ring size (64).
 * Usage: ring-nop BATCH [WARMUP_S ITERATIONS ITERATION_S]; prints "nops/s <mean>" after one line per iteration.
 */
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned long long sum;

static long run(struct io_uring *ring, int batch, double seconds) {
	long nops = 0;
	double end = now() + seconds;
	while (now() < end) {
		for (int r = 0; r < 64; r++) { /* check the clock every 64 round trips */
			for (int i = 0; i < batch; i++) {
				struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
				io_uring_prep_nop(sqe);
				sqe->user_data = i;
			}
			int ret = io_uring_submit_and_wait(ring, batch);
			if (ret < 0) { fprintf(stderr, "submit_and_wait: %s\n", strerror(-ret)); exit(1); }
			struct io_uring_cqe *cqe;
			unsigned head, seen = 0;
			io_uring_for_each_cqe(ring, head, cqe) { sum += cqe->user_data + cqe->res; seen++; }
			io_uring_cq_advance(ring, seen);
			if ((int) seen != batch) { fprintf(stderr, "reaped %u of %d\n", seen, batch); exit(1); }
			nops += batch;
		}
	}
	return nops;
}

int main(int argc, char **argv) {
	int batch = argc > 1 ? atoi(argv[1]) : 1;
	double warmup = argc > 2 ? atof(argv[2]) : 2, secs = argc > 4 ? atof(argv[4]) : 2;
	int iterations = argc > 3 ? atoi(argv[3]) : 3;
	unsigned optional = IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG | IORING_SETUP_SINGLE_ISSUER
		| IORING_SETUP_DEFER_TASKRUN;
	struct io_uring ring;
	int ret;
	for (;;) {
		struct io_uring_params p;
		memset(&p, 0, sizeof p);
		p.flags = optional;
		ret = io_uring_queue_init_params(64, &ring, &p);
		if (ret != -22 || optional == 0) break;
		optional &= ~(1u << (31 - __builtin_clz(optional)));
	}
	if (ret < 0) { fprintf(stderr, "io_uring_queue_init: %s\n", strerror(-ret)); return 1; }
	printf("C liburing: batch %d, setup flags 0x%x\n", batch, optional);
	run(&ring, batch, warmup);
	double total = 0;
	for (int it = 0; it < iterations; it++) {
		double t0 = now();
		long n = run(&ring, batch, secs);
		double rate = n / (now() - t0);
		printf("iteration %d: %.0f nops/s\n", it + 1, rate);
		total += rate;
	}
	printf("nops/s %.0f\n", total / iterations);
	io_uring_queue_exit(&ring);
	return sum == 0xdeadbeef; /* keep sum alive */
}
