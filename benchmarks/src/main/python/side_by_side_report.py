"""Turns a side-by-side results directory (ublk-s3, and ublk-s3 with its cache, vs nbdkit's S3 plugin + nbd-client)
into Markdown tables and PNG charts between the lines <!-- side-by-side:begin --> and <!-- side-by-side:end --> of a
document.

Usage: side_by_side_report.py RESULTS_DIR [--doc FILE] [--img-dir DIR]
Run through benchmarks/bin/side-by-side-report (Debian's python3 with python3-matplotlib).

RESULTS_DIR (written by benchmarks/vm/side-by-side-guest.sh) holds machine.txt ("key: value" lines),
runs/<condition>/<workload>/<stack>/ (stack ublk-s3, ublk-s3-cache or nbd) with
  status              "ok", "failed: ..." or "timeout ..."
  fio.json | fs.json  fio 3.33's JSON output | {"phases": {name: seconds}, "files": N, "bytes": N}
  store.json          the S3 server's request counts for that run alone
  cost.json           {"cpu_seconds", "bytes", "seconds", "processes"[, "upload_seconds"]}: CPU time of the
                      stack's serving processes and bytes through its block devices during the run (null when the
                      run replaced them); upload_seconds: the cache stack's wait for its uploads after the run
  client-stats.json   ublk-s3 stacks only: `ublk-s3 stats --json` of its (first) device since the device was added,
                      with the queue hops under "queue" and the cache's counts under "cache";
                      client-stats-<devid>.json per device
  phases/<phase>/     the metadata walks only: store-before.json and store-after.json (the server's counts just
                      before and after the phase), client-before-<devid>.json and client-after-<devid>.json
and runs/<condition>/raw-put/crt/raw.json (raw CRT PUTs on the same server). The workload zfs-walks (more walks of
the zfs workload's pool) appears only in the cache's section. Rerunning on the same data gives the same document
and the same PNG bytes.
"""
import argparse
import collections
import glob
import json
import os
import re
import sys

# a doc may hold several runs' sections (--section): each between its own markers, its charts named after it
DEFAULT_SECTION = "side-by-side"


def markers(section):
    return f"<!-- {section}:begin -->", f"<!-- {section}:end -->"


BEGIN, END = markers(DEFAULT_SECTION)
MIB = 1024 * 1024

OURS, CACHED, THEIRS = "ublk-s3", "ublk-s3-cache", "nbd"
STACKS = (OURS, CACHED, THEIRS)
RIVALS = (OURS, CACHED)  # each compared with THEIRS
STACK_LABEL = {OURS: "ublk-s3", CACHED: "ublk-s3 --cache", THEIRS: "nbdkit+nbd"}

CONDITIONS = ("local", "datacenter", "home")
CONDITION_TEXT = {
    "local": "no emulation",
    "datacenter": "20 ms per request, no bandwidth cap",
    "home": "20 ms per request and 1 MB/s per direction",
}
WORKLOADS = ("randread-4k-qd1", "randread-4k-qd32", "randwrite-4k-qd1", "randwrite-4k-qd32", "randwrite-4k-once",
             "write-512k", "read-512k", "write-128k", "read-128k", "fs-backup", "zfs")
WALKS = "zfs-walks"  # the zfs workload's pool walked again: the cache's section only
RANDWRITE_ONCE = "randwrite-4k-once"
WORKLOAD_TEXT = {
    "randwrite-4k-qd1": "4 KiB random writes, queue depth 1",
    "randwrite-4k-qd32": "4 KiB random writes, queue depth 32",
    RANDWRITE_ONCE: "4 KiB random writes, queue depth 1, each 4 KiB of the region written once (size-based)",
    "randread-4k-qd1": "4 KiB random reads, queue depth 1",
    "randread-4k-qd32": "4 KiB random reads, queue depth 32",
    "write-128k": "128 KiB sequential writes",
    "read-128k": "128 KiB sequential reads",
    "write-512k": "512 KiB sequential writes",
    "read-512k": "512 KiB sequential reads",
    "fs-backup": "ext4: mkfs, copy a tree of files, sync, unmount, a cold metadata walk",
    "zfs": "a ZFS pool on two devices per stack (64 KiB objects for data, 4 KiB for the special vdev): "
           "create, copy a tree, sync, export, import, the cold metadata walk `find DIR -type d -exec ls -l {} +`",
}
SEQUENTIAL_WRITES = ("write-128k", "write-512k")
# the phases of each file system workload, in the order they run; their sum is the workload's total time
FS_PHASES = {
    "fs-backup": ("mkfs", "copy", "sync", "umount", "upload", "walk"),
    "zfs": ("create", "copy", "sync", "export", "upload", "import", "walk"),
}
# phases only some stacks have, 0 s for the others: the cache stack's wait until the store has what it wrote
OPTIONAL_PHASES = ("upload",)
QD1_READ = "randread-4k-qd1"
REQUEST_KINDS = ("GET", "PUT", "LIST", "DELETE", "DELETE_OBJECTS", "HEAD", "OTHER")

COLORS = {OURS: "#1f77b4", CACHED: "#2ca02c", THEIRS: "#ff7f0e"}
# which way a metric is better decides its ratio: HIGHER ours/theirs, LOWER theirs/ours (above 1: ublk-s3 better);
# OURS_OVER_THEIRS is ours/theirs whatever the direction, as the CPU target is stated (below 1: ublk-s3 better)
HIGHER, LOWER, NEUTRAL, OURS_OVER_THEIRS = "higher", "lower", "neutral", "ours/theirs"


# ---------------------------------------------------------------------------------------------------------------- input

def read_json(path):
    """A JSON file, or None when absent; tolerates text before the first '{' (fio warnings)."""
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    start = text.find("{")
    if start < 0:
        raise ValueError(f"{path}: no JSON object")
    return json.loads(text[start:])


def read_optional_json(path):
    """A JSON object, or None when absent or unreadable (side files must not fail a run that measured)."""
    try:
        doc = read_json(path)
    except ValueError:
        return None
    return doc if isinstance(doc, dict) else None


def read_text(path):
    if not os.path.isfile(path):
        return ""
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def read_machine(results):
    items = []
    for line in read_text(os.path.join(results, "machine.txt")).splitlines():
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        items.append((key.strip(), value.strip()) if sep else (line.strip(), ""))
    return items


def parse_status(text):
    """(state, reason): state 'ok', 'failed' or 'timeout'."""
    text = (text or "").strip()
    if text == "ok":
        return "ok", ""
    if text.startswith("timeout"):
        return "timeout", text
    if text.startswith("failed"):
        return "failed", text.partition(":")[2].strip() or text
    return "failed", text or "no status"


def fio_metrics(doc, workload):
    """The numbers of fio's JSON output the report uses, from the direction that moved the most bytes."""
    job = doc["jobs"][0]
    dirs = [d for d in ("read", "write") if job.get(d, {}).get("io_bytes", 0) > 0]
    if dirs:
        direction = max(dirs, key=lambda d: job[d]["io_bytes"])
    else:
        direction = "write" if "write" in workload else "read"
    d = job.get(direction, {})
    clat = d.get("clat_ns", {}) or {}
    pct = clat.get("percentile", {}) or {}
    runtime_ms = job.get("job_runtime") or d.get("runtime")
    return {
        "direction": direction,
        "iops": float(d.get("iops", 0.0)),
        "mibs": float(d.get("bw_bytes", 0)) / MIB,
        "io_bytes": int(d.get("io_bytes", 0)),
        "p50": pct["50.000000"] / 1e6 if "50.000000" in pct else None,  # ms
        "p90": pct["90.000000"] / 1e6 if "90.000000" in pct else None,
        "p99": pct["99.000000"] / 1e6 if "99.000000" in pct else None,
        "p99.9": pct["99.900000"] / 1e6 if "99.900000" in pct else None,
        "mean": clat["mean"] / 1e6 if clat.get("N") else None,
        "count": int(clat.get("N", 0)),
        "runtime": runtime_ms / 1000.0 if runtime_ms else None,
    }


