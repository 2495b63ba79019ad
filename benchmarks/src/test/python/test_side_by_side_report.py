"""Tests of benchmarks/src/main/python/side_by_side_report.py on a synthetic results tree built from real fio 3.33
JSON outputs (fixtures/). Run: /usr/bin/python3 -B -m unittest discover -s benchmarks/src/test/python
(needs python3-matplotlib; not part of the Maven build)."""
import copy
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


def fixture(name):
    with open(os.path.join(HERE, "fixtures", name)) as f:
        return json.load(f)


def fio_doc(name, direction, iops, mibs, io_mib, p50_ms, p99_ms):
    """The fixture with its numbers replaced by round ones."""
    doc = copy.deepcopy(fixture(name))
    d = doc["jobs"][0][direction]
    d["iops"] = float(iops)
    d["bw_bytes"] = int(mibs * MIB)
    d["io_bytes"] = int(io_mib * MIB)
    d["clat_ns"]["percentile"]["50.000000"] = int(p50_ms * 1e6)
    d["clat_ns"]["percentile"]["99.000000"] = int(p99_ms * 1e6)
    return doc


def store(get=0, put=0, lst=0, delete=0, delete_objects=0, keys=0, rmw=0):
    return {"requests": {"GET": get, "PUT": put, "LIST": lst, "DELETE": delete, "DELETE_OBJECTS": delete_objects,
                         "HEAD": 0, "OTHER": 0},
            "keysDeleted": keys, "bytesIn": put * 65536, "bytesOut": get * 65536, "readModifyWrite": rmw,
            "getSizes": {"65536": get}, "putSizes": {"4096": 1, "65536": put - 1} if put else {},
            "getAlignment": {"object start": get, "4K": 0, "512": 0, "unaligned": 0}}


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def put(path, name, content):
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, name), "w") as f:
        f.write(content if isinstance(content, str) else json.dumps(content))


def build_tree(root):
    """local: randwrite-4k-qd1 both ok, read-128k nbd timed out, write-128k ublk-s3 failed + raw PUTs, fs-backup ok;
    cloud: randwrite-4k-qd1 with nbd missing."""
    put(root, "machine.txt", "host cpu: Test CPU\ncores: 2\nfio: fio-3.33\n"
                             "command: benchmarks/bin/side-by-side --test\n")
    runs = os.path.join(root, "runs")
    # ublk-s3 twice as fast, half the p99, a quarter of the requests
    d = os.path.join(runs, "local", "randwrite-4k-qd1")
    put(os.path.join(d, "ublk-s3"), "status", "ok\n")
    put(os.path.join(d, "ublk-s3"), "fio.json", fio_doc("fio-randwrite-4k-qd1.json", "write", 200, 2.0, 8, 1, 2))
    put(os.path.join(d, "ublk-s3"), "store.json", store(get=4, put=10, delete=3, delete_objects=1, keys=5, rmw=4))
    put(os.path.join(d, "ublk-s3"), "client-stats.json", {"read_modify_write_cycles": 6})
    put(os.path.join(d, "nbd"), "status", "ok\n")
    put(os.path.join(d, "nbd"), "fio.json", fio_doc("fio-randwrite-4k-qd1.json", "write", 100, 1.0, 4, 2, 4))
    put(os.path.join(d, "nbd"), "store.json", store(get=16, put=40, rmw=16))

    d = os.path.join(runs, "local", "read-128k")
    put(os.path.join(d, "ublk-s3"), "status", "ok\n")
    put(os.path.join(d, "ublk-s3"), "fio.json", fio_doc("fio-read-128k.json", "read", 80, 10.0, 100, 3, 6))
    put(os.path.join(d, "ublk-s3"), "store.json", store(get=1600))
    put(os.path.join(d, "nbd"), "status", "timeout after 600 s\n")

    d = os.path.join(runs, "local", "write-128k")
    put(os.path.join(d, "ublk-s3"), "status", "failed: fio exited with 1\n")
    put(os.path.join(d, "nbd"), "status", "ok\n")
    put(os.path.join(d, "nbd"), "fio.json", fio_doc("fio-randwrite-4k-qd1.json", "write", 40, 5.0, 50, 20, 40))
    put(os.path.join(d, "nbd"), "store.json", store(put=800))
    put(os.path.join(runs, "local", "raw-put", "crt"), "raw.json",
        {"objects": 512, "objectSize": 65536, "concurrency": 64, "seconds": 2.0, "bytesPerSecond": 20.0 * MIB})

    d = os.path.join(runs, "local", "fs-backup")
    put(os.path.join(d, "ublk-s3"), "status", "ok\n")
    put(os.path.join(d, "ublk-s3"), "fs.json",
        {"phases": {"mkfs": 1.0, "copy": 2.0, "sync": 3.0, "walk": 4.0}, "files": 1234, "bytes": 10 * MIB})
    put(os.path.join(d, "ublk-s3"), "store.json", store(get=10, put=100, lst=2))
    put(os.path.join(d, "nbd"), "status", "ok\n")
    put(os.path.join(d, "nbd"), "fs.json",
        {"phases": {"mkfs": 2.0, "copy": 6.0, "sync": 9.0, "walk": 13.0}, "files": 1234, "bytes": 10 * MIB})
    put(os.path.join(d, "nbd"), "store.json", store(get=30, put=270, lst=2))

    d = os.path.join(runs, "cloud", "randwrite-4k-qd1")
    put(os.path.join(d, "ublk-s3"), "status", "ok\n")
    put(os.path.join(d, "ublk-s3"), "fio.json", fio_doc("fio-randwrite-4k-qd1.json", "write", 20, 0.5, 1, 30, 60))
    put(os.path.join(d, "ublk-s3"), "store.json", store(put=20))


