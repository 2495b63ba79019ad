"""Tests of benchmarks/src/main/python/side_by_side_report.py on a synthetic results directory shaped as
benchmarks/vm/side-by-side-guest.sh writes it: three conditions, ublk-s3 and nbd, every workload, fio.json built from
real fio 3.33 JSON outputs (fixtures/), fs.json, store.json, cost.json, ublk-s3's client-stats, one failed run and
one timed-out run; then the same with the cache stack (ublk-s3-cache) and the zfs-walks workload added. Run: /usr/bin/python3 -B -m unittest discover -s benchmarks/src/test/python
(needs python3-matplotlib; not part of the Maven build). Renders only into temporary folders."""
import contextlib
import copy
import io
import json
import os
import shutil
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "main", "python"))
import side_by_side_report as report  # noqa: E402

MIB = 1024 * 1024
FIO_SECONDS = 15
FIO_JOBS = {  # workload: (rw, block size, iodepth)
    "randread-4k-qd1": ("randread", 4096, 1), "randread-4k-qd32": ("randread", 4096, 32),
    "randwrite-4k-qd1": ("randwrite", 4096, 1), "randwrite-4k-qd32": ("randwrite", 4096, 32),
    "randwrite-4k-once": ("randwrite", 4096, 1), "write-512k": ("write", 524288, 16), "read-512k": ("read", 524288, 16),
    "write-128k": ("write", 131072, 16), "read-128k": ("read", 131072, 16),
}


# ------------------------------------------------------------------------------------------------ the synthetic results

def fixture(name):
    with open(os.path.join(HERE, "fixtures", name)) as f:
        return json.load(f)


def fio_doc(workload, iops, p50_ms, mean_ms=None, p99_ms=None):
    """fio 3.33's --output-format=json output of a time-based job of the workload, with these numbers."""
    rw, bs, depth = FIO_JOBS[workload]
    reads = "read" in rw
    doc = copy.deepcopy(fixture("fio-read-128k.json" if reads else "fio-randwrite-4k-qd1.json"))
    job = doc["jobs"][0]
    job["jobname"] = job["job options"]["name"] = workload
    job["job options"].update(rw=rw, bs=str(bs), iodepth=str(depth), runtime=str(FIO_SECONDS))
    job["job_runtime"] = FIO_SECONDS * 1000
    d = job["read" if reads else "write"]
    ios = int(iops * FIO_SECONDS)
    d.update(iops=float(iops), bw_bytes=int(iops * bs), bw=int(iops * bs / 1024), io_bytes=ios * bs,
             io_kbytes=ios * bs // 1024, total_ios=ios, runtime=FIO_SECONDS * 1000)
    clat = d["clat_ns"]
    clat.update(N=ios, mean=(mean_ms if mean_ms is not None else p50_ms * 1.1) * 1e6)
    clat["percentile"]["50.000000"] = int(p50_ms * 1e6)
    clat["percentile"]["99.000000"] = int((p99_ms if p99_ms is not None else p50_ms * 3) * 1e6)
    return doc


def store(get=0, put=0, lst=0, delete=0, delete_objects=0, keys=0, rmw=0):
    """The S3 server's counts (ServerRequestCounts.toJson)."""
    return {"requests": {"GET": get, "PUT": put, "LIST": lst, "DELETE": delete, "DELETE_OBJECTS": delete_objects,
                         "HEAD": 0, "OTHER": 0},
            "keysDeleted": keys, "bytesIn": put * 65536, "bytesOut": get * 65536, "readModifyWrite": rmw,
            "getSizes": {"65536": get} if get else {}, "putSizes": {"4096": 1, "65536": put - 1} if put else {},
            "getAlignment": {"object start": get, "4K": 0, "512": 0, "unaligned": 0}}


def cost(cpu_seconds, mib, processes=1, seconds=17.0):
    return {"cpu_seconds": cpu_seconds, "bytes": int(mib * MIB), "seconds": seconds, "processes": processes}


def latency(count=0, p50_us=0, mean_us=0):
    """A latency summary in ns as StorageStats and the queue hops write it."""
    ns = lambda us: int(us * 1000)
    return {"count": count, "p50": ns(p50_us), "p90": ns(p50_us * 1.5), "p99": ns(p50_us * 3),
            "p99_9": ns(p50_us * 4), "max": ns(p50_us * 5), "mean": ns(mean_us)}


def client_stats(read=None, target=None, back=None, get=None, rmw=0):
    """`ublk-s3 stats --json`: the storage stack's JSON plus "queue"; read (the block reads), target, back (the
    queue's return hop), get: (count, p50 µs, mean µs)."""
    def block_op(lat=None):
        return {"ops": lat[0] if lat else 0, "errors": 0, "bytes": 0, "total_ns": 0, "straddling": 0, "partial": 0,
                "fua": 0, "latency_ns": latency(*(lat or ())), "size_log2": {}, "alignment_log2": {}}

    def store_call(lat=None):
        return {"ops": lat[0] if lat else 0, "errors": 0, "retries": 0, "bytes": 0, "objects": 0, "total_ns": 0,
                "latency_ns": latency(*(lat or ()))}

    def hops(t=None, b=None):
        hop = lambda h: {k: v for k, v in latency(*(h or ())).items() if k != "p99_9"}
        return {"target_ns": hop(t), "return_ns": hop(b)}

    return {"elapsed_ns": 60_000_000_000, "object_size": 65536, "read_modify_write_cycles": rmw,
            "patched_in_memory": 0, "absent_written": 0,
            "block": {"read": block_op(read), "write": block_op(), "trim": block_op(), "zero": block_op(),
                      "flush": block_op()},
            "store": {c: store_call(get if c == "get" else None)
                      for c in ("get", "put", "list", "delete", "delete_batch")},
            "queue": {"read": hops(target, back), "write": hops(), "flush": hops(), "discard": hops(),
                      "write_zeroes": hops()}}


def fs_doc(phases, files=1002, mib=40):
    return {"phases": phases, "files": files, "bytes": int(mib * MIB)}


def put(path, name, content):
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, name), "w") as f:
        f.write(content if isinstance(content, str) else json.dumps(content, indent=2))