class Run:
    """One stack's run of one workload under one condition."""

    def __init__(self, path, workload):
        self.path = path
        self.workload = workload
        self.fs = is_fs(workload)
        status = read_text(os.path.join(path, "status"))
        self.state, self.reason = parse_status(status)
        self.status_text = status.strip() or "failed: no status file"
        self.fio = self.fsdoc = None
        try:
            if self.fs:
                self.fsdoc = read_json(os.path.join(path, "fs.json"))
            else:
                doc = read_json(os.path.join(path, "fio.json"))
                self.fio = fio_metrics(doc, workload) if doc else None
        except (ValueError, KeyError, IndexError, TypeError) as e:
            self.fail(f"unreadable results: {e}")
        if self.fio is None and self.fsdoc is None:
            self.fail("no " + ("fs.json" if self.fs else "fio.json"))
        self.store = read_optional_json(os.path.join(path, "store.json"))
        self.cost = read_optional_json(os.path.join(path, "cost.json"))
        self.client = read_optional_json(os.path.join(path, "client-stats.json"))
        per_device = sorted(glob.glob(os.path.join(path, "client-stats-*.json")))
        self.client_devices = [d for d in map(read_optional_json, per_device) if d is not None]

    def fail(self, reason):
        """Turns an 'ok' run whose results cannot be read into a failed one."""
        if self.state == "ok":
            self.state, self.reason = "failed", reason
            self.status_text = f"failed: {reason}"

    @property
    def ok(self):
        return self.state == "ok"

    def phase(self, name):
        phases = (self.fsdoc or {}).get("phases", {}) or {}
        return phases.get(name)

    def total_seconds(self):
        values = [(self.phase(p) or 0.0) if p in OPTIONAL_PHASES else self.phase(p)
                  for p in FS_PHASES.get(self.workload, ())]
        return sum(values) if self.ok and values and all(v is not None for v in values) else None

    def phase_requests(self, phase, *kinds):
        """The server's requests during one phase (of those with their counts under phases/), or None."""
        before, after = (read_optional_json(os.path.join(self.path, "phases", phase, f"store-{when}.json"))
                         for when in ("before", "after"))
        if before is None or after is None:
            return None
        b, a = before.get("requests") or {}, after.get("requests") or {}
        return sum(int(a.get(k, 0)) - int(b.get(k, 0)) for k in (kinds or REQUEST_KINDS))

    def phase_cache(self, phase, key):
        """A count of the cache's ('hits', 'misses') during one phase, over the stack's devices; None without."""
        folder = os.path.join(self.path, "phases", phase)
        total = None
        for after_path in sorted(glob.glob(os.path.join(folder, "client-after-*.json"))):
            device = os.path.basename(after_path)[len("client-after-"):]
            before = read_optional_json(os.path.join(folder, "client-before-" + device))
            b, a = dig(before, "cache", key), dig(read_optional_json(after_path), "cache", key)
            if b is None or a is None:
                return None
            total = (total or 0) + a - b
        return total

    def upload_seconds(self):
        """The cache stack's wait, after the run, until the store had everything it wrote."""
        return (self.cost or {}).get("upload_seconds")

    def moved_bytes(self):
        if self.fs:
            return (self.fsdoc or {}).get("bytes")
        return self.fio["io_bytes"] if self.fio else None

    def requests(self, *kinds):
        reqs = (self.store or {}).get("requests")
        if reqs is None:
            return None
        return sum(int(reqs.get(k, 0)) for k in (kinds or REQUEST_KINDS))

    def requests_per_mib(self):
        total, moved = self.requests(), self.moved_bytes()
        if total is None or not moved:
            return None
        return total / (moved / MIB)

    def cpu_seconds(self):
        return (self.cost or {}).get("cpu_seconds")

    def device_mib(self):
        """MiB read + written through the stack's block devices during the run."""
        moved = (self.cost or {}).get("bytes")
        return moved / MIB if moved is not None else None

    def cpu_per_mib(self):
        cpu, mib = self.cpu_seconds(), self.device_mib()
        return cpu / mib if cpu is not None and mib else None

    def client_rmw(self):
        """ublk-s3's own read-modify-write count over all the run's devices; None for fio runs, whose device
        served the fill and the fio runs before (its counts are cumulative since the device was added)."""
        if not self.fs:
            return None
        docs = self.client_devices or ([self.client] if self.client else [])
        counts = [d.get("read_modify_write_cycles") for d in docs]
        return sum(counts) if counts and all(c is not None for c in counts) else None


def is_fs(workload):
    return workload in FS_PHASES or workload.startswith("fs-") or workload == WALKS


def ordered(names, known):
    return [n for n in known if n in names] + sorted(n for n in names if n not in known)


def load(results):
    """{'machine': [(k, v)], 'runs': {cond: {workload: {stack: Run}}}, 'raw': {cond: dict},
    'walks': {cond: {stack: Run}} (the zfs-walks workload, kept out of runs)}"""
    runs_dir = os.path.join(results, "runs")
    if not os.path.isdir(runs_dir):
        raise SystemExit(f"side-by-side-report: {runs_dir}: no such directory")
    runs, raw, walks = {}, {}, {}
    for cond in ordered(os.listdir(runs_dir), CONDITIONS):
        cdir = os.path.join(runs_dir, cond)
        if not os.path.isdir(cdir):
            continue
        r = read_optional_json(os.path.join(cdir, "raw-put", "crt", "raw.json"))
        if r:
            raw[cond] = r
        per = {}
        for wl in ordered([w for w in os.listdir(cdir) if w != "raw-put"], WORKLOADS):
            wdir = os.path.join(cdir, wl)
            if not os.path.isdir(wdir):
                continue
            stacks = {s: Run(os.path.join(wdir, s), wl) for s in STACKS if os.path.isdir(os.path.join(wdir, s))}
            if stacks and wl == WALKS:
                walks[cond] = stacks
            elif stacks:
                per[wl] = stacks
        if per:
            runs[cond] = per
    return {"machine": read_machine(results), "runs": runs, "raw": raw, "walks": walks}


def present(runs):
    """The stacks the results have a run of, in STACKS' order: the columns of every table."""
    names = {s for per in runs.values() for stacks in per.values() for s in stacks}
    return [s for s in STACKS if s in names]


def rivals(shown):
    """The stacks of shown that are compared with nbdkit+nbd."""
    return [s for s in shown if s in RIVALS]


# ----------------------------------------------------------------------------------------------------------- formatting

def fmt(v, kind="num"):
    if v is None:
        return "–"
    if kind == "int":
        return f"{int(round(v)):,}"
    if kind == "ratio":
        return f"{v:,.2f}"
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 100:
        return f"{v:.1f}"
    if a >= 1 or a == 0:
        return f"{v:.2f}"
    return f"{v:.3f}"


def ratio(ours, theirs, better):
    if better == NEUTRAL or not ours or not theirs:
        return None
    return theirs / ours if better == LOWER else ours / theirs


def size_label(n):
    n = int(n)
    for unit, div in (("M", MIB), ("K", 1024)):
        if n >= div and n % div == 0:
            return f"{n // div}{unit}"
    return str(n)


def histogram(h, sizes):
    if not h:
        return "–"
    items = [(k, int(v)) for k, v in h.items() if int(v)]
    if sizes:
        items.sort(key=lambda kv: int(kv[0]))
        return ", ".join(f"≤{size_label(k)}: {v:,}" for k, v in items) or "none"
    return ", ".join(f"{k}: {v:,}" for k, v in items) or "none"


def cell_status(run):
    if run is None:
        return "not run"
    return "timeout" if run.state == "timeout" else "failed"


def md_escape(text):
    return text.replace("|", "\\|").replace("\n", " ")


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def condition_heading(cond):
    return f"**{cond}** ({CONDITION_TEXT.get(cond, cond)})"


# -------------------------------------------------------------------------------------------------------------- metrics

Metric = collections.namedtuple("Metric", "label better kind get valid_when_failed")


def metric_rows(stacks):
    """The rows of one workload's table, as Metrics (get(run) -> value or None)."""
    wl = next(iter(stacks.values())).workload
    rows = fs_metrics(wl, stacks) if is_fs(wl) else fio_metrics_rows()
    rows += request_metrics(stacks, is_fs(wl))
    if any(run.client_rmw() is not None for run in stacks.values()):
        rows.append(Metric("read-modify-write cycles (ublk-s3's own count)", LOWER, "int",
                           lambda r: r.client_rmw(), False))
    if not is_fs(wl) and any(run.upload_seconds() is not None for run in stacks.values()):
        rows.append(Metric("the cache's uploads after the job (s)", NEUTRAL, "num", lambda r: r.upload_seconds(),
                           False))
    rows += cost_metrics()
    return rows


def shown_phases(workload, stacks):
    """The workload's phases, less the optional ones that no run of stacks has."""
    return [p for p in FS_PHASES.get(workload, ())
            if p not in OPTIONAL_PHASES or any(run.phase(p) is not None for run in stacks.values())]


def fs_metrics(workload, stacks):
    # a failed run's phases that finished are still measured
    rows = [Metric(f"{p} (s)", LOWER, "num", lambda r, p=p: r.phase(p), True) for p in shown_phases(workload, stacks)]
    rows.append(Metric("total (s)", LOWER, "num", lambda r: r.total_seconds(), False))
    rows.append(Metric("files / MiB copied", NEUTRAL, "text",
                       lambda r: (f"{int((r.fsdoc or {}).get('files', 0)):,} / "
                                  f"{fmt((r.fsdoc or {}).get('bytes', 0) / MIB)}") if r.fsdoc else None, False))
    return rows


def fio_metrics_rows():
    return [
        Metric("IOPS", HIGHER, "int", lambda r: r.fio["iops"], False),
        Metric("MiB/s", HIGHER, "num", lambda r: r.fio["mibs"], False),
        Metric("latency p50 (ms)", LOWER, "num", lambda r: r.fio["p50"], False),
        Metric("latency p99 (ms)", LOWER, "num", lambda r: r.fio["p99"], False),
        Metric("MiB moved by fio", NEUTRAL, "num", lambda r: r.fio["io_bytes"] / MIB, False),
    ]


