"""Turns a side-by-side results directory (ublk-s3 vs nbdkit's S3 plugin + nbd-client) into Markdown tables and
PNG charts between the lines <!-- side-by-side:begin --> and <!-- side-by-side:end --> of a document.

Usage: side_by_side_report.py RESULTS_DIR [--doc FILE] [--img-dir DIR]
Run through benchmarks/bin/side-by-side-report (Debian's python3 with python3-matplotlib).

RESULTS_DIR holds machine.txt ("key: value" lines), runs/<condition>/<workload>/<stack>/{status, fio.json | fs.json,
store.json, client-stats.json} and runs/<condition>/raw-put/crt/raw.json. Rerunning on the same data gives the same
document and the same PNG bytes.
"""
import argparse
import json
import os
import re
import sys

BEGIN = "<!-- side-by-side:begin -->"
END = "<!-- side-by-side:end -->"
MIB = 1024 * 1024

OURS, THEIRS = "ublk-s3", "nbd"
STACKS = (OURS, THEIRS)
STACK_LABEL = {OURS: "ublk-s3", THEIRS: "nbdkit+nbd"}

CONDITIONS = ("local", "cloud")
CONDITION_TEXT = {
    "local": "loopback, no emulation",
    "cloud": "20 ms per request, 1 MB/s per direction, emulated at the S3 server for both stacks",
}
WORKLOADS = ("randwrite-4k-qd1", "randwrite-4k-qd32", "randread-4k-qd1", "randread-4k-qd32",
             "write-128k", "read-128k", "write-512k", "read-512k", "fs-backup")
WORKLOAD_TEXT = {
    "randwrite-4k-qd1": "4 KiB random writes, queue depth 1",
    "randwrite-4k-qd32": "4 KiB random writes, queue depth 32",
    "randread-4k-qd1": "4 KiB random reads, queue depth 1",
    "randread-4k-qd32": "4 KiB random reads, queue depth 32",
    "write-128k": "128 KiB sequential writes",
    "read-128k": "128 KiB sequential reads",
    "write-512k": "512 KiB sequential writes",
    "read-512k": "512 KiB sequential reads",
    "fs-backup": "file system: mkfs, copy a tree of files, sync, walk it back",
}
SEQUENTIAL_WRITES = ("write-128k", "write-512k")
PHASES = ("mkfs", "copy", "sync", "walk")
REQUEST_KINDS = ("GET", "PUT", "LIST", "DELETE", "DELETE_OBJECTS", "HEAD", "OTHER")

COLORS = {OURS: "#1f77b4", THEIRS: "#ff7f0e"}
HIGHER, LOWER, NEUTRAL = "higher", "lower", "neutral"


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


def read_machine(results):
    path = os.path.join(results, "machine.txt")
    items = []
    if os.path.isfile(path):
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                line = line.rstrip("\n")
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
    job = doc["jobs"][0]
    dirs = [d for d in ("read", "write") if job.get(d, {}).get("io_bytes", 0) > 0]
    if dirs:
        direction = max(dirs, key=lambda d: job[d]["io_bytes"])
    else:
        direction = "write" if "write" in workload else "read"
    d = job.get(direction, {})
    pct = d.get("clat_ns", {}).get("percentile", {}) or {}
    runtime_ms = job.get("job_runtime") or d.get("runtime")
    return {
        "direction": direction,
        "iops": float(d.get("iops", 0.0)),
        "mibs": float(d.get("bw_bytes", 0)) / MIB,
        "io_bytes": int(d.get("io_bytes", 0)),
        "p50": pct["50.000000"] / 1e6 if "50.000000" in pct else None,
        "p99": pct["99.000000"] / 1e6 if "99.000000" in pct else None,
        "runtime": runtime_ms / 1000.0 if runtime_ms else None,
    }