class Results:
    """Writes runs/<cond>/<workload>/<stack>/ files; every run 'ok' unless told otherwise."""

    def __init__(self, root):
        self.root = root

    def run(self, cond, workload, stack, status="ok\n", **files):
        """files: name=content, the name spelled as a keyword (fio_json: fio.json, client_stats_0_json:
        client-stats-0.json)."""
        path = os.path.join(self.root, "runs", cond, workload, stack)
        put(path, "status", status)
        for name, content in files.items():
            put(path, name.replace("_", "-").replace("-json", ".json"), content)


# The numbers the tests check, per condition: (ours, theirs)
QD32_READ_IOPS = {"local": (900, 600), "datacenter": (1400, 400), "home": (60, 50)}    # datacenter 3.5x: met
QD32_WRITE_IOPS = {"local": (300, 250), "datacenter": (600, 400), "home": (20, 20)}    # datacenter 1.5x: not met
QD1_P50_MS = {"local": (0.9, 1.2), "datacenter": (21.5, 21.0), "home": (26.0, 26.0)}   # met, not met, met (equal)
FS_TOTALS = {"local": (10.0, 20.0), "datacenter": (30.0, 25.0)}                       # met, not met; home: nbd timeout
ZFS_WALK = {"local": (2.0, 3.0), "datacenter": (5.0, 4.0)}                            # met, not met; home: ours failed
# ublk-s3's QD1 read, per condition: fio (p50, mean) µs; target, block read, GET, return: (count, p50, mean) µs
QD1_CLIENT = {
    "local": dict(fio=(900, 1000), target=(16000, 650, 700), read=(16000, 600, 640), get=(9000, 550, 600),
                  back=(16000, 40, 50)),
    "datacenter": dict(fio=(21500, 22000), target=(700, 20800, 21000), read=(700, 20700, 20900),
                       get=(700, 20600, 20800), back=(700, 60, 80)),
    "home": dict(fio=(26000, 27000), target=(600, 25000, 25500), read=(600, 24900, 25400), get=(600, 24800, 25300),
                 back=(600, 70, 90)),
}


def cpu_pair(cond, workload):
    """(ours, theirs) CPU seconds over 100 MiB through the devices: ublk-s3 half of nbd's, except randwrite-4k-qd1 on
    datacenter, where it is 1.5 times nbd's."""
    if (cond, workload) == ("datacenter", "randwrite-4k-qd1"):
        return 3.0, 2.0
    return 1.0, 2.0


def build_results(root):
    """local: everything ok; datacenter: everything ok, some targets not met; home: zfs failed on ublk-s3 (with a
    faster walk than nbd's, which must not count), fs-backup timed out on nbd."""
    put(root, "machine.txt", "\n".join([
        "date: 2026-12-01 10:00 UTC", "command: benchmarks/bin/side-by-side",
        "host cpu: Test CPU, 2 cores", "fio: fio-3.33",
        "S3 servers: ublk-s3 local-s3 on the host (native), objects in memory, in the run's network namespace, "
        "reached by the guest over a tap device and virtio-net",
        "guest memory: 3.8 GiB, 2 CPUs (qemu TCG)", "S3 server pid 123: 45.6 CPU seconds on the host", ""]))
    res = Results(root)
    for cond in report.CONDITIONS:
        fill_fio(res, cond)
        fill_fs(res, cond)
        put(os.path.join(root, "runs", cond, "raw-put", "crt"), "raw.json",
            {"objects": 1024, "objectSize": 65536, "concurrency": 64, "seconds": 4.0, "bytesPerSecond": 16.0 * MIB})
        put(os.path.join(root, "runs", cond, "raw-put", "crt"), "status", "ok\n")


TWO_STACKS = (report.OURS, report.THEIRS)  # the runs before the cache stack; the cache's tests add it