def request_metrics(stacks, fs):
    rows = [
        Metric("GET requests", LOWER, "int", lambda r: r.requests("GET"), False),
        Metric("PUT requests", LOWER, "int", lambda r: r.requests("PUT"), False),
        Metric("LIST requests", LOWER, "int", lambda r: r.requests("LIST"), False),
        Metric("DELETE + DELETE_OBJECTS requests", LOWER, "int",
               lambda r: r.requests("DELETE", "DELETE_OBJECTS"), False),
    ]
    if any(run.requests("HEAD", "OTHER") for run in stacks.values() if run.ok):
        rows.append(Metric("HEAD + other requests", LOWER, "int", lambda r: r.requests("HEAD", "OTHER"), False))
    return rows + [
        Metric("requests (total)", LOWER, "int", lambda r: r.requests(), False),
        Metric("keys deleted", LOWER, "int", lambda r: (r.store or {}).get("keysDeleted"), False),
        Metric("requests per MiB " + ("copied" if fs else "moved by fio"), LOWER, "num",
               lambda r: r.requests_per_mib(), False),
        Metric("MiB into the store", LOWER, "num",
               lambda r: r.store["bytesIn"] / MIB if r.store and "bytesIn" in r.store else None, False),
        Metric("MiB out of the store", LOWER, "num",
               lambda r: r.store["bytesOut"] / MIB if r.store and "bytesOut" in r.store else None, False),
        Metric("read-modify-write cycles (server count)", LOWER, "int",
               lambda r: (r.store or {}).get("readModifyWrite"), False),
    ]


def cost_metrics():
    return [
        Metric("CPU s of the serving processes", NEUTRAL, "num", lambda r: r.cpu_seconds(), False),
        Metric("MiB through the devices", NEUTRAL, "num", lambda r: r.device_mib(), False),
        Metric("CPU s per MiB (ratio: ublk-s3/nbdkit+nbd, lower is better)", OURS_OVER_THEIRS, "num",
               lambda r: r.cpu_per_mib(), False),
    ]


def value(run, getter, valid_when_failed=False):
    if run is None or not (run.ok or valid_when_failed):
        return None
    try:
        return getter(run)
    except (KeyError, TypeError, AttributeError, ZeroDivisionError):
        return None


def value_cell(run, v, kind="num"):
    """v formatted, or why there is none."""
    if v is not None:
        return v if kind == "text" else fmt(v, kind)
    return cell_status(run) if run is None or not run.ok else "–"


def pair_ok(stacks, ours):
    """Whether the runs of ours and of nbdkit+nbd both finished."""
    return all(stacks.get(s) is not None and stacks[s].ok for s in (ours, THEIRS))


def ratio_headers(rivals_shown):
    """The ratio columns' headers: one 'ratio' for a single stack against nbdkit+nbd, else one per stack."""
    if len(rivals_shown) == 1:
        return ["ratio"]
    return [f"ratio, {STACK_LABEL[s]}" for s in rivals_shown]


def workload_table(stacks, raw, shown):
    rows = []
    against = rivals(shown)
    for m in metric_rows(stacks):
        vals = {s: value(stacks.get(s), m.get, m.valid_when_failed) for s in shown}
        cells = [value_cell(stacks.get(s), vals[s], m.kind) for s in shown]
        ratios = []
        for s in against:
            comparable = (stacks.get(s) is not None and stacks.get(THEIRS) is not None
                          and (m.valid_when_failed or pair_ok(stacks, s)))
            r = ratio(vals[s], vals.get(THEIRS), m.better) if comparable and m.kind != "text" else None
            ratios.append(fmt(r, "ratio") if r is not None else "")
        rows.append([m.label] + cells + ratios)
    if raw and raw.get("bytesPerSecond"):
        raw_mibs = raw["bytesPerSecond"] / MIB
        cells = []
        for s in shown:
            run = stacks.get(s)
            v = value(run, lambda r: r.fio["mibs"])
            cells.append(fmt(v / raw_mibs, "ratio") if v is not None else value_cell(run, None))
        rows.append([f"MiB/s ÷ raw CRT PUTs ({fmt(raw_mibs)} MiB/s)"] + cells + [""] * len(against))
    return table(["metric"] + [STACK_LABEL[s] for s in shown] + ratio_headers(against), rows)


Headline = collections.namedtuple("Headline", "ours theirs unit speed requests cpu_ours cpu_theirs cpu_ratio")


def headline(stacks, rival=OURS):
    """One workload's line of the summary for one stack against nbdkit+nbd: speed (MiB/s or total seconds),
    ratios, CPU per MiB."""
    ours, theirs = stacks.get(rival), stacks.get(THEIRS)
    if is_fs(next(iter(stacks.values())).workload):
        get, better, unit = (lambda r: r.total_seconds()), LOWER, "s"
        req = lambda r: r.requests()
    else:
        get, better, unit = (lambda r: r.fio["mibs"]), HIGHER, "MiB/s"
        req = lambda r: r.requests_per_mib()
    cpu = lambda r: r.cpu_per_mib()
    both = pair_ok(stacks, rival)
    vo, vt, co, ct = value(ours, get), value(theirs, get), value(ours, cpu), value(theirs, cpu)
    return Headline(vo, vt, unit,
                    ratio(vo, vt, better) if both else None,
                    ratio(value(ours, req), value(theirs, req), LOWER) if both else None,
                    co, ct, ratio(co, ct, OURS_OVER_THEIRS) if both else None)


# -------------------------------------------------------------------------------------------------------------- targets

AT_LEAST, AT_MOST = "≥", "≤"
Target = collections.namedtuple("Target", "text workload conditions get kind bound_kind bound")


def targets():
    """The targets each run is judged against; the ratio is always ublk-s3/nbdkit+nbd."""
    return [
        Target("4 KiB random read, QD32: IOPS at least 3x nbd's", "randread-4k-qd32", ("datacenter",),
               lambda r: r.fio["iops"], "int", AT_LEAST, 3.0),
        Target("4 KiB random write, QD32: IOPS at least 2x nbd's", "randwrite-4k-qd32", ("datacenter",),
               lambda r: r.fio["iops"], "int", AT_LEAST, 2.0),
        Target("QD1 4 KiB read: fio p50 (ms) no worse than nbd's", QD1_READ, CONDITIONS,
               lambda r: r.fio["p50"], "num", AT_MOST, 1.0),
        Target("fs-backup: total time (s) no slower", "fs-backup", CONDITIONS,
               lambda r: r.total_seconds(), "num", AT_MOST, 1.0),
        Target("zfs: cold metadata walk (s) no slower", "zfs", CONDITIONS,
               lambda r: r.phase("walk"), "num", AT_MOST, 1.0),
    ]


def not_measured_reason(runs, cond, workload):
    """Why a workload under a condition cannot be judged (a stack missing or not ok), or None."""
    if cond not in runs:
        return f"no {cond} run"
    stacks = runs[cond].get(workload)
    if not stacks:
        return f"no {workload} run"
    for s in (OURS, THEIRS):
        run = stacks.get(s)
        if run is None or not run.ok:
            return f"{STACK_LABEL[s]} {cell_status(run)}"
    return None


def meets(r, bound_kind, bound):
    return r >= bound if bound_kind == AT_LEAST else r <= bound


def judge(runs, cond, workload, get):
    """(ours, theirs, ratio ours/theirs, reason not measured or None) of one metric of one workload."""
    reason = not_measured_reason(runs, cond, workload)
    if reason:
        return None, None, None, reason
    stacks = runs[cond][workload]
    vo, vt = value(stacks[OURS], get), value(stacks[THEIRS], get)
    if vo is None or vt is None or not vt:
        return vo, vt, None, "no value"
    return vo, vt, vo / vt, None


def target_row(runs, t, cond):
    vo, vt, r, reason = judge(runs, cond, t.workload, t.get)
    result = f"not measured ({reason})" if reason else "met" if meets(r, t.bound_kind, t.bound) else "not met"
    return [t.text, cond, fmt(vo, t.kind), fmt(vt, t.kind), fmt(r, "ratio"), f"{t.bound_kind} {t.bound:g}", result]


def cpu_target(runs, cond):
    """CPU s per MiB of ublk-s3 no more than nbd's, over every workload of a condition:
    (result, [(workload, ratio) not met], [(workload, reason) not measured])."""
    met, missed, unmeasured = [], [], []
    for wl in ordered(set(WORKLOADS) | set(runs.get(cond, {})), WORKLOADS):
        _, _, r, reason = judge(runs, cond, wl, lambda run: run.cpu_per_mib())
        if reason:
            unmeasured.append((wl, reason))
        elif meets(r, AT_MOST, 1.0):
            met.append(wl)
        else:
            missed.append((wl, r))
    n = len(met) + len(missed) + len(unmeasured)
    if missed:
        result = f"not met ({len(met)} of {n} met)"
    elif unmeasured:
        result = f"not measured ({len(met)} of {n} met, {len(unmeasured)} not measured)"
    else:
        result = f"met ({n} of {n})"
    return result, missed, unmeasured