class Run:
    """One stack's run of one workload under one condition."""

    def __init__(self, path, workload):
        self.workload = workload
        self.fs = is_fs(workload)
        status = ""
        if os.path.isfile(os.path.join(path, "status")):
            with open(os.path.join(path, "status"), encoding="utf-8", errors="replace") as f:
                status = f.read()
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
            if self.state == "ok":
                self.state, self.reason = "failed", f"unreadable results: {e}"
                self.status_text = f"failed: {self.reason}"
        if self.state == "ok" and self.fio is None and self.fsdoc is None:
            self.state, self.reason = "failed", "no " + ("fs.json" if self.fs else "fio.json")
            self.status_text = f"failed: {self.reason}"
        try:
            self.store = read_json(os.path.join(path, "store.json"))
        except ValueError:
            self.store = None
        try:
            client = read_json(os.path.join(path, "client-stats.json"))
        except ValueError:
            client = None
        self.client_rmw = client.get("read_modify_write_cycles") if isinstance(client, dict) else None

    @property
    def ok(self):
        return self.state == "ok"

    def phase(self, name):
        phases = (self.fsdoc or {}).get("phases", {}) or {}
        return phases.get(name)

    def total_seconds(self):
        values = [self.phase(p) for p in PHASES]
        return sum(values) if self.ok and all(v is not None for v in values) else None

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


def is_fs(workload):
    return workload.startswith("fs-")


def ordered(names, known):
    return [n for n in known if n in names] + sorted(n for n in names if n not in known)


def load(results):
    """{'machine': [(k, v)], 'runs': {cond: {workload: {stack: Run}}}, 'raw': {cond: dict}}"""
    runs_dir = os.path.join(results, "runs")
    if not os.path.isdir(runs_dir):
        raise SystemExit(f"side-by-side-report: {runs_dir}: no such directory")
    runs, raw = {}, {}
    for cond in ordered(os.listdir(runs_dir), CONDITIONS):
        cdir = os.path.join(runs_dir, cond)
        if not os.path.isdir(cdir):
            continue
        try:
            r = read_json(os.path.join(cdir, "raw-put", "crt", "raw.json"))
        except ValueError:
            r = None
        if r:
            raw[cond] = r
        per = {}
        for wl in ordered([w for w in os.listdir(cdir) if w != "raw-put"], WORKLOADS):
            wdir = os.path.join(cdir, wl)
            if not os.path.isdir(wdir):
                continue
            stacks = {s: Run(os.path.join(wdir, s), wl) for s in STACKS if os.path.isdir(os.path.join(wdir, s))}
            if stacks:
                per[wl] = stacks
        if per:
            runs[cond] = per
    return {"machine": read_machine(results), "runs": runs, "raw": raw}


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
    return ours / theirs if better == HIGHER else theirs / ours


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


# ------------------------------------------------------------------------------------------------------------- metrics

def metric_rows(stacks):
    """[(label, better, kind, getter(run) -> value or None, valid_when_failed)] for one workload."""
    fs = is_fs(next(iter(stacks.values())).workload)
    rows = []
    if fs:
        for p in PHASES:
            rows.append((f"{p} (s)", LOWER, "num", lambda r, p=p: r.phase(p), True))
        rows.append(("total (s)", LOWER, "num", lambda r: r.total_seconds(), False))
        rows.append(("files / MiB copied", NEUTRAL, "text",
                     lambda r: (f"{int((r.fsdoc or {}).get('files', 0)):,} / "
                                f"{fmt((r.fsdoc or {}).get('bytes', 0) / MIB)}") if r.fsdoc else None, False))
    else:
        rows += [
            ("IOPS", HIGHER, "int", lambda r: r.fio["iops"], False),
            ("MiB/s", HIGHER, "num", lambda r: r.fio["mibs"], False),
            ("latency p50 (ms)", LOWER, "num", lambda r: r.fio["p50"], False),
            ("latency p99 (ms)", LOWER, "num", lambda r: r.fio["p99"], False),
            ("MiB moved by fio", NEUTRAL, "num", lambda r: r.fio["io_bytes"] / MIB, False),
        ]
    rows += [
        ("GET requests", LOWER, "int", lambda r: r.requests("GET"), False),
        ("PUT requests", LOWER, "int", lambda r: r.requests("PUT"), False),
        ("LIST requests", LOWER, "int", lambda r: r.requests("LIST"), False),
        ("DELETE + DELETE_OBJECTS requests", LOWER, "int", lambda r: r.requests("DELETE", "DELETE_OBJECTS"), False),
    ]
    if any(run.requests("HEAD", "OTHER") for run in stacks.values() if run.ok):
        rows.append(("HEAD + other requests", LOWER, "int", lambda r: r.requests("HEAD", "OTHER"), False))
    rows += [
        ("requests (total)", LOWER, "int", lambda r: r.requests(), False),
        ("keys deleted", LOWER, "int", lambda r: (r.store or {}).get("keysDeleted"), False),
        ("requests per MiB " + ("copied" if fs else "moved by fio"), LOWER, "num", lambda r: r.requests_per_mib(), False),
        ("MiB into the store", LOWER, "num",
         lambda r: r.store["bytesIn"] / MIB if r.store and "bytesIn" in r.store else None, False),
        ("MiB out of the store", LOWER, "num",
         lambda r: r.store["bytesOut"] / MIB if r.store and "bytesOut" in r.store else None, False),
        ("read-modify-write cycles (server count)", LOWER, "int",
         lambda r: (r.store or {}).get("readModifyWrite"), False),
    ]
    if any(run.client_rmw is not None for run in stacks.values()):
        rows.append(("RMW (client count)", LOWER, "int", lambda r: r.client_rmw, False))
    return rows