def fill_fio(res, cond):
    for wl in FIO_JOBS:
        for i, stack in enumerate(TWO_STACKS):
            if wl == "randread-4k-qd32":
                iops, p50 = QD32_READ_IOPS[cond][i], 20.0
            elif wl == "randwrite-4k-qd32":
                iops, p50 = QD32_WRITE_IOPS[cond][i], 40.0
            elif wl == "randread-4k-qd1":
                p50 = QD1_P50_MS[cond][i]
                iops = 1000 / p50
            else:
                iops, p50 = (200, 5.0) if i == 0 else (100, 10.0)
            files = {"fio_json": fio_doc(wl, iops, p50), "store_json": store(get=40, put=40 if "write" in wl else 0),
                     "cost_json": cost(cpu_pair(cond, wl)[i], 100)}
            if wl == "randread-4k-qd1" and stack == report.OURS:
                q = QD1_CLIENT[cond]
                files["fio_json"] = fio_doc(wl, iops, q["fio"][0] / 1000, q["fio"][1] / 1000)
                files["client_stats_json"] = client_stats(q["read"], q["target"], q["back"], q["get"])
            elif stack == report.OURS:
                files["client_stats_json"] = client_stats(rmw=7)  # cumulative: not shown for fio runs
            res.run(cond, wl, stack, **files)


def fill_fs(res, cond):
    for i, stack in enumerate(TWO_STACKS):
        total = FS_TOTALS.get(cond, (10.0, 20.0))[i]
        phases = {"mkfs": 0.1 * total, "copy": 0.4 * total, "sync": 0.3 * total, "umount": 0.1 * total,
                  "walk": 0.1 * total}
        status = "timeout after 900.012 s\n" if (cond, stack) == ("home", "nbd") else "ok\n"
        if status != "ok\n":
            phases = {"mkfs": 1.0, "copy": 2.0}
        extra = {"client_stats_json": client_stats(rmw=3)} if stack == report.OURS else {}
        res.run(cond, "fs-backup", stack, status, fs_json=fs_doc(phases), store_json=store(get=10, put=500, lst=2),
                cost_json=cost(cpu_pair(cond, "fs-backup")[i], 100), **extra)

        walk = ZFS_WALK.get(cond, (0.5, 2.0))[i]
        phases = {"create": 1.0, "copy": 4.0, "sync": 2.0, "export": 1.0, "import": 3.0, "walk": walk}
        failed = (cond, stack) == ("home", "ublk-s3")
        status = "failed: exit 1: cannot export 'bench': pool is busy\n" if failed else "ok\n"
        extra = {}
        if stack == report.OURS:  # two devices: data and special
            extra = {"client_stats_json": client_stats(rmw=4), "client_stats_0_json": client_stats(rmw=4),
                     "client_stats_1_json": client_stats(rmw=5)}
        res.run(cond, "zfs", stack, status, fs_json=fs_doc(phases, files=701, mib=12),
                store_json=store(get=20, put=300), cost_json=cost(cpu_pair(cond, "zfs")[i], 100, processes=2),
                **extra)


# -------------------------------------------------------------------------------------------------------------- helpers

def table_after(text, heading):
    """The rows (lists of cells, header first) of the first Markdown table after a line starting with heading."""
    lines = text.split("\n")
    i = next(n for n, line in enumerate(lines) if line.startswith(heading))
    while not lines[i].startswith("|"):
        i += 1
    rows = []
    while i < len(lines) and lines[i].startswith("|"):
        if not lines[i].startswith("|---"):
            rows.append([c.strip() for c in lines[i].strip().strip("|").split("|")])
        i += 1
    return rows


def by_first_cells(rows, n=1):
    """{first n cells joined by ' / ': the other cells}."""
    return {" / ".join(r[:n]): r[n:] for r in rows[1:]}


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


class RenderedResults(unittest.TestCase):
    """A results directory of the class's build(root), loaded and rendered without charts; no tests of its own."""

    @staticmethod
    def build(root):
        build_results(root)

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="sbs-report-test-")
        cls.results = os.path.join(cls.tmp, "results")
        cls.build(cls.results)
        cls.data = report.load(cls.results)
        cls.section, _ = report.render(cls.data, os.path.join(cls.tmp, "docs"), os.path.join(cls.tmp, "img"),
                                       charts=False)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)