def targets_lines(runs, cache_shown):
    conds = ordered(set(CONDITIONS) | set(runs), CONDITIONS)
    rows = [target_row(runs, t, c) for t in targets() for c in ordered(set(t.conditions), CONDITIONS)]
    notes = []
    for cond in conds:
        result, missed, unmeasured = cpu_target(runs, cond)
        rows.append(["CPU s per MiB no more than nbd's, each workload", cond, "", "", "", "≤ 1", result])
        if missed:
            notes.append(f"CPU per MiB above nbd's on {cond}: " +
                         ", ".join(f"{wl} ({fmt(r, 'ratio')})" for wl, r in missed) + ".")
        if unmeasured:
            notes.append(f"CPU per MiB not measured on {cond}: " +
                         ", ".join(f"{wl} ({why})" for wl, why in unmeasured) + ".")
    out = ["### Targets", ""]
    out += table(["target", "condition", STACK_LABEL[OURS], STACK_LABEL[THEIRS], "ublk-s3/nbdkit+nbd", "needs",
                  "result"], rows)
    out += ["", "The ratio here is ublk-s3's value over nbdkit+nbd's whatever the direction; \"needs\" says which "
                "side of the bound meets the target. A target is met only when both stacks' runs finished (status "
                "ok) and measured it; a missing, failed or timed-out run shows as not measured."]
    if notes:
        out += [""] + notes
    if cache_shown:
        out += ["", "These are ublk-s3's targets without its cache; the cache's own are in the next section, beside "
                    "its results."]
    return out + [""]


# --------------------------------------------------------------------------------------------------- QD1 read breakdown

Part = collections.namedtuple("Part", "count p50 mean")  # microseconds; count or p50 None: not known
QD1_PARTS = (  # (key, label), in the order of the table
    ("fio", "ublk-s3: fio completion latency (clat)"),
    ("target", "queue: target hop"),
    ("block", "… within it: block read through the storage stack"),
    ("get", "… within it: S3 GET (store.get)"),
    ("handle", "… within it: in the handle call, on the queue thread (which serves nothing else meanwhile)"),
    ("return", "queue: return hop"),
    ("kernel", "kernel + io_uring both ways (fio mean − target mean − return mean)"),
    ("nbd", "nbdkit+nbd: fio completion latency (clat)"),
)


def dig(doc, *keys):
    for k in keys:
        if not isinstance(doc, dict):
            return None
        doc = doc.get(k)
    return doc


def hop_part(hop):
    """A Part from an HdrHistogram summary in ns ({count, p50, mean, ...}); None when it counted nothing."""
    if not isinstance(hop, dict) or not hop.get("count"):
        return None
    return Part(hop["count"], hop.get("p50", 0) / 1e3, hop.get("mean", 0) / 1e3)


def fio_part(run):
    if run is None or not run.ok or run.fio is None or run.fio["mean"] is None:
        return None
    p50 = run.fio["p50"]
    return Part(run.fio["count"], p50 * 1e3 if p50 is not None else None, run.fio["mean"] * 1e3)


def qd1_breakdown(stacks):
    """{key of QD1_PARTS: Part or None (not measured)} of one condition's QD1 4 KiB reads."""
    ours = stacks.get(OURS)
    client = ours.client if ours is not None and ours.ok else None
    parts = {
        "fio": fio_part(ours),
        "target": hop_part(dig(client, "queue", "read", "target_ns")),
        "block": hop_part(dig(client, "block", "read", "latency_ns")),
        "get": hop_part(dig(client, "store", "get", "latency_ns")),
        "handle": hop_part(dig(client, "queue", "read", "handle_ns")),
        "return": hop_part(dig(client, "queue", "read", "return_ns")),
        "nbd": fio_part(stacks.get(THEIRS)),
    }
    # means add up (fio's mean = target + return + the rest), p50s do not: the rest has a mean only
    fio, target, back = parts["fio"], parts["target"], parts["return"]
    parts["kernel"] = Part(None, None, fio.mean - target.mean - back.mean) if fio and target and back else None
    return parts


def percent(part, whole):
    share = 100 * part / whole
    return f"{share:.0f}%" if abs(share) >= 10 else f"{share:.1f}%"


def qd1_table(parts):
    fio = parts["fio"]
    rows = []
    for key, label in QD1_PARTS:
        p = parts[key]
        if p is None:
            rows.append([label, "", "not measured", "not measured", ""])
            continue
        share = percent(p.mean, fio.mean) if fio and fio.mean and key != "nbd" else ""
        rows.append([label, fmt(p.count, "int") if p.count is not None else "", fmt(p.p50), fmt(p.mean), share])
    return table(["part of a read's time", "requests", "p50 (µs)", "mean (µs)", "share of ublk-s3's fio mean"], rows)


def qd1_lines(runs, image):
    conds = [c for c in runs if QD1_READ in runs[c]]
    if not conds:
        return []
    out = ["### Where a QD1 4 KiB read spends its time in ublk-s3", "",
           f"From the {QD1_READ} run: fio's completion latency, and ublk-s3's own times of the same reads "
           "(`ublk-s3 stats --json`). The target hop runs from the queue thread's dispatch of a request to the "
           "storage stack until the stack completes it; the block read (through the storage stack's layers) and "
           "the S3 GET are parts of it. The return hop runs from that completion until the queue thread has the "
           "commit ready for the kernel. Means add up: fio's mean = target + return + what the kernel and "
           "io_uring add both ways, so that last row is the difference of the means; p50s do not add up (the "
           "median of a sum is not the sum of the medians), so it has no p50. Where there are fewer GETs than block "
           "reads, the storage stack answered the others without asking S3. ublk-s3's counts run since its device "
           "was added; the fill before this run only wrote, so its reads are this run's, but they include fio's "
           "ramp, which fio's own counts leave out: the difference is close, not exact.", ""]
    breakdowns = {}
    for cond in conds:
        breakdowns[cond] = qd1_breakdown(runs[cond][QD1_READ])
        out += [condition_heading(cond), ""]
        out += qd1_table(breakdowns[cond])
        out.append("")
    out += [image("side-by-side-qd1-read.png", "where a QD1 4 KiB read spends its time",
                  lambda plt, p: chart_qd1(plt, p, breakdowns)), ""]
    return out


# ------------------------------------------------------------------------------------------------------------ the cache

# the walks of the cache's section, in the order they ran: (label, workload, walk phase, import phase)
WALK_STEPS = (
    ("cold", "zfs", "walk", "import"),
    ("warm", WALKS, "walk-warm", "import-warm"),
    # the warm walk at once again, every block in ZFS's ARC: no device read at all, the walk's CPU alone
    ("again, from the ARC", WALKS, "walk-arc", None),
    ("after del + add", WALKS, "walk-readd", "import-readd"),
    ("after the stream", WALKS, "walk-stream", "import-stream"),
    ("after a reboot", WALKS, "walk-reboot", "import-reboot"),  # a second boot of the guest on the same cache disk
)
STREAM_PHASES = ("stream", "stream-sync", "stream-export", "upload-stream")  # upload-stream: the cache stack's only
CACHE_TARGET_CONDITIONS = ("home",)  # the issue states its targets for the home link
WRITE_KINDS = ("PUT", "GET", "LIST")  # the requests per MiB of the random-write target
LATENCIES = ("p50", "p90", "p99", "p99.9")

CacheTarget = collections.namedtuple("CacheTarget", "text step bound zero_gets")
CACHE_TARGETS = (
    CacheTarget("warm walk: at least 50x faster than nbdkit+nbd's, with 0 GETs", "walk-warm", 50.0, True),
    CacheTarget("walk after del + add with the same cache: at least 50x faster, with 0 GETs", "walk-readd", 50.0,
                True),
    CacheTarget("walk after the stream: at least 20x faster", "walk-stream", 20.0, False),
    CacheTarget(f"{RANDWRITE_ONCE}: at least 10x fewer requests (PUT + GET + LIST) per MiB", None, 10.0, False),
)

Walk = collections.namedtuple("Walk", "run imported seconds gets hits misses")


def walk_of(runs, walks, cond, stack, step):
    """One stack's figures of one walk of WALK_STEPS (None where not measured); None when the stack has no run."""
    _, workload, phase, import_phase = step
    run = (walks.get(cond, {}) if workload == WALKS else runs.get(cond, {}).get(workload, {})).get(stack)
    if run is None:
        return None
    # a phase is recorded only once it finished: a walk measured before a later step failed still counts
    imported = run.phase(import_phase) if import_phase else None
    return Walk(run, imported, run.phase(phase), run.phase_requests(phase, "GET"),
                run.phase_cache(phase, "hits"), run.phase_cache(phase, "misses"))


def unmeasured(walk):
    """Why a walk of walk_of has no time."""
    if walk is None:
        return "not run"
    return "did not walk there" if walk.run.ok else cell_status(walk.run)


def writes_per_mib(run):
    return run.requests(*WRITE_KINDS) / (run.fio["io_bytes"] / MIB) if run.store and run.fio["io_bytes"] else None


def times(better, worse):
    """How many times better (a ratio above 1), or None."""
    return worse / better if better and worse else None


def cache_stacks(runs, walks, cond):
    """The stacks with a run in the cache's section under cond, in STACKS' order."""
    names = set(walks.get(cond, {})) | set(runs.get(cond, {}).get("zfs", {})) | set(
        runs.get(cond, {}).get(RANDWRITE_ONCE, {}))
    return [s for s in STACKS if s in names]


