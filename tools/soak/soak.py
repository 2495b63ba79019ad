#!/usr/bin/python3
"""The ublk-s3 soak driver: a bounded, randomized, model-checked run against a block device or a regular file.

Worker threads open the target with O_DIRECT and run a seeded random mix of writes (4 KiB-aligned, 4 KiB to
512 KiB, and 512-byte-aligned ones that are not object-aligned, i.e. read-modify-write), reads compared against
an in-memory model of the contents, trims (BLKDISCARD), zeroes (BLKZEROOUT) and flushes (fsync). A range lock
keeps in-flight operations from overlapping (their order would be undefined), but half the operations go to a
small hot region so that operations on the same object do run at once: where a lost update would show.

Model of a ublk-s3 device (storage/src/main/java/dev/ublks3/storage/ObjectMap.java): a missing object reads as
zeros; trim deletes only the whole objects inside its range and leaves the partial ends as they were (the
kernel passes discards down as given, split only at multiples of the discard granularity = the object size);
zero reads as zeros over its whole range. A write enters the model only once pwrite returned.

Device mode (--ublk-s3 CMD --add-args ARGS): the driver adds the device itself ('add ARGS --restart'), and
while the workers run it kills the server with SIGKILL at seeded random intervals, alternating between
  restart: the server alone dies; the 'add --restart' supervisor takes the device over by itself
  recover: the supervisor and the server die; the driver runs 'ublk-s3 recover -n N'
(after a recover kill, half-way to the next kill, the workers pause and the device is deleted and added again
with --restart, so that the next restart kill has a supervisor and hits a server that has run a while), and takes the S3 endpoint down for a few seconds now and then ('control SOCKET down'/'up').
With --cache-args (the device's persistent cache, writeback: writes complete once in the local cache), every kill
also records what the cache held unwritten just before it (the server's stats over /run/ublk-s3/N.sock): the run
fails when no kill found dirty data, since it then tested no kill during writeback. The final steps become: fsync,
'ublk-s3 sync', 'ublk-s3 del' (which drains), and the add of the persistence check has no cache, so the compare
reads the store alone.
Workers must see no error: the kernel holds and re-issues the I/O in flight (USER_RECOVERY_REISSUE). At the
end: fsync, 'ublk-s3 del', 'ublk-s3 add' on the same bucket and key, the whole device read and compared with
the model (persistence), 'ublk-s3 del'.

File mode (--target FILE): the same workers on a regular file (trim = punch-hole of the whole objects,
zero = punch-hole of the range), then the whole file compared. --inject KIND hides one fault from the model
halfway through (flip: bytes overwritten behind its back; lost-write, lost-trim, lost-zero: one operation
acknowledged to the model but not done); the run must then report a MISMATCH and exit 1. --self-check runs a
clean file run and each injected fault and exits 0 only when the clean run passes and every fault is caught.

Every mismatch prints its offset and length, the first differing byte (expected/actual), what wrote the
differing sector (each written sector starts with a stamp: op id, worker, offset) and the history of the
operations on the objects involved. Exit: 0 clean, 1 mismatch, 2 I/O error or harness failure, 3 hang.
"""
import argparse
import collections
import ctypes
import fcntl
import json
import mmap
import os
import random
import shlex
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback

SECTOR = 512
KIB = 1024
MIB = 1024 * 1024
MAX_IO = 512 * KIB
BLKDISCARD = 0x1277
BLKZEROOUT = 0x127F
BLKGETSIZE64 = 0x80081272
FALLOC_FL_KEEP_SIZE = 0x01
FALLOC_FL_PUNCH_HOLE = 0x02
STAMP = struct.Struct("<4sIQQ")  # each written sector starts with: magic, worker, op id, its device offset
MAGIC = b"SOAK"
KINDS = ("write", "write512", "read", "trim", "zero", "flush")
WEIGHTS = (30, 12, 35, 8, 8, 7)
HISTORY = 24  # operations kept per object for mismatch reports
INJECTIONS = ("flip", "lost-write", "lost-trim", "lost-zero")
EXIT_MISMATCH, EXIT_ERROR, EXIT_HANG = 1, 2, 3


class Op:
    __slots__ = ("id", "worker", "kind", "off", "length", "t0", "t1", "status")

    def __init__(self, op_id, worker, kind, off, length):
        self.id, self.worker, self.kind, self.off, self.length = op_id, worker, kind, off, length
        self.t0 = self.t1 = None
        self.status = "in flight"

    def __str__(self):
        t = "t=%.3f" % self.t0 if self.t0 is not None else "t=?"
        if self.t1 is not None:
            t += "-%.3f" % self.t1
        return "#%d %s w%s %-8s [0x%x, 0x%x) %d B %s" % (self.id, t, self.worker, self.kind, self.off,
                                                         self.off + self.length, self.length, self.status)