class SideBySideReportTest(RenderedResults):
    def workload_table(self, cond, workload):
        raw = self.data["raw"].get(cond) if workload in report.SEQUENTIAL_WRITES else None
        rows = report.workload_table(self.data["runs"][cond][workload], raw, report.present(self.data["runs"]))
        return {cells[0]: cells[1:] for cells in ([c.strip() for c in r.strip("|").split("|")] for r in rows[2:])}

    def run_main(self, doc, img):
        with contextlib.redirect_stderr(io.StringIO()):  # its one line of progress
            self.assertEqual(0, report.main([self.results, "--doc", doc, "--img-dir", img]))

    def targets(self):
        return by_first_cells(table_after(self.section, "### Targets"), 2)

    # -- sections

    def test_sections_and_conditions(self):
        for heading in ("## Side by side", "### Summary", "### Targets",
                        "### Where a QD1 4 KiB read spends its time in ublk-s3", "### zfs: ", "### fs-backup: ",
                        "### randread-4k-qd1: ", "### Request sizes and alignment"):
            self.assertIn("\n" + heading, "\n" + self.section)
        for cond in ("local", "datacenter", "home"):
            self.assertIn(f"**{cond}** ({report.CONDITION_TEXT[cond]})", self.section)
        self.assertIn("**datacenter** (20 ms per request, no bandwidth cap)", self.section)
        self.assertNotIn("cloud", self.section)
        self.assertNotIn("loopback", self.section)
        self.assertIn("natively on the host", self.section)
        self.assertIn("tap device", self.section)
        self.assertIn("- S3 server pid 123: 45.6 CPU seconds on the host", self.section)

    def test_summary_has_cpu_per_mib_columns(self):
        rows = table_after(self.section, "### Summary")
        self.assertEqual(["workload", "condition", "ublk-s3", "nbdkit+nbd", "speed ratio", "S3 requests ratio",
                          "CPU s per MiB, ublk-s3", "CPU s per MiB, nbdkit+nbd", "CPU ratio, ublk-s3/nbdkit+nbd"],
                         rows[0])
        s = by_first_cells(rows, 2)
        # 1.0 and 2.0 CPU s over 100 MiB; ours/theirs
        self.assertEqual(["0.010", "0.020", "0.50"], s["read-512k / local"][4:])
        self.assertEqual(["0.030", "0.020", "1.50"], s["randwrite-4k-qd1 / datacenter"][4:])
        self.assertEqual(["10.00 s", "20.00 s", "2.00", "1.00", "0.010", "0.020", "0.50"], s["fs-backup / local"])
        # the failed zfs run: no speed, no CPU ratio
        self.assertEqual(["failed", "13.00 s", "", "", "failed", "0.020", ""], s["zfs / home"])
        self.assertEqual(["10.00 s", "timeout", "", ""], s["fs-backup / home"][:4])

    def test_without_the_cache_stack_nothing_of_it_shows(self):
        self.assertNotIn("### The cache", self.section)
        self.assertNotIn("--cache", self.section)
        self.assertNotIn("upload (s)", self.workload_table("local", "zfs"))
        header = table_after(self.section, "### write-128k: ")[0]
        self.assertEqual(["metric", "ublk-s3", "nbdkit+nbd", "ratio"], header)

    # -- per workload

    def test_workload_table_ratios(self):
        t = self.workload_table("local", "write-128k")
        self.assertEqual(["200", "100", "2.00"], t["IOPS"])  # higher is better: ours / theirs
        self.assertEqual(["15.00", "30.00", "2.00"], t["latency p99 (ms)"])  # lower is better: theirs / ours
        self.assertEqual(["0.010", "0.020", "0.50"],
                         t["CPU s per MiB (ratio: ublk-s3/nbdkit+nbd, lower is better)"])  # ours / theirs
        self.assertEqual(["1.00", "2.00", ""], t["CPU s of the serving processes"])
        self.assertEqual(["100.0", "100.0", ""], t["MiB through the devices"])
        self.assertEqual(["40", "40", "1.00"], t["PUT requests"])
        self.assertEqual(["1.56", "0.78", ""], t["MiB/s ÷ raw CRT PUTs (16.00 MiB/s)"])
        self.assertNotIn("read-modify-write cycles (ublk-s3's own count)", t)  # cumulative on fio's device

    def test_fs_tables_have_their_phases(self):
        z = self.workload_table("local", "zfs")
        for phase in ("create", "copy", "sync", "export", "import", "walk"):
            self.assertIn(f"{phase} (s)", z)
        self.assertEqual(["13.00", "14.00", "1.08"], z["total (s)"])
        self.assertEqual(["9", "–", ""], z["read-modify-write cycles (ublk-s3's own count)"])  # both devices
        f = self.workload_table("datacenter", "fs-backup")
        self.assertEqual(["mkfs (s)", "copy (s)", "sync (s)", "umount (s)", "walk (s)", "total (s)"], list(f)[:6])
        self.assertEqual(["30.00", "25.00", "0.83"], f["total (s)"])
        failed = self.workload_table("home", "zfs")
        self.assertEqual(["0.500", "2.00", "4.00"], failed["walk (s)"])  # phases that ran are shown
        self.assertEqual(["failed", "13.00", ""], failed["total (s)"])
        self.assertIn("ublk-s3: failed: exit 1: cannot export 'bench': pool is busy.", self.section)

    # -- targets

    def test_targets_met_and_not_met(self):
        t = self.targets()
        self.assertEqual(["1,400", "400", "3.50", "≥ 3", "met"],
                         t["4 KiB random read, QD32: IOPS at least 3x nbd's / datacenter"])
        self.assertEqual(["600", "400", "1.50", "≥ 2", "not met"],
                         t["4 KiB random write, QD32: IOPS at least 2x nbd's / datacenter"])
        p50 = "QD1 4 KiB read: fio p50 (ms) no worse than nbd's / "
        self.assertEqual(["0.900", "1.20", "0.75", "≤ 1", "met"], t[p50 + "local"])
        self.assertEqual(["21.50", "21.00", "1.02", "≤ 1", "not met"], t[p50 + "datacenter"])
        self.assertEqual("met", t[p50 + "home"][-1])  # equal is no worse
        fs = "fs-backup: total time (s) no slower / "
        self.assertEqual(["met", "not met"], [t[fs + "local"][-1], t[fs + "datacenter"][-1]])
        walk = "zfs: cold metadata walk (s) no slower / "
        self.assertEqual(["2.00", "3.00", "0.67", "≤ 1", "met"], t[walk + "local"])
        self.assertEqual("not met", t[walk + "datacenter"][-1])
        cpu = "CPU s per MiB no more than nbd's, each workload / "
        self.assertEqual("met (11 of 11)", t[cpu + "local"][-1])
        self.assertEqual("not met (10 of 11 met)", t[cpu + "datacenter"][-1])
        self.assertIn("CPU per MiB above nbd's on datacenter: randwrite-4k-qd1 (1.50).", self.section)

    def test_failed_or_timed_out_run_is_not_measured(self):
        t = self.targets()
        # ublk-s3's failed zfs run walked faster than nbd (0.5 s vs 2 s): still not measured, never met
        self.assertEqual(["–", "–", "–", "≤ 1", "not measured (ublk-s3 failed)"],
                         t["zfs: cold metadata walk (s) no slower / home"])
        self.assertEqual("not measured (nbdkit+nbd timeout)", t["fs-backup: total time (s) no slower / home"][-1])
        self.assertEqual("not measured (9 of 11 met, 2 not measured)",
                         t["CPU s per MiB no more than nbd's, each workload / home"][-1])
        self.assertIn("CPU per MiB not measured on home: fs-backup (nbdkit+nbd timeout), zfs (ublk-s3 failed).",
                      self.section)

    def test_missing_condition_and_workload_are_not_measured(self):
        runs = {c: w for c, w in self.data["runs"].items() if c != "datacenter"}
        runs["local"] = {w: s for w, s in runs["local"].items() if w != "zfs"}
        section = "\n".join(report.targets_lines(runs, False))
        t = by_first_cells(table_after(section, "### Targets"), 2)
        self.assertEqual("not measured (no datacenter run)",
                         t["4 KiB random read, QD32: IOPS at least 3x nbd's / datacenter"][-1])
        self.assertEqual("not measured (no zfs run)", t["zfs: cold metadata walk (s) no slower / local"][-1])
        self.assertEqual("not measured (10 of 11 met, 1 not measured)",
                         t["CPU s per MiB no more than nbd's, each workload / local"][-1])

    # -- the QD1 read

    def test_qd1_read_breakdown(self):
        rows = by_first_cells(table_after(self.section, "**local**"), 1)
        self.assertEqual(["16,000", "650.0", "700.0", "70%"], rows["queue: target hop"])
        self.assertEqual(["9,000", "550.0", "600.0", "60%"], rows["… within it: S3 GET (store.get)"])
        self.assertEqual(["16,000", "40.00", "50.00", "5.0%"], rows["queue: return hop"])
        # 1000 − 700 − 50 µs; means only
        self.assertEqual(["", "–", "250.0", "25%"],
                         rows["kernel + io_uring both ways (fio mean − target mean − return mean)"])
        self.assertEqual(["900.0", "1,000", "100%"], rows["ublk-s3: fio completion latency (clat)"][1:])
        nbd = rows["nbdkit+nbd: fio completion latency (clat)"]
        self.assertEqual(["1,200", "1,320", ""], nbd[1:])  # nbd's p50 1.2 ms, mean 1.1 x
        self.assertIn("p50s do not add up", self.section)

    # -- the document

    def test_two_renders_give_the_same_bytes_and_stale_charts_go(self):
        doc = os.path.join(self.tmp, "docs", "benchmarks.md")
        img = os.path.join(self.tmp, "docs", "img")
        put(os.path.dirname(doc), "benchmarks.md", "# Benchmarks\n\nBefore.\n" + report.BEGIN + "\nold\n" +
            report.END + "\n\n## Reading the side-by-side run\n\nHand-written.\n")
        put(img, "side-by-side-cloud-fs-backup.png", "stale")
        put(img, "other.png", "kept")
        self.run_main(doc, img)
        first = read_bytes(doc)
        charts = {n: read_bytes(os.path.join(img, n)) for n in sorted(os.listdir(img))}
        text = first.decode()
        self.assertTrue(text.startswith("# Benchmarks\n\nBefore.\n" + report.BEGIN + "\n## Side by side"))
        self.assertTrue(text.endswith(report.END + "\n\n## Reading the side-by-side run\n\nHand-written.\n"))
        self.assertNotIn("side-by-side-cloud-fs-backup.png", charts)
        self.assertIn("other.png", charts)
        expected = {f"side-by-side-{c}-{w}.png" for c in report.CONDITIONS for w in report.WORKLOADS}
        expected |= {"side-by-side-summary.png", "side-by-side-qd1-read.png", "other.png"}
        self.assertEqual(expected, set(charts))
        for name in expected - {"other.png"}:
            self.assertIn(f"](img/{name})", text)
            self.assertEqual(b"\x89PNG", charts[name][:4])
        self.run_main(doc, img)
        self.assertEqual(first, read_bytes(doc))
        self.assertEqual(charts, {n: read_bytes(os.path.join(img, n)) for n in sorted(os.listdir(img))})

    def test_a_second_section_leaves_the_main_one_and_its_charts(self):
        doc = os.path.join(self.tmp, "second", "docs", "benchmarks.md")  # apart from the other tests' doc
        img = os.path.join(self.tmp, "second", "docs", "img")
        put(os.path.dirname(doc), "benchmarks.md", "# Benchmarks\n" + report.BEGIN + "\nmain\n" + report.END + "\n")
        put(img, "side-by-side-home-zfs.png", "the main run's")
        put(img, "cache-side-by-side-home-old.png", "stale")
        with contextlib.redirect_stderr(io.StringIO()):
            self.assertEqual(0, report.main([self.results, "--doc", doc, "--img-dir", img,
                                             "--section", "cache-side-by-side"]))
        text = read_bytes(doc).decode()
        begin, end = report.markers("cache-side-by-side")
        self.assertTrue(text.startswith("# Benchmarks\n" + report.BEGIN + "\nmain\n" + report.END + "\n\n" + begin))
        self.assertTrue(text.endswith(end + "\n"))
        charts = set(os.listdir(img))
        self.assertIn("side-by-side-home-zfs.png", charts)
        self.assertNotIn("cache-side-by-side-home-old.png", charts)
        self.assertIn("cache-side-by-side-summary.png", charts)
        self.assertIn("](img/cache-side-by-side-summary.png)", text)
        self.assertFalse(any(n.startswith("side-by-side-") and n != "side-by-side-home-zfs.png" for n in charts))
        with contextlib.redirect_stderr(io.StringIO()), self.assertRaises(SystemExit):
            report.main([self.results, "--doc", doc, "--img-dir", img, "--section", "side-by-side-cache"])

    def test_stale_section_replaced(self):
        text = "a\n" + report.BEGIN + "\nold\n" + report.END + "\nb\n"
        self.assertEqual("a\n" + report.BEGIN + "\nnew\n" + report.END + "\nb\n", report.rewrite_doc(text, "new\n"))
        self.assertEqual(report.BEGIN + "\nnew\n" + report.END + "\n", report.rewrite_doc("", "new\n"))

    def test_fixture_directions(self):
        self.assertEqual("write", report.fio_metrics(fixture("fio-randwrite-4k-qd1.json"), "x")["direction"])
        real = report.fio_metrics(fixture("fio-read-128k.json"), "read-128k")
        self.assertEqual("read", real["direction"])
        self.assertGreater(real["io_bytes"], 0)
        self.assertIsNotNone(real["p99"])
        self.assertAlmostEqual(real["count"] and real["mean"] * 1e6, fixture("fio-read-128k.json")
                               ["jobs"][0]["read"]["clat_ns"]["mean"], places=3)