def cache_target_row(t, runs, walks, cond):
    if t.step is None:
        stacks = runs.get(cond, {}).get(RANDWRITE_ONCE, {})
        missing = next((f"{STACK_LABEL[s]} {cell_status(stacks.get(s))}" for s in (CACHED, THEIRS)
                        if stacks.get(s) is None or not stacks[s].ok), None)
        vc, vt = (value(stacks.get(s), writes_per_mib) for s in (CACHED, THEIRS))
        cells = [fmt(vc), fmt(vt)]
        r = times(vc, vt)
        why_not = None if r is None or r >= t.bound else f"{fmt(r, 'ratio')}x"
    else:
        step = next(w for w in WALK_STEPS if w[2] == t.step)
        c, n = (walk_of(runs, walks, cond, s, step) for s in (CACHED, THEIRS))
        missing = next((f"{STACK_LABEL[s]} {unmeasured(w)}" for s, w in ((CACHED, c), (THEIRS, n))
                        if w is None or w.seconds is None), None)
        cells = [f"{fmt(w.seconds)} s, {fmt(w.gets, 'int')} GETs" if w and w.seconds is not None else "–"
                 for w in (c, n)]
        r = times(c.seconds, n.seconds) if c and n else None
        why_not = []
        if r is not None and r < t.bound:
            why_not.append(f"{fmt(r, 'ratio')}x")
        if t.zero_gets and c and c.gets != 0:
            why_not.append(f"{fmt(c.gets, 'int')} GETs" if c.gets is not None else "GETs not counted")
        why_not = ", ".join(why_not) or None
    if cond not in runs and cond not in walks:
        result = f"not measured (no {cond} run)"
    elif missing or r is None:
        result = f"not measured ({missing or 'no value'})"
    else:
        result = f"not met ({why_not})" if why_not else "met"
    needs = f"≥ {t.bound:g}" + (", 0 GETs" if t.zero_gets else "")
    return [t.text, cond] + cells + [fmt(r, "ratio"), needs, result]


ARC_STEP = next(w for w in WALK_STEPS if w[2] == "walk-arc")


def measured_walk(runs, walks, cond, stack, step):
    """walk_of, where the walk has a time; else None."""
    w = walk_of(runs, walks, cond, stack, step)
    return w if w is not None and w.seconds is not None else None


def device_wait(walk, arc):
    """A walk's seconds above its stack's walk from the ARC (no device read): what it waited on its device."""
    if walk is None or walk.seconds is None or arc is None:
        return None
    return max(walk.seconds - arc.seconds, 0.0)


def walk_table(runs, walks, cond, shown):
    rows = []
    arcs = {s: measured_walk(runs, walks, cond, s, ARC_STEP) for s in set(shown) | {THEIRS}}
    with_arc = any(arcs[s] for s in shown)
    for step in WALK_STEPS:
        theirs = walk_of(runs, walks, cond, THEIRS, step)
        their_wait = device_wait(theirs, arcs[THEIRS])
        for s in shown:
            w = walk_of(runs, walks, cond, s, step)
            if w is None or (w.seconds is None and w.run.ok):  # a step the stack does not run
                continue
            if w.seconds is None:
                rows.append([step[0], STACK_LABEL[s], fmt(w.imported), cell_status(w.run), "", "", ""] +
                            (["", ""] if with_arc else []))
                continue
            cache = f"{fmt(w.hits, 'int')} / {fmt(w.misses, 'int')}" if w.hits is not None else "–"
            r = times(w.seconds, theirs.seconds) if s != THEIRS and theirs else None
            row = [step[0], STACK_LABEL[s], fmt(w.imported), fmt(w.seconds), fmt(w.gets, "int"), cache,
                   fmt(r, "ratio") if r is not None else ""]
            if with_arc:
                wait = device_wait(w, arcs[s]) if step is not ARC_STEP else None
                rw = times(wait, their_wait) if s != THEIRS and wait is not None else None
                row += [fmt(wait) if wait is not None else "", fmt(rw, "ratio") if rw is not None else ""]
            rows.append(row)
    return table(["walk", "stack", "import (s)", "walk (s)", "GETs during the walk", "cache hits / misses",
                  "times faster than nbdkit+nbd"] +
                 (["waiting on the device (s)", "times less waiting than nbdkit+nbd"] if with_arc else []),
                 rows) if rows else []


def stream_table(walks, cond, shown):
    rows, stacks = [], walks.get(cond, {})
    theirs = stacks.get(THEIRS)

    def total(run):
        values = [run.phase(p) for p in STREAM_PHASES]
        return sum(v or 0.0 for v in values) if all(values[:3]) else None
    for s in shown:
        run = stacks.get(s)
        if run is None or (run.phase("stream") is None and run.ok):  # a stack that does not stream
            continue
        if run.phase("stream") is None:
            rows.append([STACK_LABEL[s], cell_status(run)] + [""] * 5)
            continue
        t = total(run)
        r = times(t, total(theirs)) if s != THEIRS and theirs is not None and theirs.phase("stream") else None
        rows.append([STACK_LABEL[s]] + [fmt(run.phase(p)) for p in STREAM_PHASES] +
                    [fmt(t), fmt(r, "ratio") if r is not None else ""])
    return table(["stack", "write (s)", "zpool sync (s)", "export (s)", "upload to the store (s)", "total (s)",
                  "times faster than nbdkit+nbd"], rows) if rows else []


def writes_table(runs, cond, shown):
    stacks = runs.get(cond, {}).get(RANDWRITE_ONCE, {})
    theirs = value(stacks.get(THEIRS), writes_per_mib)
    rows = []
    for s in shown:
        run = stacks.get(s)
        if run is None:
            continue
        if not run.ok:
            rows.append([STACK_LABEL[s], cell_status(run)] + [""] * 10)
            continue
        per = value(run, writes_per_mib)
        r = times(per, theirs) if s != THEIRS else None
        rows.append([STACK_LABEL[s], fmt(run.fio["io_bytes"] / MIB)] +
                    [fmt(run.requests(k), "int") for k in WRITE_KINDS] +
                    [fmt(per), fmt(r, "ratio") if r is not None else ""] +
                    [fmt(run.fio[p]) for p in LATENCIES] + [fmt(run.upload_seconds())])
    return table(["stack", "MiB written", "PUT", "GET", "LIST", "requests per MiB", "times fewer than nbdkit+nbd"] +
                 [f"latency {p} (ms)" for p in LATENCIES] + ["the cache's uploads after fio (s)"], rows) if rows else []


def chart_cache(plt, path, cond, runs, walks, shown):
    """Per condition: walk seconds and GETs per step, and the random writes' requests per MiB and latencies."""
    def measured(stack, step):
        return measured_walk(runs, walks, cond, stack, step)
    steps = [w for w in WALK_STEPS if any(measured(s, w) for s in shown)]
    writes = runs.get(cond, {}).get(RANDWRITE_ONCE, {})

    def walk_series(get):
        out = {}
        for s in shown:
            figures = [measured(s, w) for w in steps]
            if any(figures):
                out[s] = [get(f) if f else None for f in figures]
        return out

    def write_series(get, n):
        return {s: [value(writes.get(s), lambda r, i=i: get(r)[i]) for i in range(n)]
                for s in shown if writes.get(s) is not None and writes[s].ok}
    wrote = any(writes.get(s) is not None for s in shown)
    fig, axes = plt.subplots(1, 4 if wrote else 2, figsize=(13, 4) if wrote else (11, 4),
                             gridspec_kw={"width_ratios": [3, 3, 1.3, 2.2] if wrote else [1, 1]})
    labels = [{"after del + add": "after\ndel+add", "after the stream": "after\nstream",
               "after a reboot": "after\nreboot", "again, from the ARC": "from\nthe ARC"}.get(w[0], w[0])
              for w in steps]
    grouped(axes[0], labels, walk_series(lambda f: f.seconds), "walk (s, log scale;\nlower is better)", "s", shown,
            log=True)
    grouped(axes[1], labels, walk_series(lambda f: f.gets), "GETs during the walk\n(lower is better)", "GETs",
            shown, "int", log=True)
    if wrote:  # the random writes' panels only where the run wrote them
        grouped(axes[2], ["per MiB"], write_series(lambda r: [writes_per_mib(r)], 1),
                f"{RANDWRITE_ONCE}: PUT+GET+LIST\nper MiB (lower is better)", "requests / MiB", shown, log=True)
        grouped(axes[3], ["p50", "p99"], write_series(lambda r: [r.fio["p50"], r.fio["p99"]], 2),
                f"{RANDWRITE_ONCE}: latency\n(log scale; lower is better)", "ms", shown, log=True)
    stack_legend(plt, fig, shown)
    fig.suptitle(f"the cache, {cond}", x=0.01, ha="left")
    fig.tight_layout(rect=(0, 0.02, 1, 0.9))
    save(plt, fig, path)