def value(run, getter, valid_when_failed=False):
    if run is None or not (run.ok or valid_when_failed):
        return None
    try:
        return getter(run)
    except (KeyError, TypeError, AttributeError):
        return None


def workload_table(stacks, raw):
    rows = []
    ours, theirs = stacks.get(OURS), stacks.get(THEIRS)
    for label, better, kind, getter, when_failed in metric_rows(stacks):
        cells, vals = [], []
        for run in (ours, theirs):
            v = value(run, getter, when_failed)
            vals.append(v)
            if v is not None:
                cells.append(v if kind == "text" else fmt(v, kind))
            elif run is None or not run.ok:
                cells.append(cell_status(run))
            else:
                cells.append("–")
        ok = ours is not None and theirs is not None and (when_failed or (ours.ok and theirs.ok))
        r = ratio(vals[0], vals[1], better) if ok and kind != "text" else None
        rows.append([label] + cells + [fmt(r, "ratio") if r is not None else ""])
    if raw and raw.get("bytesPerSecond"):
        raw_mibs = raw["bytesPerSecond"] / MIB
        cells = []
        for run in (ours, theirs):
            v = value(run, lambda r: r.fio["mibs"])
            cells.append(fmt(v / raw_mibs, "ratio") if v is not None else cell_status(run) if run is None or not run.ok else "–")
        rows.append([f"MiB/s ÷ raw CRT PUTs ({fmt(raw_mibs)} MiB/s)"] + cells + [""])
    return table(["metric", STACK_LABEL[OURS], STACK_LABEL[THEIRS], "ratio"], rows)


def headline(stacks):
    """(ours, theirs, unit, speed ratio, requests ratio) for the summary."""
    ours, theirs = stacks.get(OURS), stacks.get(THEIRS)
    fs = is_fs(next(iter(stacks.values())).workload)
    if fs:
        get, better, unit = (lambda r: r.total_seconds()), LOWER, "s"
        req = lambda r: r.requests()
    else:
        get, better, unit = (lambda r: r.fio["mibs"]), HIGHER, "MiB/s"
        req = lambda r: r.requests_per_mib()
    vo, vt = value(ours, get), value(theirs, get)
    both = ours is not None and theirs is not None and ours.ok and theirs.ok
    speed = ratio(vo, vt, better) if both else None
    reqs = ratio(value(ours, req), value(theirs, req), LOWER) if both else None
    return vo, vt, unit, speed, reqs


# ---------------------------------------------------------------------------------------------------------------- charts

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
    fig.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(fig)


def grouped(ax, groups, series, title, ylabel, kind="num"):
    """Bars per group (x) for each stack; series: {stack: [value or None]} (a stack absent: no bars)."""
    import numpy as np
    x = np.arange(len(groups))
    width = 0.38
    top = max([v for vs in series.values() for v in vs if v is not None] + [0])
    for i, stack in enumerate(STACKS):
        vals = series.get(stack)
        xs = x + (i - 0.5) * width
        if vals is None:
            continue
        heights = [v if v is not None else 0 for v in vals]
        bars = ax.bar(xs, heights, width, label=STACK_LABEL[stack], color=COLORS[stack])
        # no label on bars too small to see: they would overlap their neighbours'
        ax.bar_label(bars, labels=[fmt(v, kind) if v and v >= top * 0.02 else "" for v in vals],
                     fontsize=7.5, padding=2)
    ax.set_xticks(x, groups)
    ax.set_xlim(-0.8, len(groups) - 0.2)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, top * 1.18 if top > 0 else 1)