# ------------------------------------------------------------------------------------------------------- the cache stack

CACHED = report.CACHED
# the walks' seconds and GETs on home: (cache stack, nbd); ublk-s3 walks warm only (the guest's CACHE_STEP_STACKS)
HOME_WALKS = {"walk-warm": ((0.05, 0), (5.0, 1200)),      # 100x, 0 GETs: met
              "walk-readd": ((0.08, 2), (6.0, 1200)),     # 75x but 2 GETs: not met
              "walk-stream": ((0.5, 0), (5.0, 1200)),     # 10x: not met (needs 20)
              "walk-arc": ((0.03, 0), (0.04, 0))}         # from ZFS's ARC, no device read: home only
ONCE_MIB = 2


def phase_counts(path, phase, gets, hits=None, misses=None):
    """phases/<phase>/: the server's counts before and after, and ublk-s3's on two devices (hits and misses on the
    first, none on the second) when hits is given."""
    folder = os.path.join(path, "phases", phase)
    put(folder, "store-before.json", store(get=100, put=50))
    put(folder, "store-after.json", store(get=100 + gets, put=50))
    if hits is not None:
        for dev, (h, m) in (("3", (hits, misses)), ("4", (0, 0))):
            put(folder, f"client-before-{dev}.json", dict(client_stats(), cache={"hits": 7, "misses": 1}))
            put(folder, f"client-after-{dev}.json", dict(client_stats(), cache={"hits": 7 + h, "misses": 1 + m}))