def cache_lines(runs, walks, image):
    conds = ordered(set(runs) | set(walks), CONDITIONS)
    out = ["### The cache: ublk-s3 --cache against nbdkit+nbd", "",
           "ublk-s3 --cache is ublk-s3 with `add --cache DIR` in writeback (where each device's cache is, and its "
           "size: the ublk-s3-cache line above). Each walk is `find DIR -type "
           "d -exec ls -l {} +` over the zfs workload's pool after `zpool export`, dropping the kernel's caches, and "
           "`zpool import`, so ZFS's own cache (the ARC) starts empty every time and only a stack's own cache can "
           "answer: cold is the zfs workload's walk (the cache stack's cache already holds what ZFS wrote through "
           "it), warm the next one at once, then after `ublk-s3 del` and `add` of both devices with the same cache "
           "directories (nbdkit and nbd-client restarted likewise), and after a stream of random bytes written into "
           "the pool as one file (`zpool sync`, and for the cache stack the upload of it all). The stream's records "
           "go to the data vdev, whose cache is not the special vdev's, where the metadata is. Before each walk the "
           "cache stack's devices are synced, so that the GETs counted at the server during the walk are the walk's "
           "own. Times faster (or fewer): nbdkit+nbd's figure over the stack's, in the same run. " + (
               "After a reboot: the guest booted again on the same cache disk (the S3 servers, on the host, kept "
               "their objects), the devices added with the same caches, the pool imported and walked."
               if any(measured_walk(runs, walks, c, s, WALK_STEPS[-1]) for c in conds for s in (CACHED, THEIRS))
               else "Not measured in this run: the walk after a reboot of the guest with the cache on a persistent "
                    "disk."), "",
           "Targets (issue 17, stated for the home link). A walk's target is judged on both stacks' walks as "
           "measured, even when a later step of the run failed.", ""]
    wrote = any(runs.get(c, {}).get(RANDWRITE_ONCE) for c in conds)
    walked = any(walks.get(c) or runs.get(c, {}).get("zfs") for c in conds)
    targets = [t for t in CACHE_TARGETS if (wrote if t.step is None else walked)]  # of the workloads this run ran
    out += table(["target", "condition", STACK_LABEL[CACHED], STACK_LABEL[THEIRS], "times better", "needs", "result"],
                 [cache_target_row(t, runs, walks, c) for t in targets for c in CACHE_TARGET_CONDITIONS])
    out.append("")
    for cond in conds:
        shown = cache_stacks(runs, walks, cond)
        if not shown:
            continue
        out += [condition_heading(cond), ""]
        for title, rows in (("Metadata walks", walk_table(runs, walks, cond, shown)),
                            ("The stream, before the walk after it", stream_table(walks, cond, shown)),
                            (f"4 KiB random writes ({RANDWRITE_ONCE})", writes_table(runs, cond, shown))):
            if rows:
                out += [f"{title}:", ""] + rows + [""]
        notes = [f"{STACK_LABEL[s]}, {wl}: {md_escape(run.status_text)}"
                 for wl, stacks in (("zfs", runs.get(cond, {}).get("zfs", {})), (WALKS, walks.get(cond, {})),
                                    (RANDWRITE_ONCE, runs.get(cond, {}).get(RANDWRITE_ONCE, {})))
                 for s, run in sorted(stacks.items(), key=lambda kv: STACKS.index(kv[0])) if not run.ok]
        if notes:
            out += ["; ".join(notes) + ".", ""]
        out += [image(f"side-by-side-{cond}-cache.png", f"the cache, {cond}",
                      lambda plt, p, c=cond, s=shown: chart_cache(plt, p, c, runs, walks, s)), ""]
    if any(measured_walk(runs, walks, c, s, ARC_STEP) for c in conds for s in (CACHED, THEIRS)):
        out += ["Again, from the ARC: the warm walk repeated at once, before the export, so that every block it needs "
                "is in ZFS's own cache and no device is read: the walk's CPU alone, the floor of any stack in this "
                "guest. Waiting on the device: a walk's seconds above its stack's walk from the ARC.", ""]
    if not wrote:
        return out
    out += [f"{RANDWRITE_ONCE} writes each 4 KiB of the start of the fio region once, in random order, at queue "
            "depth 1, into objects the fill wrote, so that each write of nbdkit+nbd is a read-modify-write. Requests "
            "per MiB: PUT + GET + LIST at the server over the MiB fio wrote, counted after the cache stack's sync so "
            "that its uploads count. The cache uploads an object after 2 s without writes to it, or 30 s after its "
            "first unwritten write, so its count depends on how the writes fall in time as well as on how many "
            "there are; the region's objects are in its cache already (the fill and the read jobs), so its uploads "
            "need no GET. Latency: fio's completion latency percentiles of the same job.", ""]
    return out


# --------------------------------------------------------------------------------------------------------------- charts

def setup_matplotlib():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    plt.rcdefaults()
    plt.rcParams.update({
        "font.family": "DejaVu Sans", "font.size": 10, "axes.titlesize": 10, "figure.titlesize": 12,
        "axes.spines.top": False, "axes.spines.right": False, "svg.hashsalt": "side-by-side",
    })
    return plt


def save(plt, fig, path):
    # no Software (matplotlib's version) in the PNG: the same data gives the same bytes
    fig.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(fig)


def grouped(ax, groups, series, title, ylabel, shown, kind="num", log=False):
    """Bars per group (x) for each stack of shown; series: {stack: [value or None]} (a stack absent: no bars). On a
    log scale every bar is labelled (0 as a label only: a log scale has no 0)."""
    import numpy as np
    x = np.arange(len(groups))
    width = 0.76 / len(shown)
    values = [v for vs in series.values() for v in vs if v is not None]
    positive = [v for v in values if v > 0]
    top = max(values + [0])
    # beside two neighbours a label runs into theirs: upright then, with room above the bars
    crowded = len(shown) > 2
    label_style = {"fontsize": 7.5, "rotation": 90} if crowded else {"fontsize": 7.5}
    for i, stack in enumerate(shown):
        vals = series.get(stack)
        xs = x + (i - (len(shown) - 1) / 2) * width
        if vals is None:
            continue
        if log:
            floor = min(positive) / 1.5 if positive else 1.0  # where a 0 gets its label
            ax.bar(xs, [v if v else float("nan") for v in vals], width, label=STACK_LABEL[stack], color=COLORS[stack])
            for xx, v in zip(xs, vals):
                if v is not None:
                    ax.text(xx, v or floor, fmt(v, kind), ha="center", va="bottom", **label_style)
            continue
        heights = [v if v is not None else 0 for v in vals]
        bars = ax.bar(xs, heights, width, label=STACK_LABEL[stack], color=COLORS[stack])
        # no label on bars too small to see: they would overlap their neighbours'
        ax.bar_label(bars, labels=[fmt(v, kind) if v and v >= top * 0.02 else "" for v in vals], padding=2,
                     **label_style)
    ax.set_xticks(x, groups)
    ax.set_xlim(-0.8, len(groups) - 0.2)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
        ax.set_ylim(min(positive) / 2 if positive else 0.1, top * (12 if crowded else 4) if top > 0 else 1)
    else:
        ax.set_ylim(0, top * (1.4 if crowded else 1.18) if top > 0 else 1)


def stack_notes(fig, stacks, shown):
    notes = [f"{STACK_LABEL[s]}: {cell_status(stacks.get(s))}" for s in shown
             if stacks.get(s) is None or not stacks[s].ok]
    if notes:
        fig.text(0.99, 0.01, "; ".join(notes), ha="right", va="bottom", fontsize=9, color="#b00000")


def stack_legend(plt, fig, shown):
    handles = [plt.Rectangle((0, 0), 1, 1, color=COLORS[s]) for s in shown]
    fig.legend(handles, [STACK_LABEL[s] for s in shown], loc="upper right", ncol=len(shown), frameon=False)


def chart_workload(plt, path, cond, wl, stacks, shown, raw=None):
    def series(getter, n, when_failed=False):
        out = {}
        for s in shown:
            run = stacks.get(s)
            if run is not None and (run.ok or when_failed):
                out[s] = [value(run, lambda r, i=i: getter(r)[i], when_failed) for i in range(n)]
        return out

    cpu = series(lambda r: [r.cpu_per_mib()], 1)
    if is_fs(wl):
        phases = shown_phases(wl, stacks)
        fig, axes = plt.subplots(1, 3, figsize=(11, 4), gridspec_kw={"width_ratios": [len(phases) + 1, 4, 1.3]})
        grouped(axes[0], list(phases) + ["total"],
                series(lambda r: [r.phase(p) for p in phases] + [r.total_seconds()], len(phases) + 1, True),
                "seconds per phase (lower is better)", "s", shown)
        grouped(axes[1], ["GET", "PUT", "LIST", "DELETE*"],
                series(lambda r: [r.requests("GET"), r.requests("PUT"), r.requests("LIST"),
                                  r.requests("DELETE", "DELETE_OBJECTS")], 4),
                "S3 requests (lower is better)", "requests", shown, "int")
    else:
        fig, axes = plt.subplots(1, 4, figsize=(11, 4), gridspec_kw={"width_ratios": [1.3, 2, 3, 1.3]})
        grouped(axes[0], ["MiB/s"], series(lambda r: [r.fio["mibs"]], 1), "throughput\n(higher is better)", "MiB/s",
                shown)
        if raw and raw.get("bytesPerSecond"):
            raw_mibs = raw["bytesPerSecond"] / MIB
            line = axes[0].axhline(raw_mibs, color="#555555", linestyle="--", linewidth=1)
            axes[0].legend([line], [f"raw CRT PUTs: {fmt(raw_mibs)}"], loc="upper center", fontsize=7.5,
                           frameon=False)
            axes[0].set_ylim(0, max(axes[0].get_ylim()[1], raw_mibs * 1.18) * 1.3)  # room for the legend
        grouped(axes[1], ["p50", "p99"], series(lambda r: [r.fio["p50"], r.fio["p99"]], 2),
                "latency (lower is better)", "ms", shown)
        per = lambda r, *k: (r.requests(*k) / (r.fio["io_bytes"] / MIB)
                             if r.fio["io_bytes"] and r.store else None)
        grouped(axes[2], ["GET", "PUT", "other"],
                series(lambda r: [per(r, "GET"), per(r, "PUT"),
                                  per(r, "LIST", "DELETE", "DELETE_OBJECTS", "HEAD", "OTHER")], 3),
                "S3 requests per MiB (lower is better)", "requests / MiB", shown)
    grouped(axes[-1], ["CPU"], cpu, "CPU s per MiB\n(lower is better)", "CPU s / MiB", shown)
    stack_legend(plt, fig, shown)
    fig.suptitle(f"{wl}, {cond}", x=0.01, ha="left")
    stack_notes(fig, stacks, shown)
    fig.tight_layout(rect=(0, 0.04, 1, 0.93))
    save(plt, fig, path)