def stack_notes(fig, stacks):
    notes = [f"{STACK_LABEL[s]}: {cell_status(stacks.get(s))}" for s in STACKS
             if stacks.get(s) is None or not stacks[s].ok]
    if notes:
        fig.text(0.99, 0.01, "; ".join(notes), ha="right", va="bottom", fontsize=9, color="#b00000")


def chart_workload(plt, path, cond, wl, stacks, raw=None):
    def series(getter, n, when_failed=False):
        out = {}
        for s in STACKS:
            run = stacks.get(s)
            if run is not None and (run.ok or when_failed):
                out[s] = [value(run, lambda r, i=i: getter(r)[i], when_failed) for i in range(n)]
        return out

    fs = is_fs(wl)
    fig, axes = plt.subplots(1, 2 if fs else 3, figsize=(9, 4))
    if fs:
        grouped(axes[0], list(PHASES) + ["total"],
                series(lambda r: [r.phase(p) for p in PHASES] + [r.total_seconds()], 5, True),
                "seconds per phase (lower is better)", "s")
        grouped(axes[1], ["GET", "PUT", "LIST", "DELETE*"],
                series(lambda r: [r.requests("GET"), r.requests("PUT"), r.requests("LIST"),
                                  r.requests("DELETE", "DELETE_OBJECTS")], 4),
                "S3 requests (lower is better)", "requests", "int")
    else:
        grouped(axes[0], ["MiB/s"], series(lambda r: [r.fio["mibs"]], 1), "throughput (higher is better)", "MiB/s")
        if raw and raw.get("bytesPerSecond"):
            raw_mibs = raw["bytesPerSecond"] / MIB
            line = axes[0].axhline(raw_mibs, color="#555555", linestyle="--", linewidth=1)
            axes[0].legend([line], [f"raw CRT PUTs: {fmt(raw_mibs)}"], loc="upper right", fontsize=8, frameon=False)
            axes[0].set_ylim(0, max(axes[0].get_ylim()[1], raw_mibs * 1.18) * 1.1)
        grouped(axes[1], ["p50", "p99"], series(lambda r: [r.fio["p50"], r.fio["p99"]], 2),
                "latency (lower is better)", "ms")
        per = lambda r, *k: (r.requests(*k) / (r.fio["io_bytes"] / MIB)
                             if r.fio["io_bytes"] and r.store else None)
        grouped(axes[2], ["GET", "PUT", "other"],
                series(lambda r: [per(r, "GET"), per(r, "PUT"),
                                  per(r, "LIST", "DELETE", "DELETE_OBJECTS", "HEAD", "OTHER")], 3),
                "S3 requests per MiB (lower is better)", "requests / MiB")
        axes[2].title.set_fontsize(9)
    handles = [plt.Rectangle((0, 0), 1, 1, color=COLORS[s]) for s in STACKS]
    fig.legend(handles, [STACK_LABEL[s] for s in STACKS], loc="upper right", ncol=2, frameon=False)
    fig.suptitle(f"{wl}, {cond}", x=0.01, ha="left")
    stack_notes(fig, stacks)
    fig.tight_layout(rect=(0, 0.04, 1, 0.93))
    save(plt, fig, path)


def chart_summary(plt, path, runs):
    import matplotlib.ticker
    import numpy as np
    import matplotlib
    conds = list(runs)
    n = max(len(runs[c]) for c in conds)
    fig, axes = plt.subplots(1, len(conds), figsize=(9, max(4.0, 0.42 * n + 1.4)), squeeze=False)
    for ax, cond in zip(axes[0], conds):
        wls = list(runs[cond])
        heads = [headline(runs[cond][w]) for w in wls]
        whys = [next((f"{STACK_LABEL[s]} {cell_status(runs[cond][w].get(s))}" for s in STACKS
                      if runs[cond][w].get(s) is None or not runs[cond][w][s].ok), "n/a") for w in wls]
        y = np.arange(len(wls))
        h = 0.38
        vals = [v for hd in heads for v in hd[3:] if v]
        lo, hi = (min(vals + [1.0]), max(vals + [1.0])) if vals else (1.0, 1.0)
        for j, (label, color) in enumerate((("speed", "#2ca02c"), ("S3 requests", "#9467bd"))):
            data = [hd[3 + j] for hd in heads]
            ys = y + (j - 0.5) * h
            ax.barh(ys, [d if d else 0 for d in data], h, left=0, color=color, label=label)
            for yy, d, why in zip(ys, data, whys):
                ax.text(d if d else 1.0, yy, f" {fmt(d, 'ratio')}" if d else f" {why}", va="center", fontsize=8)
        ax.set_xscale("log")
        ax.set_xlim(lo / 1.6, hi * 2.2)
        ticks = [t for t in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
                 if lo / 1.6 <= t <= hi * 2.2]
        ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
        ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
        ax.axvline(1.0, color="black", linewidth=0.8)
        ax.set_yticks(y, wls)
        ax.invert_yaxis()
        ax.set_title(f"{cond}: ratio, >1 means ublk-s3 is better")
    axes[0][0].legend(loc="lower right", fontsize=8, frameon=False)
    fig.tight_layout()
    save(plt, fig, path)