class Model:
    """The expected contents, and the last operations per object."""

    def __init__(self, size, object_size):
        self.size, self.osz = size, object_size
        self.data = bytearray(size)
        self.history = {}
        self.lock = threading.Lock()

    def whole_objects(self, off, length):
        """[start, end) of the whole objects inside [off, off + length) (empty: start >= end)."""
        first = -(-off // self.osz)
        end = (off + length) // self.osz
        return first * self.osz, end * self.osz

    def write(self, off, data):
        self.data[off:off + len(data)] = data

    def trim(self, off, length):
        s, e = self.whole_objects(off, length)
        if s < e:
            self.data[s:e] = bytes(e - s)

    def zero(self, off, length):
        self.data[off:off + length] = bytes(length)

    def note(self, op):
        first = op.off // self.osz
        last = (op.off + max(op.length, 1) - 1) // self.osz
        with self.lock:
            for obj in range(first, min(last, first + 63) + 1):
                h = self.history.get(obj)
                if h is None:
                    h = self.history[obj] = collections.deque(maxlen=HISTORY)
                h.append(op)

    def ops_on(self, off, length):
        first = off // self.osz
        last = (off + max(length, 1) - 1) // self.osz
        with self.lock:
            ops = {op.id: op for obj in range(first, min(last, first + 15) + 1) for op in self.history.get(obj, ())}
        return [ops[k] for k in sorted(ops)]

    def nonzero(self, off, length):
        return self.data[off:off + length].count(0) != length


class RangeLock:
    """In-flight byte ranges: no two overlap. Counts operations started while another one touched the same object."""

    def __init__(self, object_size):
        self.osz = object_size
        self.cond = threading.Condition()
        self.held = {}
        self.same_object = 0

    def try_acquire(self, op):
        s, e = op.off, op.off + op.length
        with self.cond:
            for (a, b, _) in self.held.values():
                if a < e and s < b:
                    return False
            fo, lo = s // self.osz, (e - 1) // self.osz
            for (a, b, _) in self.held.values():
                if a // self.osz <= lo and fo <= (b - 1) // self.osz:
                    self.same_object += 1
                    break
            self.held[op.id] = (s, e, op)
            return True

    def release(self, op):
        with self.cond:
            self.held.pop(op.id, None)
            self.cond.notify_all()

    def in_flight(self):
        with self.cond:
            return [h[2] for h in self.held.values()]


class Target:
    """The device or file under test: one descriptor per worker."""

    def __init__(self, path, object_size, file_mode):
        self.path, self.osz, self.file_mode = path, object_size, file_mode
        self.direct = True
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.libc.fallocate.argtypes = (ctypes.c_int, ctypes.c_int, ctypes.c_int64, ctypes.c_int64)
        self.zeros = mmap.mmap(-1, MAX_IO)
        self.punch = file_mode

    def open(self):
        flags = os.O_RDWR | os.O_CLOEXEC
        if self.direct:
            try:
                return os.open(self.path, flags | os.O_DIRECT)
            except OSError:
                if not self.file_mode:
                    raise
                self.direct = False  # a file system without O_DIRECT (file mode only)
        return os.open(self.path, flags)

    def size(self):
        fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            if self.file_mode:
                return os.fstat(fd).st_size
            buf = bytearray(8)
            fcntl.ioctl(fd, BLKGETSIZE64, buf)
            return struct.unpack("<Q", buf)[0]
        finally:
            os.close(fd)

    @staticmethod
    def read(fd, buf, n, off):
        got = os.preadv(fd, [buf[:n]], off)
        if got != n:
            raise OSError(0, "short read: %d of %d bytes" % (got, n))

    @staticmethod
    def write(fd, buf, n, off):
        got = os.pwrite(fd, buf[:n], off)
        if got != n:
            raise OSError(0, "short write: %d of %d bytes" % (got, n))

    def trim(self, fd, off, length):
        if not self.file_mode:
            fcntl.ioctl(fd, BLKDISCARD, struct.pack("=QQ", off, length))
            return
        s = -(-off // self.osz) * self.osz  # the device's semantics: only whole objects go
        e = (off + length) // self.osz * self.osz
        if s < e:
            self._hole(fd, s, e - s)

    def zero(self, fd, off, length):
        if not self.file_mode:
            fcntl.ioctl(fd, BLKZEROOUT, struct.pack("=QQ", off, length))
        else:
            self._hole(fd, off, length)

    def _hole(self, fd, off, length):
        if self.punch:
            if self.libc.fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, length) == 0:
                return
            err = ctypes.get_errno()
            if err not in (95, 22):  # EOPNOTSUPP, EINVAL: write zeros instead
                raise OSError(err, os.strerror(err))
            self.punch = False
        zv = memoryview(self.zeros)
        for p in range(off, off + length, MAX_IO):
            self.write(fd, zv, min(MAX_IO, off + length - p), p)

    @staticmethod
    def flush(fd):
        os.fsync(fd)


class Failure(Exception):
    pass


class Soak:
    def __init__(self, a):
        self.a = a
        self.t_start = time.monotonic()
        self.results = a.results
        if self.results:
            os.makedirs(self.results, exist_ok=True)
        self.out_lock = threading.Lock()
        self.logf = open(os.path.join(self.results, "soak.log"), "a") if self.results else None
        self.opsf = open(os.path.join(self.results, "ops.log"), "a", buffering=1 << 16) if self.results else None
        self.stop = threading.Event()
        self.failed = None  # (exit code, reason) of the first failure
        self.mismatches = 0
        self.io_errors = 0
        self.ids_lock = threading.Lock()
        self.next_id = 0
        self.stats = collections.Counter()
        self.stats_lock = threading.Lock()
        self.excluded = []
        self.injection = a.inject
        self.injected = None
        self.inject_at = None
        # pause/resume of the workers (device mode: del and add again need the device closed)
        self.gate = threading.Condition()
        self.paused = False
        self.parked = 0
        self.workers = []
        # device mode
        self.dev_id = None
        self.supervised = False
        self.events = collections.Counter()
        self.recovery_times = []
        self.down_seconds = 0.0
        self.kill_inflight = []
        self.dirty_bytes_at_kills_max = 0

    # ---- output ----
    def now(self):
        return time.monotonic() - self.t_start

    def log(self, msg, err=False):
        line = "[%7.1f] %s" % (self.now(), msg)
        with self.out_lock:
            print(line, file=sys.stderr if err else sys.stdout, flush=True)
            if self.logf:
                self.logf.write(line + "\n")
                self.logf.flush()

    def oplog(self, op):
        if self.opsf:
            with self.out_lock:
                self.opsf.write(str(op) + "\n")

    def fail(self, code, reason):
        with self.out_lock:
            first = self.failed is None
            if first:
                self.failed = (code, reason)
        if first:
            self.log("FAIL: " + reason, err=True)
        self.stop.set()
        with self.gate:
            self.gate.notify_all()

    def new_op(self, worker, kind, off, length):
        with self.ids_lock:
            self.next_id += 1
            return Op(self.next_id, worker, kind, off, length)

    def count(self, **kw):
        with self.stats_lock:
            self.stats.update(kw)

    # ---- checking ----
    @staticmethod
    def describe_sector(b, at):
        """What a 512-byte sector holds: a stamp of the write that made it, zeros, or other bytes."""
        if len(b) >= STAMP.size and b[:4] == MAGIC:
            _, w, op_id, where = STAMP.unpack_from(b, 0)
            s = "written by op #%d (worker %d) for offset 0x%x" % (op_id, w, where)
            return s + ("" if where == at else " -- MISPLACED: this sector is at 0x%x" % at)
        if bytes(b).count(0) == len(b):
            return "zeros"
        return "unstamped bytes %s..." % bytes(b[:16]).hex()

    def report_mismatch(self, off, actual, expected, found_by):
        """Reports every differing run of sectors in [off, off + len(actual)); returns how many runs."""
        runs = []
        n = len(actual)
        start = None
        for s in range(0, n, SECTOR):
            differs = actual[s:s + SECTOR] != expected[s:s + SECTOR]
            if differs and start is None:
                start = s
            elif not differs and start is not None:
                runs.append((start, s))
                start = None
        if start is not None:
            runs.append((start, n))
        for (s, e) in runs[:8]:
            first = next(i for i in range(s, e) if actual[i] != expected[i])
            ndiff = sum(1 for i in range(s, e) if actual[i] != expected[i])
            sec = first - first % SECTOR
            lines = ["MISMATCH at offset 0x%x, length %d (%s)" % (off + s, e - s, found_by),
                     "  first differing byte at 0x%x: expected 0x%02x, actual 0x%02x; %d bytes differ in the run"
                     % (off + first, expected[first], actual[first], ndiff),
                     "  expected sector 0x%x: %s" % (off + sec, self.describe_sector(expected[sec:sec + SECTOR], off + sec)),
                     "  actual sector   0x%x: %s" % (off + sec, self.describe_sector(actual[sec:sec + SECTOR], off + sec)),
                     "  objects %d..%d (object size %d); their last operations (* = overlaps the differing run):"
                     % ((off + s) // self.model.osz, (off + e - 1) // self.model.osz, self.model.osz)]
            lines += ["   %s%s" % ("*" if op.off < off + e and off + s < op.off + op.length else " ", op)
                      for op in self.model.ops_on(off + s, e - s)]
            inflight = self.locks.in_flight()
            if inflight:
                lines.append("  in flight now:")
                lines += ["    " + str(op) for op in inflight]
            text = "\n".join(lines)
            self.log(text, err=True)
            if self.results:
                with self.out_lock, open(os.path.join(self.results, "mismatches.log"), "a") as f:
                    f.write(text + "\n\n")
        if len(runs) > 8:
            self.log("MISMATCH: %d more differing runs in [0x%x, 0x%x) not shown" % (len(runs) - 8, off, off + n), err=True)
        return len(runs)

    def check_read(self, op, actual):
        expected = self.model.data[op.off:op.off + op.length]
        if actual == expected:
            return
        expected = bytes(expected)
        runs = self.report_mismatch(op.off, actual, expected, "read op #%d by worker %d" % (op.id, op.worker))
        with self.out_lock:
            self.mismatches += runs
        self.fail(EXIT_MISMATCH, "read op #%d found %d differing run(s) at 0x%x" % (op.id, runs, op.off))

    def verify_all(self, what, threads=4, chunk=MAX_IO):
        """Reads the whole target and compares it with the model; returns (bytes read, differing runs)."""
        size = self.model.size
        offsets = list(range(0, size, chunk))
        lock = threading.Lock()
        result = {"bytes": 0, "runs": 0, "error": None}

        def run():
            fd, off = None, 0
            buf = memoryview(mmap.mmap(-1, chunk))
            try:
                fd = self.target.open()
                while True:
                    with lock:
                        if not offsets or result["error"]:
                            return
                        off = offsets.pop(0)
                    n = min(chunk, size - off)
                    self.target.read(fd, buf, n, off)
                    actual = bytes(buf[:n])
                    expected = bytes(self.model.data[off:off + n])
                    runs = 0 if actual == expected else self.report_mismatch(off, actual, expected, what)
                    with lock:
                        result["bytes"] += n
                        result["runs"] += runs
            except Exception as e:
                with lock:
                    result["error"] = "%s: read at 0x%x failed: %s" % (what, off, e)
            finally:
                if fd is not None:
                    os.close(fd)

        ts = [threading.Thread(target=run, name="verify-%d" % i) for i in range(threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        if result["error"]:
            raise Failure(result["error"])
        return result["bytes"], result["runs"]

    # ---- injected faults (file mode: shows the driver catches what it must) ----
    def exclude(self, off, length):
        with self.out_lock:
            self.excluded.append((off, off + length))

    def overlaps_excluded(self, off, length):
        return any(a < off + length and off < b for (a, b) in self.excluded)

    def take_injection(self, op):
        """True: drop this operation (the model still takes it), once, when it would leave a detectable trace."""
        if self.injection is None or self.injected is not None or self.inject_at is None or self.now() < self.inject_at:
            return False
        want = {"write": "lost-write", "write512": "lost-write", "trim": "lost-trim", "zero": "lost-zero"}.get(op.kind)
        if want != self.injection:
            return False
        if op.kind == "trim":
            s, e = self.model.whole_objects(op.off, op.length)
            if s >= e or not self.model.nonzero(s, e - s):
                return False
            span = (s, e - s)
        elif op.kind == "zero":
            if not self.model.nonzero(op.off, op.length):
                return False
            span = (op.off, op.length)
        else:
            span = (op.off, op.length)
        with self.out_lock:
            if self.injected is not None:
                return False
            self.injected = (self.injection, span[0], span[1], op.id)
        self.exclude(*span)
        self.log("INJECTED %s: op #%d at [0x%x, 0x%x) acknowledged to the model but not done"
                 % (self.injection, op.id, span[0], span[0] + span[1]))
        return True

    def inject_flip(self, rng):
        """Overwrites one written sector behind the model's back (under the range lock)."""
        size = self.model.size
        for _ in range(100000):
            off = rng.randrange(0, size // SECTOR) * SECTOR
            if not self.model.nonzero(off, SECTOR) or self.overlaps_excluded(off, SECTOR):
                continue
            op = self.new_op(-1, "flip", off, SECTOR)
            if not self.locks.try_acquire(op):
                continue
            try:
                fd = self.target.open()
                buf = memoryview(mmap.mmap(-1, SECTOR))
                buf[:] = bytes((b ^ 0x5A) for b in self.model.data[off:off + SECTOR])
                self.target.write(fd, buf, SECTOR, off)
                os.close(fd)
                self.exclude(off, SECTOR)
                self.injected = ("flip", off, SECTOR, op.id)
                self.log("INJECTED flip: sector [0x%x, 0x%x) overwritten behind the model's back" % (off, off + SECTOR))
                return
            finally:
                self.locks.release(op)
        self.log("INJECTED flip: found no written sector to flip", err=True)

    # ---- the workers ----
    def park(self, fd):
        """Blocks while the workers are paused, with the target closed (fd: a one-item list, None while closed)."""
        with self.gate:
            if not self.paused:
                return
            os.close(fd[0])
            fd[0] = None
            self.parked += 1
            self.gate.notify_all()
            while self.paused and not self.stop.is_set():
                self.gate.wait(1)
            self.parked -= 1
        if not self.stop.is_set():
            fd[0] = self.target.open()

    def pause(self, timeout):
        with self.gate:
            self.paused = True
            deadline = time.monotonic() + timeout
            alive = sum(1 for w in self.workers if w.is_alive())
            while self.parked < alive and not self.stop.is_set():
                if time.monotonic() > deadline:
                    raise Failure("the workers did not pause within %d s: in flight: %s"
                                  % (timeout, "; ".join(map(str, self.locks.in_flight()))))
                self.gate.wait(0.5)
                alive = sum(1 for w in self.workers if w.is_alive())

    def resume(self):
        with self.gate:
            self.paused = False
            self.gate.notify_all()

    def worker(self, wid):
        rng = random.Random("%d:worker:%d" % (self.a.seed, wid))
        pool = rng.randbytes(2 * MAX_IO)
        buf = memoryview(mmap.mmap(-1, MAX_IO))
        fd = [self.target.open()]
        try:
            while not self.stop.is_set():
                self.park(fd)
                if self.stop.is_set():
                    break
                kind = rng.choices(KINDS, WEIGHTS)[0]
                if kind == "flush":
                    op = self.new_op(wid, "flush", 0, 0)
                    op.t0 = self.now()
                    try:
                        self.target.flush(fd[0])
                        op.status = "ok"
                        self.count(flush=1)
                    except OSError as e:
                        op.status = "ERROR %s" % e
                        self.io_error(op, e)
                    op.t1 = self.now()
                    self.oplog(op)
                    continue
                op = None
                for _ in range(20):
                    off, length = self.draw(rng, kind)
                    if kind != "read" and self.overlaps_excluded(off, length):
                        continue
                    cand = self.new_op(wid, kind, off, length)
                    if self.locks.try_acquire(cand):
                        op = cand
                        break
                if op is None:
                    self.count(lock_busy=1)
                    continue
                try:
                    op.t0 = self.now()
                    self.run_op(op, fd[0], buf, rng, pool)
                    op.status = "ok"
                except OSError as e:
                    op.status = "ERROR %s" % e
                    self.io_error(op, e)
                finally:
                    op.t1 = self.now()
                    self.model.note(op)
                    self.oplog(op)
                    self.locks.release(op)
        except Exception:
            self.fail(EXIT_ERROR, "worker %d crashed: %s" % (wid, traceback.format_exc()))
        finally:
            if fd[0] is not None:
                os.close(fd[0])
            with self.gate:
                self.gate.notify_all()

    def io_error(self, op, e):
        with self.out_lock:
            self.io_errors += 1
        self.fail(EXIT_ERROR, "I/O error: op %s: %s" % (op, e))

    def draw(self, rng, kind):
        """A random range for an operation of this kind: half of them in the hot region."""
        osz, size = self.model.osz, self.model.size
        if rng.random() < 0.5:
            lo, hi, hot = self.hot[0], self.hot[1], True
        else:
            lo, hi, hot = 0, size, False
        span = hi - lo
        if kind == "write" or (kind == "read" and rng.random() < 0.7):
            if hot:
                length = 4 * KIB * rng.randint(1, 8)
            else:
                r = rng.random()
                length = 4 * KIB * (rng.randint(1, 16) if r < 0.5 else rng.randint(16, 64) if r < 0.85
                                    else rng.randint(64, MAX_IO // (4 * KIB)))
            length = min(length, span)
            off = lo + rng.randrange(0, (span - length) // (4 * KIB) + 1) * 4 * KIB
        elif kind in ("write512", "read"):
            length = SECTOR * rng.randint(1, 32 if hot else 256)
            length = min(length, span)
            off = lo + rng.randrange(0, (span - length) // SECTOR + 1) * SECTOR
        else:  # trim, zero: whole objects, or any sectors
            if rng.random() < 0.4:
                n = min(rng.randint(1, 4), span // osz)
                off = lo + rng.randrange(0, span // osz - n + 1) * osz
                length = n * osz
            else:
                length = min(SECTOR * rng.randint(1, 4 * osz // SECTOR), span)
                off = lo + rng.randrange(0, (span - length) // SECTOR + 1) * SECTOR
        return off, length

    def run_op(self, op, fd, buf, rng, pool):
        off, n = op.off, op.length
        if op.kind in ("write", "write512"):
            p = rng.randrange(0, MAX_IO // SECTOR) * SECTOR
            buf[:n] = pool[p:p + n]
            for s in range(0, n, SECTOR):
                STAMP.pack_into(buf, s, MAGIC, op.worker, op.id, off + s)
            if not self.take_injection(op):
                self.target.write(fd, buf, n, off)
            self.model.write(off, buf[:n])
            self.count(**{op.kind: 1, "bytes_written": n})
        elif op.kind == "read":
            self.target.read(fd, buf, n, off)
            self.count(read=1, bytes_read=n)
            self.check_read(op, bytes(buf[:n]))
        elif op.kind == "trim":
            if not self.take_injection(op):
                self.target.trim(fd, off, n)
            self.model.trim(off, n)
            self.count(trim=1, bytes_trimmed=n)
        elif op.kind == "zero":
            if not self.take_injection(op):
                self.target.zero(fd, off, n)
            self.model.zero(off, n)
            self.count(zero=1, bytes_zeroed=n)

    # ---- device mode: the ublk-s3 command ----
    def ublks3(self, args, timeout=300, check=True):
        cmd = shlex.split(self.a.ublk_s3) + args
        t0 = time.monotonic()
        try:
            p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise Failure("'%s' did not end within %d s" % (" ".join(args), timeout))
        self.log("ublk-s3 %s: exit %d in %.1f s%s" % (" ".join(args), p.returncode, time.monotonic() - t0,
                                                      (": " + (p.stdout + p.stderr).strip().replace("\n", " | "))
                                                      if (p.stdout + p.stderr).strip() else ""))
        if check and p.returncode != 0:
            raise Failure("'ublk-s3 %s' failed (exit %d): %s" % (" ".join(args), p.returncode, (p.stderr or p.stdout).strip()))
        return p

    def add(self, restart, cache=True):
        """'ublk-s3 add' (a fault drawn by the S3 endpoint can fail its one start-up probe: tried again)."""
        args = ["add"] + shlex.split(self.a.add_args)
        if cache and self.a.cache_args:
            args += shlex.split(self.a.cache_args)
        if self.dev_id is not None:
            args += ["--number", str(self.dev_id)]
            self.save_server_log()
        if restart:
            args.append("--restart")
        for attempt in range(1, 6):
            p = self.ublks3(args, check=False)
            dev = [l for l in p.stdout.splitlines() if l.startswith("/dev/ublkb")]
            if p.returncode == 0 and dev:
                self.dev_id = int(dev[-1][len("/dev/ublkb"):])
                self.supervised = restart
                self.target.path = dev[-1]
                return dev[-1]
            time.sleep(attempt)
        raise Failure("'ublk-s3 %s' failed 5 times" % " ".join(args))

    def save_server_log(self):
        """Copies /run/ublk-s3/N.log into the results (the next add of device N replaces it)."""
        if not self.results or self.dev_id is None:
            return
        self.log_seq = getattr(self, "log_seq", 0) + 1
        try:
            with open("/run/ublk-s3/%d.log" % self.dev_id, "rb") as f, \
                    open(os.path.join(self.results, "server-%d.%d.log" % (self.dev_id, self.log_seq)), "wb") as out:
                out.write(f.read())
        except OSError as e:
            self.log("cannot save the server log: %s" % e)

    def properties(self):
        props = {}
        with open("/run/ublk-s3/%d.properties" % self.dev_id) as f:
            for line in f:
                if "=" in line and not line.startswith("#"):
                    k, v = line.rstrip("\n").split("=", 1)
                    props[k] = v
        return props

    def server_pid(self):
        try:
            return int(self.properties()["pid"])
        except (OSError, KeyError, ValueError):
            return None

    @staticmethod
    def alive(pid):
        try:
            with open("/proc/%d/stat" % pid) as f:
                stat = f.read()
        except OSError:
            return False
        return stat[stat.rindex(")") + 2] not in "ZX"

    @staticmethod
    def parent(pid):
        try:
            with open("/proc/%d/stat" % pid) as f:
                stat = f.read()
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
            with open("/proc/%d/cmdline" % ppid, "rb") as f:
                return ppid, f.read().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ValueError, IndexError):
            return None, ""

    def wait_for(self, what, seconds, cond):
        deadline = time.monotonic() + seconds
        while not cond():
            if time.monotonic() > deadline:
                raise Failure("timed out after %d s waiting for %s" % (seconds, what))
            time.sleep(0.2)

    def kill(self, kind):
        if kind == "restart" and not self.supervised:
            self.readd()
        pid = self.server_pid()
        if pid is None or not self.alive(pid):
            raise Failure("no live server for /dev/ublkb%d before the kill" % self.dev_id)
        sup, cmdline = self.parent(pid)
        kinds = collections.Counter(op.kind for op in self.locks.in_flight())
        try:
            with open("/sys/block/ublkb%d/inflight" % self.dev_id) as f:
                kr, kw = f.read().split()
        except (OSError, ValueError):
            kr = kw = "?"
        inflight = "%s (kernel: %s reads, %s writes)" % (
            " ".join("%s=%d" % kv for kv in sorted(kinds.items())) or "none", kr, kw)
        if self.a.cache_args:
            inflight += "; cache: " + self.dirty_at_kill()
        self.kill_inflight.append(inflight)
        t0 = time.monotonic()
        if kind == "restart":
            if not (sup and " supervise " in cmdline):
                raise Failure("the server (pid %d) has no supervisor: parent %s '%s'" % (pid, sup, cmdline[:200]))
            self.log("KILL (restart) #%d: kill -9 server pid %d (supervisor %d stays); in flight: %s"
                     % (self.events["kill_restart"] + 1, pid, sup, inflight))
            os.kill(pid, signal.SIGKILL)
            self.wait_for("server %d to die" % pid, 30, lambda: not self.alive(pid))
            def recovered():
                now = self.server_pid()
                return now is not None and now != pid and self.alive(now)
            self.wait_for("the supervisor to recover the device", 240, recovered)
        else:
            killed = [pid]
            if sup and " supervise " in cmdline:
                os.kill(sup, signal.SIGKILL)  # first: it must not restart the server
                killed.insert(0, sup)
                self.wait_for("supervisor %d to die" % sup, 30, lambda: not self.alive(sup))
            self.log("KILL (recover) #%d: kill -9 %s; in flight: %s"
                     % (self.events["kill_recover"] + 1,
                        " and ".join("%s pid %d" % (n, p) for n, p in zip(("supervisor", "server")[2 - len(killed):], killed)),
                        inflight))
            os.kill(pid, signal.SIGKILL)
            self.wait_for("server %d to die" % pid, 30, lambda: not self.alive(pid))
            self.supervised = False
            for attempt in range(1, 5):
                p = self.ublks3(["recover", "-n", str(self.dev_id)], timeout=240, check=False)
                if p.returncode == 0 and p.stdout.strip().endswith("/dev/ublkb%d" % self.dev_id):
                    break
                if attempt == 4:
                    raise Failure("'ublk-s3 recover -n %d' failed 4 times" % self.dev_id)
                time.sleep(attempt)
        took = time.monotonic() - t0
        self.recovery_times.append(took)
        self.events["kill_" + kind] += 1
        self.log("  live again in %.1f s, server pid %s" % (took, self.server_pid()))

    def dirty_at_kill(self):
        """What the device's cache held unwritten just before a kill, from the server's own stats."""
        try:
            cache = json.loads(self.control("stats-json", "/run/ublk-s3/%d.sock" % self.dev_id))["cache"]
        except (Failure, ValueError, KeyError, subprocess.TimeoutExpired) as e:
            self.events["kill_dirty_unknown"] += 1
            return "dirty unknown (%s)" % e
        if cache["dirty_objects"] > 0:
            self.events["kill_dirty"] += 1
            self.dirty_bytes_at_kills_max = max(self.dirty_bytes_at_kills_max, cache["dirty_bytes"])
        return "%d dirty objects, %d dirty bytes, oldest %d ms" % (
            cache["dirty_objects"], cache["dirty_bytes"], cache["oldest_dirty_ms"])

    def readd(self):
        """Pauses the workers, deletes the device and adds it again with --restart (a supervisor again)."""
        self.log("RE-ADD: pausing the workers; del and add --restart (a supervisor for the next restart kill)")
        t0 = time.monotonic()
        self.pause(300)
        try:
            self.ublks3(["del", "-n", str(self.dev_id)], timeout=300)
            self.add(restart=True)
        finally:
            self.resume()
        self.events["readd"] += 1
        self.log("  re-added in %.1f s" % (time.monotonic() - t0))

    def control(self, command, socket_path=None):
        p = subprocess.run([sys.executable, self.a.control_cmd, socket_path or self.a.control, command],
                           capture_output=True, text=True, timeout=30)
        if p.returncode != 0:
            raise Failure("control %s: %s" % (command, (p.stderr or p.stdout).strip()))
        return p.stdout.strip()

    def store_down(self, seconds):
        self.log("STORE DOWN for %.1f s (the endpoint answers 503 / resets); %d ops in flight"
                 % (seconds, len(self.locks.in_flight())))
        self.control("down")
        try:
            time.sleep(seconds)
        finally:
            self.control("up")
        self.events["store_down"] += 1
        self.down_seconds += seconds
        self.log("  store up again")

    # ---- the run ----
    def health(self, last):
        """Fails on a hang: an operation in flight for longer than --op-timeout."""
        inflight = self.locks.in_flight()
        now = self.now()
        old = [op for op in inflight if op.t0 is not None and now - op.t0 > self.a.op_timeout]
        if old:
            extra = ""
            if self.dev_id is not None:
                try:
                    with open("/sys/block/ublkb%d/inflight" % self.dev_id) as f:
                        extra = "; kernel in flight (reads writes): " + f.read().strip()
                except OSError:
                    pass
            self.fail(EXIT_HANG, "HANG: %d ops in flight for more than %d s%s:\n  %s"
                      % (len(old), self.a.op_timeout, extra, "\n  ".join(map(str, inflight))))
        if now - last >= 30:
            self.progress()
            return now
        return last

    def progress(self):
        with self.stats_lock:
            s = dict(self.stats)
        self.log("progress: %s; written %.1f MiB, read %.1f MiB; kills %d, store down %d; in flight %d"
                 % (", ".join("%s %d" % (k, s.get(k, 0)) for k in KINDS), s.get("bytes_written", 0) / MIB,
                    s.get("bytes_read", 0) / MIB, self.events["kill_restart"] + self.events["kill_recover"],
                    self.events["store_down"], len(self.locks.in_flight())))

    def main(self):
        a = self.a
        device_mode = a.ublk_s3 is not None
        self.log("soak: seed %d, %s s, %d workers, object size %d%s"
                 % (a.seed, a.seconds, a.workers, a.object_size,
                    ", target %s" % a.target if a.target else ", ublk-s3 device: add %s" % a.add_args))
        self.target = Target(a.target, a.object_size, not device_mode)
        if device_mode:
            dev = self.add(restart=True)
            self.log("device %s (supervised: add --restart)" % dev)
            q = "/sys/block/ublkb%d/queue/" % self.dev_id
            limits = {}
            for name in ("logical_block_size", "physical_block_size", "chunk_sectors", "max_sectors_kb",
                         "discard_granularity", "discard_max_bytes", "max_discard_segments", "write_zeroes_max_bytes"):
                try:
                    with open(q + name) as f:
                        limits[name] = int(f.read())
                except (OSError, ValueError):
                    limits[name] = None
            self.log("queue limits: " + ", ".join("%s=%s" % kv for kv in limits.items()))
            if limits["discard_granularity"] != a.object_size:
                raise Failure("discard_granularity %s is not the object size %d: the model's trim would be wrong"
                              % (limits["discard_granularity"], a.object_size))
        size = self.target.size()
        if size % a.object_size:
            raise Failure("target size %d is not a multiple of the object size %d" % (size, a.object_size))
        self.model = Model(size, a.object_size)
        self.locks = RangeLock(a.object_size)
        ctl_rng = random.Random("%d:controller" % a.seed)
        hot_objects = min(8, size // a.object_size)
        h = ctl_rng.randrange(0, size // a.object_size - hot_objects + 1) * a.object_size
        self.hot = (h, h + hot_objects * a.object_size)
        self.log("size %d (%d objects); hot region [0x%x, 0x%x)" % (size, size // a.object_size, *self.hot))
        if not device_mode:
            # the file starts as the model does: zeros
            fd = self.target.open()
            self.target.zero(fd, 0, size)
            os.close(fd)
        if self.injection:
            self.inject_at = self.now() + a.seconds * 0.4
        for i in range(a.workers):
            t = threading.Thread(target=self.worker, args=(i,), name="worker-%d" % i, daemon=True)
            self.workers.append(t)
            t.start()
        t_work = self.t_work = self.now()  # the run's time counts from here (a JVM start under emulation can take a minute)
        end = t_work + a.seconds
        next_kill = t_work + ctl_rng.uniform(*a.kill_interval) if device_mode and a.kill_interval else float("inf")
        next_down = (t_work + ctl_rng.uniform(*a.down_interval) if device_mode and a.control and a.down_interval
                     else float("inf"))
        kinds = ["restart", "recover"]
        kills = 0
        next_readd = float("inf")  # after a recover kill: half-way to the next kill, so that kill hits a warm server
        last = 0.0
        try:
            while not self.stop.is_set() and self.now() < end:
                last = self.health(last)
                if self.injection == "flip" and self.injected is None and self.now() >= self.inject_at:
                    self.inject_flip(ctl_rng)
                t = self.now()
                if t >= next_kill:
                    if t < end - 20:
                        self.kill(kinds[kills % 2])
                        kills += 1
                    next_kill = self.now() + ctl_rng.uniform(*a.kill_interval)
                    if not self.supervised:
                        next_readd = self.now() + (next_kill - self.now()) / 2
                elif t >= next_readd:
                    if t < end - 20:
                        self.readd()
                        next_kill = max(next_kill, self.now() + a.kill_interval[0] / 2)
                    next_readd = float("inf")
                elif t >= next_down:
                    if t < end - 20:
                        self.store_down(ctl_rng.uniform(*a.down_seconds))
                    next_down = self.now() + ctl_rng.uniform(*a.down_interval)
                time.sleep(0.05 if not device_mode else 0.5)
        except Failure as e:
            self.fail(EXIT_ERROR, str(e))
        except Exception:
            self.fail(EXIT_ERROR, "controller: " + traceback.format_exc())
        self.stop.set()
        self.resume()
        self.t_stop = self.now()
        self.log("stopping the workers")
        deadline = time.monotonic() + a.op_timeout
        for t in self.workers:
            while t.is_alive() and time.monotonic() < deadline:
                t.join(1)
                self.health(self.now())
        if any(t.is_alive() for t in self.workers):
            self.fail(EXIT_HANG, "HANG: workers still in I/O after %d s: %s"
                      % (a.op_timeout, "; ".join(map(str, self.locks.in_flight()))))
            return self.finish(device_mode)
        self.progress()
        self.final(device_mode)
        if a.cache_args and not self.events["kill_dirty"]:
            self.fail(EXIT_ERROR, "no kill found unwritten data in the cache (%d kills): the run tested no kill "
                      "during writeback; run longer or kill more often (SOAK_KILL_INTERVAL)"
                      % (self.events["kill_restart"] + self.events["kill_recover"]))
        return self.finish(device_mode)

    def final(self, device_mode):
        """Flush; then compare every byte with the model, after del + add again in device mode (persistence)."""
        try:
            fd = self.target.open()
            self.target.flush(fd)
            os.close(fd)
            self.count(final_flush=1)
            if self.failed and self.failed[0] != EXIT_MISMATCH:
                return
            what = "final verify"
            if device_mode and not self.failed:
                if self.a.cache_args:
                    self.log("final: sync (every write in the store), del, add again without the cache, "
                             "read the whole device (the store alone)")
                    self.ublks3(["sync", "-n", str(self.dev_id), "--timeout", "10m"], timeout=660)
                else:
                    self.log("final: del, add again on the same bucket and key, read the whole device")
                self.ublks3(["del", "-n", str(self.dev_id)], timeout=600)
                self.add(restart=False, cache=False)
                what = "final verify after del + add (persistence)"
            elif device_mode:
                what = "verify of the live device after the mismatch"
            t0 = time.monotonic()
            n, runs = self.verify_all(what)
            self.count(bytes_verified=n)
            self.log("%s: %.1f MiB in %.1f s, %d differing run(s)" % (what, n / MIB, time.monotonic() - t0, runs))
            if runs:
                with self.out_lock:
                    self.mismatches += runs
                self.fail(EXIT_MISMATCH, "%s found %d differing run(s)" % (what, runs))
            if device_mode and not self.failed:
                self.ublks3(["del", "-n", str(self.dev_id)], timeout=600)
                self.dev_id = None
        except Exception as e:
            self.fail(EXIT_ERROR, "final phase: %s" % (e if isinstance(e, (Failure, OSError)) else traceback.format_exc()))

    def finish(self, device_mode):
        a = self.a
        faults = counts = None
        if device_mode and a.control:
            try:
                faults = json.loads(self.control("faults").splitlines()[0])
                counts = json.loads(self.control("counts").splitlines()[0])
            except (Failure, ValueError, IndexError, subprocess.TimeoutExpired) as e:
                self.log("cannot read the endpoint's counters: %s" % e, err=True)
        with self.stats_lock:
            s = dict(self.stats)
        summary = {
            "seed": a.seed, "seconds": a.seconds, "wall_seconds": round(self.now(), 1), "workers": a.workers,
            "worker_seconds": round(getattr(self, "t_stop", 0) - getattr(self, "t_work", 0), 1),
            "size": self.model.size if hasattr(self, "model") else None, "object_size": a.object_size,
            "ops": {k: s.get(k, 0) for k in KINDS},
            "bytes_written": s.get("bytes_written", 0), "bytes_read": s.get("bytes_read", 0),
            "bytes_trimmed": s.get("bytes_trimmed", 0), "bytes_zeroed": s.get("bytes_zeroed", 0),
            "bytes_verified": s.get("bytes_verified", 0),
            "same_object_concurrent_ops": self.locks.same_object if hasattr(self, "locks") else 0,
            "kills": {"restart": self.events["kill_restart"], "recover": self.events["kill_recover"]},
            "ops_in_flight_at_kills": self.kill_inflight,
            "recovery_seconds_max": round(max(self.recovery_times), 1) if self.recovery_times else None,
            "cache": {"kills_with_dirty_data": self.events["kill_dirty"],
                      "kills_dirty_unknown": self.events["kill_dirty_unknown"],
                      "dirty_bytes_at_kills_max": self.dirty_bytes_at_kills_max}
            if a.cache_args else None,
            "readds": self.events["readd"],
            "store_down": {"times": self.events["store_down"], "seconds": round(self.down_seconds, 1)},
            "faults_injected_by_store": faults,
            "store_requests": counts.get("requests") if counts else None,
            "injected_into_file": self.injected,
            "io_errors": self.io_errors, "mismatches": self.mismatches,
            "result": "PASS" if not self.failed else "FAIL: " + self.failed[1].splitlines()[0],
        }
        if self.results:
            with open(os.path.join(self.results, "summary.json"), "w") as f:
                json.dump(summary, f, indent=1)
        o = summary["ops"]
        line = ("SOAK SUMMARY seed=%d wall=%.0fs ops: %s (total %d); written %.1f MiB, read %.1f MiB (+%.1f MiB final verify); "
                "trimmed %.1f MiB, zeroed %.1f MiB; same-object concurrent ops %d"
                % (a.seed, summary["wall_seconds"], " ".join("%s=%d" % (k, o[k]) for k in KINDS), sum(o.values()),
                   summary["bytes_written"] / MIB, summary["bytes_read"] / MIB, summary["bytes_verified"] / MIB,
                   summary["bytes_trimmed"] / MIB, summary["bytes_zeroed"] / MIB, summary["same_object_concurrent_ops"]))
        if device_mode:
            line += ("; kills survived: restart=%d recover=%d (longest recovery %ss); re-adds %d; "
                     "store down %d times (%.0f s); store faults injected %s"
                     % (summary["kills"]["restart"], summary["kills"]["recover"], summary["recovery_seconds_max"], summary["readds"], summary["store_down"]["times"],
                        summary["store_down"]["seconds"],
                        "%d %s" % (faults["total"], json.dumps(faults["injected"], separators=(",", ":"))) if faults else "?"))
        if a.cache_args:
            line += ("; cache (writeback): kills with dirty data %d (up to %.1f MiB dirty)"
                     % (self.events["kill_dirty"], summary["cache"]["dirty_bytes_at_kills_max"] / MIB))
        line += "; I/O errors %d; mismatches %d; %s" % (self.io_errors, self.mismatches, summary["result"])
        self.log(line)
        if self.opsf:
            self.opsf.close()
        return self.failed[0] if self.failed else 0


def interval(text):
    lo, _, hi = text.partition(":")
    lo, hi = float(lo), float(hi or lo)
    if lo <= 0 or hi < lo:
        raise argparse.ArgumentTypeError("give MIN:MAX seconds, 0 < MIN <= MAX")
    return lo, hi


def self_check(a):
    """The driver against a temporary file: a clean run passes, and every injected fault is caught."""
    ok = True
    with tempfile.TemporaryDirectory(prefix="soak-self-check.") as d:
        for kind in ("none",) + INJECTIONS:
            f = os.path.join(d, "disk")
            with open(f, "wb") as fh:
                fh.truncate(4 * MIB)
            cmd = [sys.executable, os.path.abspath(__file__), "--target", f, "--seconds", "1.5", "--seed", str(a.seed)]
            if kind != "none":
                cmd += ["--inject", kind]
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
            want = 0 if kind == "none" else EXIT_MISMATCH
            good = p.returncode == want and (kind == "none" or "MISMATCH at offset" in p.stderr)
            ok &= good
            print("self-check %-10s exit %d (want %d): %s" % (kind, p.returncode, want, "ok" if good else "WRONG"))
            if not good:
                sys.stdout.write(p.stdout[-3000:] + p.stderr[-3000:])
    print("self-check: " + ("ok" if ok else "FAILED"))
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--target", help="a block device or a regular file (file mode); device mode sets it")
    ap.add_argument("--seconds", type=float, default=600, help="how long the workers run (default 600)")
    ap.add_argument("--seed", type=int, default=None, help="the seed of every random choice (default: random)")
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--object-size", type=int, default=64 * KIB, help="bytes (default 65536)")
    ap.add_argument("--results", help="folder for soak.log, ops.log, mismatches.log, summary.json")
    ap.add_argument("--op-timeout", type=float, default=300, help="an operation in flight longer is a hang (s)")
    ap.add_argument("--inject", choices=INJECTIONS, help="file mode: hide one fault from the model (must be caught)")
    ap.add_argument("--self-check", action="store_true", help="run the clean and injected file runs; exit 0 if right")
    g = ap.add_argument_group("device mode")
    g.add_argument("--ublk-s3", help="the ublk-s3 command (a shell word list)")
    g.add_argument("--add-args", help="the 'ublk-s3 add' arguments of the device (without --restart/--number)")
    g.add_argument("--cache-args", help="the device's cache arguments of 'ublk-s3 add' (--cache DIR ...): on every "
                   "add but the persistence check's")
    g.add_argument("--kill-interval", type=interval, default=(45, 90), help="MIN:MAX s between kills (default 45:90)")
    g.add_argument("--control", help="the S3 endpoint's control socket (store down/up, fault counters)")
    g.add_argument("--control-cmd", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bin", "control"))
    g.add_argument("--down-interval", type=interval, default=(100, 160), help="MIN:MAX s between store outages")
    g.add_argument("--down-seconds", type=interval, default=(3, 8), help="MIN:MAX s of one outage (default 3:8)")
    a = ap.parse_args()
    if a.seed is None:
        a.seed = random.SystemRandom().randrange(1 << 31)
    if a.self_check:
        return self_check(a)
    if (a.ublk_s3 is None) == (a.target is None):
        ap.error("give --target FILE (file mode) or --ublk-s3 CMD --add-args ARGS (device mode)")
    if a.ublk_s3 is not None and not a.add_args:
        ap.error("device mode needs --add-args")
    if a.inject and a.ublk_s3:
        ap.error("--inject is for file mode")
    if a.object_size % 4096 or a.object_size & (a.object_size - 1):
        ap.error("--object-size must be a power of two, at least 4096")
    soak = Soak(a)
    try:
        return soak.main()
    except Exception as e:
        soak.fail(EXIT_ERROR, str(e) if isinstance(e, Failure) else traceback.format_exc())
        return soak.finish(a.ublk_s3 is not None)


if __name__ == "__main__":
    sys.exit(main())