def once_doc(p50_ms):
    """randwrite-4k-once's fio.json: ONCE_MIB written, with every percentile the report shows."""
    doc = fio_doc("randwrite-4k-once", 100, p50_ms)
    d = doc["jobs"][0]["write"]
    d["io_bytes"] = ONCE_MIB * MIB
    d["clat_ns"]["percentile"].update({"90.000000": int(p50_ms * 2e6), "99.900000": int(p50_ms * 8e6)})
    return doc


def add_cache_stack(root):
    """The cache stack beside build_results' two: faster everywhere; on home a zfs-walks run per stack with the
    walks of HOME_WALKS; on datacenter the cache stack's zfs-walks failed in its stream."""
    res = Results(root)
    for cond in report.CONDITIONS:
        for wl in FIO_JOBS:
            files = {"fio_json": fio_doc(wl, 400, 1.0), "store_json": store(get=0, put=10),
                     "cost_json": dict(cost(0.5, 100), upload_seconds=2.0)}
            if wl == "randwrite-4k-once":
                files["fio_json"] = once_doc(0.5)
                files["store_json"] = store(put=40, lst=1)  # 41 requests over 2 MiB: 20.5 per MiB
            res.run(cond, wl, CACHED, **files)
        res.run(cond, "randwrite-4k-once", report.THEIRS, fio_json=once_doc(50.0), store_json=store(get=512, put=512),
                cost_json=cost(2.0, 100))  # 512 per MiB
        res.run(cond, "fs-backup", CACHED, fs_json=fs_doc({"mkfs": 0.5, "copy": 1.0, "sync": 0.5, "umount": 0.5,
                                                            "upload": 4.0, "walk": 0.5}),
                store_json=store(get=10, put=400, lst=2), cost_json=cost(0.5, 100))
        zfs = os.path.join(root, "runs", cond, "zfs")
        res.run(cond, "zfs", CACHED, fs_json=fs_doc({"create": 1.0, "copy": 1.0, "sync": 0.5, "export": 0.5,
                                                     "upload": 5.0, "import": 1.0, "walk": 0.1}, files=701, mib=12),
                store_json=store(get=5, put=300), cost_json=cost(0.5, 100, processes=2))
        phase_counts(os.path.join(zfs, CACHED), "walk", 0, 300, 0)
        phase_counts(os.path.join(zfs, report.THEIRS), "walk", 1200)
        if cond == "local":
            continue
        walks = os.path.join(root, "runs", cond, "zfs-walks")
        for stack in (report.OURS, CACHED, report.THEIRS):
            i = 0 if stack == CACHED else 1
            phases = {"import-warm": 2.0, "walk-warm": HOME_WALKS["walk-warm"][i][0] if stack != report.OURS else 4.0}
            if stack != report.OURS:
                phases.update({"readd": 3.0, "import-readd": 2.0, "walk-readd": HOME_WALKS["walk-readd"][i][0]})
            if stack != report.OURS and cond == "home":
                phases["walk-arc"] = HOME_WALKS["walk-arc"][i][0]
            status = "ok\n"
            if (cond, stack) == ("datacenter", CACHED):
                status = "failed: exit 1: phase stream failed or timed out\n"
            elif stack != report.OURS:
                phases.update({"stream": 100.0 if stack == CACHED else 200.0, "stream-sync": 10.0,
                               "stream-export": 5.0, "import-stream": 2.0,
                               "walk-stream": HOME_WALKS["walk-stream"][i][0]})
                if stack == CACHED:
                    phases["upload-stream"] = 60.0
            res.run(cond, "zfs-walks", stack, status, fs_json=fs_doc(phases, files=701, mib=12),
                    store_json=store(get=3000, put=100), cost_json={"cpu_seconds": None, "bytes": None,
                                                                    "seconds": 400.0, "processes": 2})
            for phase in phases:
                if phase.startswith("walk"):
                    gets = HOME_WALKS[phase][i][1] if stack != report.OURS else 1100
                    phase_counts(os.path.join(walks, stack), phase, gets,
                                 *((250, gets) if stack == CACHED else (0, 0) if stack == report.OURS else ()))