# -------------------------------------------------------------------------------------------------------------- document

def render(data, doc_dir, img_dir, charts=True):
    """(markdown section without the markers, [png paths written])."""
    plt = setup_matplotlib() if charts else None
    written = []

    def image(name, alt, draw):
        path = os.path.join(img_dir, name)
        if charts:
            draw(path)
            written.append(path)
        rel = os.path.relpath(path, doc_dir).replace(os.sep, "/")
        return f"![{alt}]({rel})"

    runs, raw = data["runs"], data["raw"]
    machine = dict(data["machine"])
    out = ["## Side by side: ublk-s3 vs nbdkit's S3 plugin + nbd-client (`benchmarks/bin/side-by-side`)", ""]
    out.append(
        "The same fio and file system workloads ran on both stacks, one after the other in one VM, against the same "
        "S3 server: ublk-s3, and the stack it replaces (Debian's nbdkit S3 plugin behind the kernel's nbd-client, "
        "shown as nbdkit+nbd). Conditions: " +
        "; ".join(f"**{c}** ({CONDITION_TEXT.get(c, c)})" for c in runs) + ". "
        "The VM runs under qemu TCG (software emulation), so absolute timings mean little and only ratios within one "
        "run mean anything; the requests, sizes and bytes counted at the S3 server do not depend on speed.")
    out.append("")
    out += [f"- {md_escape(k)}: {md_escape(v)}" if v else f"- {md_escape(k)}" for k, v in data["machine"]
            if k != "command"]
    if data["machine"]:
        out.append("")
    if machine.get("command"):
        out += ["Command:", "", "```", machine["command"], "```", ""]

    out += ["### Summary", ""]
    rows = []
    for cond in runs:
        for wl, stacks in runs[cond].items():
            vo, vt, unit, speed, reqs = headline(stacks)

            def cell(run, v):
                return f"{fmt(v)} {unit}" if v is not None else cell_status(run) if run is None or not run.ok else "–"
            rows.append([wl, cond, cell(stacks.get(OURS), vo), cell(stacks.get(THEIRS), vt),
                         fmt(speed, "ratio") if speed else "", fmt(reqs, "ratio") if reqs else ""])
    out += table(["workload", "condition", "ublk-s3", "nbdkit+nbd", "speed ratio", "S3 requests ratio"], rows)
    out += ["",
            "Ratio rule, here and below: for a higher-is-better metric (IOPS, MiB/s) the ratio is ublk-s3/nbdkit+nbd, "
            "for a lower-is-better one (latency, seconds, requests, bytes at the store, read-modify-write cycles) it "
            "is nbdkit+nbd/ublk-s3, so a ratio above 1 always means ublk-s3 is better. It is blank when either side "
            "is 0, missing or failed, or the row has no better direction. Speed ratio: MiB/s for fio workloads, total "
            "seconds for the file system one; S3 requests ratio: requests per MiB moved by fio (the stacks may move "
            "different amounts in a time-limited run), total requests for the file system workload.", ""]
    if runs:
        out += [image("side-by-side-summary.png", "summary of ratios", lambda p: chart_summary(plt, p, runs)), ""]

    for wl in ordered({w for c in runs for w in runs[c]}, WORKLOADS):
        out += [f"### {wl}: {WORKLOAD_TEXT.get(wl, wl)}", ""]
        for cond in runs:
            stacks = runs[cond].get(wl)
            if not stacks:
                continue
            out += [f"**{cond}** ({CONDITION_TEXT.get(cond, cond)})", ""]
            r = raw.get(cond) if wl in SEQUENTIAL_WRITES else None
            out += workload_table(stacks, r)
            out.append("")
            notes = [f"{STACK_LABEL[s]}: {md_escape(stacks[s].status_text)}" for s in STACKS
                     if s in stacks and not stacks[s].ok]
            notes += [f"{STACK_LABEL[s]}: not run" for s in STACKS if s not in stacks]
            if notes:
                out += ["; ".join(notes) + ".", ""]
            if r and r.get("bytesPerSecond"):
                out += [f"Raw CRT PUTs: {int(r.get('objects', 0)):,} objects of {size_label(r.get('objectSize', 0))} "
                        f"with {r.get('concurrency', '?')} in flight in {fmt(r.get('seconds'))} s = "
                        f"{fmt(r['bytesPerSecond'] / MIB)} MiB/s on the same server and condition; the last row is "
                        "each stack's MiB/s over it (ours/raw).", ""]
            out += [image(f"side-by-side-{cond}-{wl}.png", f"{wl}, {cond}",
                          lambda p, c=cond, w=wl, s=stacks, r=r: chart_workload(plt, p, c, w, s, r)), ""]

    hist_rows_any = False
    hist = ["### Request sizes and alignment at the S3 server (write-heavy workloads)", "",
            "Sizes are histogram buckets: ≤N counts requests of more than N/2 and at most N bytes.", ""]
    for cond in runs:
        rows = []
        for wl, stacks in runs[cond].items():
            if not (is_fs(wl) or "write" in wl):
                continue
            for s in STACKS:
                run = stacks.get(s)
                if run is None:
                    rows.append([wl, STACK_LABEL[s], "not run", "", ""])
                elif run.store is None:
                    rows.append([wl, STACK_LABEL[s], cell_status(run) if not run.ok else "no store.json", "", ""])
                else:
                    st = run.store
                    rows.append([wl, STACK_LABEL[s] + ("" if run.ok else f" ({run.state})"),
                                 histogram(st.get("putSizes"), True), histogram(st.get("getSizes"), True),
                                 histogram(st.get("getAlignment"), False)])
        if rows:
            hist_rows_any = True
            hist += [f"**{cond}**", ""]
            hist += table(["workload", "stack", "PUT sizes", "GET sizes", "GET alignment"], rows)
            hist.append("")
    if hist_rows_any:
        out += hist
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n", written