# the summary chart's bars per stack against nbdkit+nbd: (speed's colour, requests' colour)
SUMMARY_COLORS = {OURS: ("#2ca02c", "#9467bd"), CACHED: ("#98df8a", "#c5b0d5")}


def chart_summary(plt, path, runs, against):
    import matplotlib.ticker
    import numpy as np
    conds = list(runs)
    wls = ordered({w for c in conds for w in runs[c]}, WORKLOADS)
    fig, axes = plt.subplots(1, len(conds), figsize=(4 + 3.2 * len(conds),
                                                     max(4.0, 0.42 * len(wls) * len(against) + 1.4)),
                             squeeze=False, sharey=True)
    y = np.arange(len(wls))
    bars = [(s, j) for s in against for j in range(2)]  # j: 0 speed, 1 requests
    h = 0.76 / len(bars)
    for ax, cond in zip(axes[0], conds):
        heads = {s: [headline(runs[cond][w], s) if w in runs[cond] else None for w in wls] for s in against}
        whys = {s: [summary_why(runs[cond].get(w), s) for w in wls] for s in against}
        vals = [v for s in against for hd in heads[s] if hd for v in (hd.speed, hd.requests) if v]
        lo, hi = min(vals + [1.0]), max(vals + [1.0])
        for k, (s, j) in enumerate(bars):
            label = ("speed", "S3 requests")[j] + (f", {STACK_LABEL[s]}" if len(against) > 1 else "")
            data = [(hd.speed, hd.requests)[j] if hd else None for hd in heads[s]]
            ys = y + (k - (len(bars) - 1) / 2) * h
            ax.barh(ys, [d if d else 0 for d in data], h, left=0, color=SUMMARY_COLORS[s][j], label=label)
            for yy, d, why in zip(ys, data, whys[s]):
                ax.text(d if d else 1.0, yy, f" {fmt(d, 'ratio')}" if d else f" {why}", va="center", fontsize=8)
        ax.set_xscale("log")
        ax.set_xlim(lo / 1.6, hi * 2.6)
        ticks = [t for t in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
                 if lo / 1.6 <= t <= hi * 2.6]
        ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
        ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
        ax.axvline(1.0, color="black", linewidth=0.8)
        ax.set_title(cond)
    axes[0][0].set_yticks(y, wls)
    axes[0][0].invert_yaxis()
    axes[0][0].legend(loc="lower right", fontsize=8, frameon=False)
    fig.suptitle("ratios, above 1: ublk-s3 is better", x=0.01, ha="left")
    fig.tight_layout()
    save(plt, fig, path)


def summary_why(stacks, rival=OURS):
    """What a summary chart shows instead of a missing ratio of rival against nbdkit+nbd."""
    if not stacks:
        return "not run"
    return next((f"{STACK_LABEL[s]} {cell_status(stacks.get(s))}" for s in (rival, THEIRS)
                 if stacks.get(s) is None or not stacks[s].ok), "n/a")


def chart_qd1(plt, path, breakdowns):
    """Per condition: ublk-s3's fio mean split into target, return and kernel + io_uring, beside nbd's mean."""
    conds = list(breakdowns)
    fig, axes = plt.subplots(1, len(conds), figsize=(3 + 2.6 * len(conds), 4), squeeze=False)
    pieces = (("target", "target hop", "#1f77b4"), ("return", "return hop", "#aec7e8"),
              ("kernel", "kernel + io_uring", "#9edae5"))
    for ax, cond in zip(axes[0], conds):
        parts = breakdowns[cond]
        bottom = 0.0
        for key, label, color in pieces:
            p = parts[key]
            height = max(p.mean / 1e3, 0.0) if p else 0.0  # the kernel's share can come out below 0 (noise)
            ax.bar([0], [height], 0.6, bottom=[bottom], color=color, label=label)
            bottom += height
        nbd = parts["nbd"]
        ax.bar([1], [nbd.mean / 1e3 if nbd else 0.0], 0.6, color=COLORS[THEIRS], label="nbdkit+nbd")
        for x, p in ((0, parts["fio"]), (1, nbd)):
            ax.text(x, (p.mean / 1e3 if p else 0.0), f"{fmt(p.mean / 1e3)}" if p else "not measured",
                    ha="center", va="bottom", fontsize=8)
        ax.set_xticks([0, 1], [STACK_LABEL[OURS], STACK_LABEL[THEIRS]])
        ax.set_xlim(-0.7, 1.7)
        ax.set_ylim(0, max(bottom, nbd.mean / 1e3 if nbd else 0.0, 0.001) * 1.2)
        ax.set_title(cond)
        ax.set_ylabel("mean completion latency (ms)")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper right", ncol=4, frameon=False, fontsize=8)
    fig.suptitle("QD1 4 KiB read: fio's mean", x=0.01, ha="left")
    fig.tight_layout(rect=(0, 0, 1, 0.9))
    save(plt, fig, path)


# ------------------------------------------------------------------------------------------------------------- document

def intro_lines(data, runs, shown):
    machine = dict(data["machine"])
    title = "## Side by side: ublk-s3 vs nbdkit's S3 plugin + nbd-client (`benchmarks/bin/side-by-side`)"
    if CACHED in shown and OURS not in shown:
        title = title.replace("ublk-s3 vs", "ublk-s3 with its cache vs")
        stacks_text = ("The same workloads ran on both stacks, one after the other in one VM boot: ublk-s3 with its "
                       "persistent cache (`add --cache`, writeback, shown as ublk-s3 --cache), and the stack it "
                       "replaces (Debian's nbdkit S3 plugin behind the kernel's nbd-client, shown as nbdkit+nbd).")
        alike = "both stacks"
    elif CACHED in shown:
        stacks_text = ("The same fio and file system workloads ran on each stack, one after the other in one VM boot: "
                       "ublk-s3; ublk-s3 with its persistent cache (`add --cache`, writeback, shown as ublk-s3 "
                       "--cache); and the stack they replace (Debian's nbdkit S3 plugin behind the kernel's "
                       "nbd-client, shown as nbdkit+nbd).")
        alike = "every stack"
    else:
        stacks_text = ("The same fio and file system workloads ran on both stacks, one after the other in one VM boot: "
                       "ublk-s3, and the stack it replaces (Debian's nbdkit S3 plugin behind the kernel's nbd-client, "
                       "shown as nbdkit+nbd).")
        alike = "both stacks"
    out = [title, ""]
    out.append(
        stacks_text + " The S3 servers (ublk-s3 local-s3, objects in memory, counting every request) run natively "
        "on the host, one per condition, in a network namespace of the run's own; the guest reaches them over a "
        "tap device, so the guest's CPUs run only the stacks under test. Conditions, emulated at the S3 server "
        f"for {alike} alike: " +
        "; ".join(f"**{c}** ({CONDITION_TEXT.get(c, c)})" for c in runs) + ". "
        "The VM runs under qemu TCG (software emulation), so the stacks' absolute timings mean little and only "
        "ratios within one run mean anything; the requests, sizes and bytes counted at the S3 server do not "
        "depend on speed.")
    out.append("")
    out += [f"- {md_escape(k)}: {md_escape(v)}" if v else f"- {md_escape(k)}" for k, v in data["machine"]
            if k != "command"]
    if data["machine"]:
        out.append("")
    if machine.get("command"):
        out += ["Command:", "", "```", machine["command"], "```", ""]
    return out