def rows_of(lines):
    """{metric: [ublk-s3, nbdkit+nbd, ratio]} of a Markdown table."""
    out = {}
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        out[cells[0]] = cells[1:]
    return out


class SideBySideReportTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="sbs-report-test-")
        self.results = os.path.join(self.tmp, "results")
        build_tree(self.results)
        self.data = report.load(self.results)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def table(self, cond, workload):
        raw = self.data["raw"].get(cond) if workload in report.SEQUENTIAL_WRITES else None
        return rows_of(report.workload_table(self.data["runs"][cond][workload], raw))

    def run_main(self, doc, img):
        self.assertEqual(0, report.main([self.results, "--doc", doc, "--img-dir", img]))
        with open(doc) as f:
            return f.read()

    def test_fixture_directions(self):
        runs = self.data["runs"]["local"]
        self.assertEqual("write", runs["randwrite-4k-qd1"]["ublk-s3"].fio["direction"])
        self.assertEqual("read", runs["read-128k"]["ublk-s3"].fio["direction"])
        real = report.fio_metrics(fixture("fio-read-128k.json"), "read-128k")
        self.assertGreater(real["io_bytes"], 0)
        self.assertIsNotNone(real["p99"])

    def test_ratio_is_above_one_when_ublk_s3_is_better(self):
        t = self.table("local", "randwrite-4k-qd1")
        self.assertEqual(["200", "100", "2.00"], t["IOPS"])  # higher is better: ours / theirs
        self.assertEqual(["2.00", "1.00", "2.00"], t["MiB/s"])
        self.assertEqual(["2.00", "4.00", "2.00"], t["latency p99 (ms)"])  # lower is better: theirs / ours
        self.assertEqual(["10", "40", "4.00"], t["PUT requests"])
        self.assertEqual(["4", "16", "4.00"], t["read-modify-write cycles (server count)"])
        self.assertEqual(["4", "0", ""], t["DELETE + DELETE_OBJECTS requests"])  # blank when one side is 0
        self.assertEqual(["6", "–", ""], t["RMW (client count)"])
        fs = self.table("local", "fs-backup")
        self.assertEqual(["10.00", "30.00", "3.00"], fs["total (s)"])
        self.assertEqual(["112", "302", "2.70"], fs["requests (total)"])

    def test_requests_per_mib(self):
        t = self.table("local", "randwrite-4k-qd1")
        # ours: 4 + 10 + 3 + 1 = 18 requests over 8 MiB; theirs: 56 over 4 MiB
        self.assertEqual(["2.25", "14.00", "6.22"], t["requests per MiB moved by fio"])
        fs = self.table("local", "fs-backup")
        self.assertEqual(["11.20", "30.20", "2.70"], fs["requests per MiB copied"])

    def test_failed_timeout_and_missing_cells(self):
        t = self.table("local", "read-128k")
        self.assertEqual(["10.00", "timeout", ""], t["MiB/s"])
        self.assertEqual(["1,600", "timeout", ""], t["GET requests"])
        w = self.table("local", "write-128k")
        self.assertEqual(["failed", "5.00", ""], w["MiB/s"])
        raw_row = [v for k, v in w.items() if k.startswith("MiB/s ÷ raw CRT PUTs")]
        self.assertEqual([["failed", "0.25", ""]], raw_row)
        c = self.table("cloud", "randwrite-4k-qd1")
        self.assertEqual(["0.500", "not run", ""], c["MiB/s"])
        self.assertNotIn("fs-backup", self.data["runs"]["cloud"])

    def test_document_rewrite_is_idempotent_and_charts_exist(self):
        doc = os.path.join(self.tmp, "docs", "benchmarks.md")
        img = os.path.join(self.tmp, "docs", "img")
        put(os.path.dirname(doc), "benchmarks.md", "# Benchmarks\n\nBefore.\n")
        first = self.run_main(doc, img)
        self.assertTrue(first.startswith("# Benchmarks\n\nBefore.\n\n" + report.BEGIN + "\n"))
        self.assertTrue(first.endswith(report.END + "\n"))
        self.assertIn("- host cpu: Test CPU\n", first)
        self.assertIn("benchmarks/bin/side-by-side --test", first)
        self.assertIn("| read-128k | local | 10.00 MiB/s | timeout |  |  |", first)
        self.assertIn("| randwrite-4k-qd1 | local | 2.00 MiB/s | 1.00 MiB/s | 2.00 | 6.22 |", first)
        self.assertIn("| fs-backup | local | 10.00 s | 30.00 s | 3.00 | 2.70 |", first)
        pngs = sorted(os.listdir(img))
        self.assertEqual(["side-by-side-cloud-randwrite-4k-qd1.png", "side-by-side-local-fs-backup.png",
                          "side-by-side-local-randwrite-4k-qd1.png", "side-by-side-local-read-128k.png",
                          "side-by-side-local-write-128k.png", "side-by-side-summary.png"], pngs)
        for name in pngs:
            self.assertIn(f"](img/{name})", first)
            with open(os.path.join(img, name), "rb") as f:
                self.assertEqual(b"\x89PNG", f.read(4))
        before = {n: read_bytes(os.path.join(img, n)) for n in pngs}
        # text outside the markers is kept; a second run changes nothing, charts included
        with open(doc, "a") as f:
            f.write("\nAfter.\n")
        second = self.run_main(doc, img)
        self.assertEqual(first + "\nAfter.\n", second)
        self.assertEqual(second, self.run_main(doc, img))
        self.assertEqual(before, {n: read_bytes(os.path.join(img, n)) for n in sorted(os.listdir(img))})

    def test_stale_section_replaced(self):
        text = "a\n" + report.BEGIN + "\nold\n" + report.END + "\nb\n"
        self.assertEqual("a\n" + report.BEGIN + "\nnew\n" + report.END + "\nb\n", report.rewrite_doc(text, "new\n"))
        self.assertEqual(report.BEGIN + "\nnew\n" + report.END + "\n", report.rewrite_doc("", "new\n"))


if __name__ == "__main__":
    unittest.main()