def rewrite_doc(text, section):
    """text with the lines between the markers replaced by section; markers + section appended when absent."""
    lines = text.split("\n")
    try:
        b = lines.index(BEGIN)
        e = lines.index(END, b + 1)
    except ValueError:
        body = text.rstrip("\n")
        return (body + "\n\n" if body else "") + BEGIN + "\n" + section + END + "\n"
    return "\n".join(lines[:b + 1]) + "\n" + section + "\n".join(lines[e:])


def repo_top():
    return os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", ".."))


def main(argv=None):
    ap = argparse.ArgumentParser(prog="side-by-side-report",
                                 description="Markdown tables and PNG charts from a side-by-side results directory")
    ap.add_argument("results")
    ap.add_argument("--doc", default=os.path.join(repo_top(), "docs", "benchmarks.md"))
    ap.add_argument("--img-dir", default=os.path.join(repo_top(), "docs", "img"))
    args = ap.parse_args(argv)
    data = load(args.results)
    if not data["runs"]:
        raise SystemExit(f"side-by-side-report: no runs under {os.path.join(args.results, 'runs')}")
    doc = os.path.abspath(args.doc)
    img_dir = os.path.abspath(args.img_dir)
    os.makedirs(img_dir, exist_ok=True)
    section, written = render(data, os.path.dirname(doc), img_dir)
    # charts of workloads no longer in the results would stay linked from nowhere: remove them
    keep = {os.path.basename(p) for p in written}
    for name in sorted(os.listdir(img_dir)):
        if re.fullmatch(r"side-by-side-.*\.png", name) and name not in keep:
            os.remove(os.path.join(img_dir, name))
    text = open(doc, encoding="utf-8").read() if os.path.isfile(doc) else ""
    new = rewrite_doc(text, section)
    if new != text:
        with open(doc, "w", encoding="utf-8") as f:
            f.write(new)
    print(f"side-by-side-report: {doc}: section {'rewritten' if new != text else 'unchanged'}; "
          f"{len(written)} charts in {img_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