class CacheStackReportTest(RenderedResults):
    @staticmethod
    def build(root):
        build_results(root)
        add_cache_stack(root)

    def workload_table(self, cond, workload):
        rows = report.workload_table(self.data["runs"][cond][workload], None, report.present(self.data["runs"]))
        return {cells[0]: cells[1:] for cells in ([c.strip() for c in r.strip("|").split("|")] for r in rows)}

    def cache_table(self, cond, title):
        """The rows of one of the cache section's tables under a condition, header first."""
        text = self.section[self.section.index("### The cache"):]
        text = text[text.index(f"**{cond}**"):]
        return table_after(text, title)

    def test_a_column_and_a_ratio_per_stack(self):
        t = self.workload_table("local", "write-128k")
        self.assertEqual(["ublk-s3", "ublk-s3 --cache", "nbdkit+nbd", "ratio, ublk-s3", "ratio, ublk-s3 --cache"],
                         t["metric"])
        self.assertEqual(["200", "400", "100", "2.00", "4.00"], t["IOPS"])
        self.assertEqual(["–", "2.00", "–", "", ""], t["the cache's uploads after the job (s)"])

    def test_the_upload_phase_counts_in_the_cache_stacks_total(self):
        z = self.workload_table("local", "zfs")
        self.assertEqual(["–", "5.00", "–", "", ""], z["upload (s)"])
        self.assertEqual(["13.00", "9.10", "14.00", "1.08", "1.54"], z["total (s)"])
        self.assertIn("upload (s)", self.workload_table("local", "fs-backup"))

    def test_summary_has_a_row_per_stack(self):
        rows = table_after(self.section, "### Summary")
        self.assertEqual(["workload", "condition", "stack", "stack's value", "nbdkit+nbd"], rows[0][:5])
        s = by_first_cells(rows, 3)
        self.assertEqual(["25.00 MiB/s", "12.50 MiB/s", "2.00"], s["write-128k / local / ublk-s3"][:3])
        self.assertEqual("4.00", s["write-128k / local / ublk-s3 --cache"][2])
        self.assertEqual("24.98", s["randwrite-4k-once / home / ublk-s3 --cache"][3])  # 512 / 20.5 per MiB

    def test_the_issues_targets(self):
        t = by_first_cells(table_after(self.section, "Targets (issue 17"), 2)
        self.assertEqual(["0.050 s, 0 GETs", "5.00 s, 1,200 GETs", "100.00", "≥ 50, 0 GETs", "met"],
                         t["warm walk: at least 50x faster than nbdkit+nbd's, with 0 GETs / home"])
        self.assertEqual("not met (2 GETs)",
                         t["walk after del + add with the same cache: at least 50x faster, with 0 GETs / home"][-1])
        self.assertEqual(["0.500 s, 0 GETs", "5.00 s, 1,200 GETs", "10.00", "≥ 20", "not met (10.00x)"],
                         t["walk after the stream: at least 20x faster / home"])
        self.assertEqual(["20.50", "512.0", "24.98", "≥ 10", "met"],
                         t["randwrite-4k-once: at least 10x fewer requests (PUT + GET + LIST) per MiB / home"])
        self.assertEqual(["home"], sorted({k.split(" / ")[1] for k in t}))  # the issue states them for home

    def test_the_targets_of_workloads_not_run_are_left_out(self):
        runs = {c: {w: r for w, r in ws.items() if w != "randwrite-4k-once"} for c, ws in self.data["runs"].items()}
        text = "\n".join(report.cache_lines(runs, self.data["walks"], lambda *a: ""))
        self.assertIn("warm walk: at least 50x faster", text)
        self.assertNotIn("randwrite-4k-once: at least 10x fewer", text)
        self.assertNotIn("randwrite-4k-once writes each 4 KiB", text)

    def test_a_walk_not_measured_is_never_met(self):
        walks = {c: {s: r for s, r in w.items() if s != report.THEIRS} for c, w in self.data["walks"].items()}
        row = report.cache_target_row(report.CACHE_TARGETS[0], self.data["runs"], walks, "home")
        self.assertEqual("not measured (nbdkit+nbd not run)", row[-1])
        row = report.cache_target_row(report.CACHE_TARGETS[2], self.data["runs"], self.data["walks"], "datacenter")
        self.assertEqual("not measured (ublk-s3 --cache failed)", row[-1])

    def test_walks_with_their_gets_and_the_caches_counts(self):
        rows = by_first_cells(self.cache_table("home", "Metadata walks"), 2)
        self.assertEqual(["1.00", "0.100", "0", "300 / 0", "20.00", "0.070", "28.00"], rows["cold / ublk-s3 --cache"])
        self.assertEqual(["3.00", "2.00", "1,200", "–", "", "1.96", ""], rows["cold / nbdkit+nbd"])
        self.assertEqual(["2.00", "4.00", "1,100", "0 / 0", "1.25", "", ""], rows["warm / ublk-s3"])  # no ARC walk
        self.assertEqual(["2.00", "0.080", "2", "250 / 2", "75.00", "0.050", "119.20"],
                         rows["after del + add / ublk-s3 --cache"])
        self.assertEqual(["–", "0.030", "0", "250 / 0", "1.33", "", ""], rows["again, from the ARC / ublk-s3 --cache"])
        self.assertNotIn("after del + add / ublk-s3", rows)  # not one of the stacks that take that step
        failed = by_first_cells(self.cache_table("datacenter", "Metadata walks"), 2)
        self.assertEqual(["–", "failed", "", "", ""], failed["after the stream / ublk-s3 --cache"])
        self.assertIn("ublk-s3 --cache, zfs-walks: failed: exit 1: phase stream failed or timed out.", self.section)

    def test_the_stream(self):
        rows = by_first_cells(self.cache_table("home", "The stream, before the walk after it"))
        self.assertEqual(["100.0", "10.00", "5.00", "60.00", "175.0", "1.23"], rows["ublk-s3 --cache"])
        self.assertEqual(["200.0", "10.00", "5.00", "–", "215.0", ""], rows["nbdkit+nbd"])
        failed = by_first_cells(self.cache_table("datacenter", "The stream, before the walk after it"))
        self.assertEqual("failed", failed["ublk-s3 --cache"][0])

    def test_random_writes_per_mib_and_latency(self):
        rows = self.cache_table("home", "4 KiB random writes")
        self.assertEqual(["stack", "MiB written", "PUT", "GET", "LIST", "requests per MiB",
                          "times fewer than nbdkit+nbd", "latency p50 (ms)", "latency p90 (ms)", "latency p99 (ms)",
                          "latency p99.9 (ms)", "the cache's uploads after fio (s)"], rows[0])
        r = by_first_cells(rows)
        self.assertEqual(["2.00", "40", "0", "1", "20.50", "24.98", "0.500", "1.00", "1.50", "4.00", "2.00"],
                         r["ublk-s3 --cache"])
        self.assertEqual(["2.00", "512", "512", "0", "512.0", "", "50.00", "100.0", "150.0", "400.0", "–"],
                         r["nbdkit+nbd"])

    def test_charts_of_the_cache_and_the_same_bytes_twice(self):
        doc = os.path.join(self.tmp, "docs", "benchmarks.md")
        img = os.path.join(self.tmp, "docs", "img")
        renders = []
        for _ in range(2):
            with contextlib.redirect_stderr(io.StringIO()):
                self.assertEqual(0, report.main([self.results, "--doc", doc, "--img-dir", img]))
            renders.append((read_bytes(doc), {n: read_bytes(os.path.join(img, n)) for n in sorted(os.listdir(img))}))
        self.assertEqual(renders[0], renders[1])
        text, charts = renders[0][0].decode(), renders[0][1]
        for cond in report.CONDITIONS:
            self.assertIn(f"](img/side-by-side-{cond}-cache.png)", text)
            self.assertEqual(b"\x89PNG", charts[f"side-by-side-{cond}-cache.png"][:4])
        self.assertNotIn("side-by-side-home-zfs-walks.png", charts)  # only in the cache's section


if __name__ == "__main__":
    unittest.main()