def summary_lines(runs, image, shown):
    against = rivals(shown) or [OURS]
    multi = len(against) > 1
    rows = []
    for cond in runs:
        for wl, stacks in runs[cond].items():
            for rival in against:
                hd = headline(stacks, rival)
                ours, theirs = stacks.get(rival), stacks.get(THEIRS)

                def speed(run, v):
                    return f"{fmt(v)} {hd.unit}" if v is not None else value_cell(run, None)
                rows.append([wl, cond] + ([STACK_LABEL[rival]] if multi else []) +
                            [speed(ours, hd.ours), speed(theirs, hd.theirs),
                             fmt(hd.speed, "ratio") if hd.speed else "",
                             fmt(hd.requests, "ratio") if hd.requests else "",
                             value_cell(ours, hd.cpu_ours), value_cell(theirs, hd.cpu_theirs),
                             fmt(hd.cpu_ratio, "ratio") if hd.cpu_ratio else ""])
    who = "stack" if multi else STACK_LABEL[against[0]]
    out = ["### Summary", ""]
    out += table(["workload", "condition"] + (["stack", "stack's value"] if multi else [who]) +
                 ["nbdkit+nbd", "speed ratio", "S3 requests ratio", f"CPU s per MiB, {who}",
                  "CPU s per MiB, nbdkit+nbd", f"CPU ratio, {who}/nbdkit+nbd"], rows)
    out += ["",
            "Ratio rule, here and below: for a higher-is-better metric (IOPS, MiB/s) the ratio is ublk-s3/nbdkit+nbd, "
            "for a lower-is-better one (latency, seconds, requests, bytes at the store, read-modify-write cycles) it "
            "is nbdkit+nbd/ublk-s3, so a ratio above 1 means ublk-s3 is better; except CPU per MiB, whose ratio is "
            "ublk-s3/nbdkit+nbd as its target is stated, so below 1 means ublk-s3 is better. A ratio is blank when "
            "either side is 0, missing or failed, or the row has no better direction. Speed ratio: MiB/s for fio "
            "workloads, total seconds of the phases for the file system ones; S3 requests ratio: requests per MiB "
            "moved by fio (the stacks may move different amounts in a time-limited run), total requests for the "
            "file system workloads. CPU s per MiB: CPU time (user + system) of the stack's serving processes "
            "(ublk-s3's server JVMs; the nbdkit processes) during the run over the MiB read and written through "
            "its block devices (/sys/block/*/stat); the S3 servers' CPU is not in it." +
            (" Each of ublk-s3 and ublk-s3 --cache has its rows, against nbdkit+nbd of the same run, with the "
             "ratio rule above (ublk-s3 standing for either). The cache stack's file system times include its "
             "upload phase (until the store has what it wrote), and its requests include what it uploaded after "
             "each fio job; fio's own figures of it do not wait for the uploads." if CACHED in against else ""), ""]
    if runs:
        out += [image("side-by-side-summary.png", "summary of ratios",
                      lambda plt, p: chart_summary(plt, p, runs, against)), ""]
    return out


def workload_lines(runs, raw, image, shown):
    out = []
    for wl in ordered({w for c in runs for w in runs[c]}, WORKLOADS):
        out += [f"### {wl}: {WORKLOAD_TEXT.get(wl, wl)}", ""]
        for cond in runs:
            stacks = runs[cond].get(wl)
            if not stacks:
                continue
            out += [condition_heading(cond), ""]
            r = raw.get(cond) if wl in SEQUENTIAL_WRITES else None
            out += workload_table(stacks, r, shown)
            out.append("")
            notes = [f"{STACK_LABEL[s]}: {md_escape(stacks[s].status_text)}" for s in shown
                     if s in stacks and not stacks[s].ok]
            notes += [f"{STACK_LABEL[s]}: not run" for s in shown if s not in stacks]
            if notes:
                out += ["; ".join(notes) + ".", ""]
            if r and r.get("bytesPerSecond"):
                out += [f"Raw CRT PUTs: {int(r.get('objects', 0)):,} objects of {size_label(r.get('objectSize', 0))} "
                        f"with {r.get('concurrency', '?')} in flight in {fmt(r.get('seconds'))} s = "
                        f"{fmt(r['bytesPerSecond'] / MIB)} MiB/s on the same server and condition; the last row is "
                        "each stack's MiB/s over it (ours/raw).", ""]
            out += [image(f"side-by-side-{cond}-{wl}.png", f"{wl}, {cond}",
                          lambda plt, p, c=cond, w=wl, s=stacks, r=r: chart_workload(plt, p, c, w, s, shown, r)),
                    ""]
    return out


def request_size_lines(runs, shown):
    out = []
    for cond in runs:
        rows = []
        for wl, stacks in runs[cond].items():
            if is_fs(wl) or "write" in wl:
                rows += [request_size_row(wl, s, stacks.get(s)) for s in shown]
        if rows:
            out += [f"**{cond}**", ""] + table(["workload", "stack", "PUT sizes", "GET sizes", "GET alignment"], rows)
            out.append("")
    if not out:
        return []
    return ["### Request sizes and alignment at the S3 server (write-heavy workloads)", "",
            "Sizes are histogram buckets: ≤N counts requests of more than N/2 and at most N bytes.", ""] + out


def request_size_row(wl, stack, run):
    if run is None:
        return [wl, STACK_LABEL[stack], "not run", "", ""]
    if run.store is None:
        return [wl, STACK_LABEL[stack], cell_status(run) if not run.ok else "no store.json", "", ""]
    st = run.store
    return [wl, STACK_LABEL[stack] + ("" if run.ok else f" ({run.state})"), histogram(st.get("putSizes"), True),
            histogram(st.get("getSizes"), True), histogram(st.get("getAlignment"), False)]


def render(data, doc_dir, img_dir, charts=True, section=DEFAULT_SECTION):
    """(markdown section without the markers, [png paths written]); the charts' names begin with section."""
    plt = setup_matplotlib() if charts else None
    written = []

    def image(name, alt, draw):
        """The Markdown link to a chart, drawing it with draw(plt, path) first."""
        path = os.path.join(img_dir, section + name.removeprefix(DEFAULT_SECTION))
        if charts:
            draw(plt, path)
            written.append(path)
        rel = os.path.relpath(path, doc_dir).replace(os.sep, "/")
        return f"![{alt}]({rel})"

    runs, raw, walks = data["runs"], data["raw"], data.get("walks", {})
    shown = present(runs)
    cache_shown = CACHED in shown or any(CACHED in w for w in walks.values())
    out = intro_lines(data, runs, shown)
    out += summary_lines(runs, image, shown)
    if OURS in shown:  # plain ublk-s3's targets: a run of the cache stack alone has nothing to judge them on
        out += targets_lines(runs, cache_shown)
    if cache_shown:
        out += cache_lines(runs, walks, image)
    out += qd1_lines(runs, image)
    out += workload_lines(runs, raw, image, shown)
    out += request_size_lines(runs, shown)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n", written


def rewrite_doc(text, section, name=DEFAULT_SECTION):
    """text with the lines between name's markers replaced by section; markers + section appended when absent."""
    begin, end = markers(name)
    lines = text.split("\n")
    try:
        b = lines.index(begin)
        e = lines.index(end, b + 1)
    except ValueError:
        body = text.rstrip("\n")
        return (body + "\n\n" if body else "") + begin + "\n" + section + end + "\n"
    return "\n".join(lines[:b + 1]) + "\n" + section + "\n".join(lines[e:])


def remove_stale_charts(img_dir, written, name=DEFAULT_SECTION):
    """Charts of workloads no longer in the results would stay linked from nowhere."""
    keep = {os.path.basename(p) for p in written}
    for f in sorted(os.listdir(img_dir)):
        if re.fullmatch(re.escape(name) + r"-.*\.png", f) and f not in keep:
            os.remove(os.path.join(img_dir, f))


def repo_top():
    return os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", ".."))


def main(argv=None):
    ap = argparse.ArgumentParser(prog="side-by-side-report",
                                 description="Markdown tables and PNG charts from a side-by-side results directory")
    ap.add_argument("results")
    ap.add_argument("--doc", default=os.path.join(repo_top(), "docs", "benchmarks.md"))
    ap.add_argument("--img-dir", default=os.path.join(repo_top(), "docs", "img"))
    ap.add_argument("--section", default=DEFAULT_SECTION,
                    help="the section's markers (<!-- NAME:begin -->) and its charts' prefix: another run's section "
                         "beside the main one, e.g. cache-side-by-side (a name not starting with side-by-side-)")
    args = ap.parse_args(argv)
    if args.section != DEFAULT_SECTION and args.section.startswith(DEFAULT_SECTION + "-"):
        raise SystemExit(f"side-by-side-report: --section {args.section}: the main section's chart clean-up would "
                         f"remove its charts; use a name not starting with {DEFAULT_SECTION}-")
    data = load(args.results)
    if not data["runs"]:
        raise SystemExit(f"side-by-side-report: no runs under {os.path.join(args.results, 'runs')}")
    doc = os.path.abspath(args.doc)
    img_dir = os.path.abspath(args.img_dir)
    os.makedirs(img_dir, exist_ok=True)
    section, written = render(data, os.path.dirname(doc), img_dir, section=args.section)
    remove_stale_charts(img_dir, written, args.section)
    text = read_text(doc)
    new = rewrite_doc(text, section, args.section)
    if new != text:
        with open(doc, "w", encoding="utf-8") as f:
            f.write(new)
    print(f"side-by-side-report: {doc}: section {'rewritten' if new != text else 'unchanged'}; "
          f"{len(written)} charts in {img_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
