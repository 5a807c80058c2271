#!/usr/bin/env python3
"""Run every Python peer benchmark and forward their JSON result lines.

Runs handoff.py, pingpong.py, counter.py, heap.py, pool.py and chunks.py one
after another (``--quick`` is passed through), each as its own subprocess in
its own process group, and copies each JSON line it prints to stdout.  A
script that fails (non-zero exit, timeout, or a non-JSON stdout line) does not
stop the run: for every workload of that script that produced no result line
a ``{"workload": ..., "impl": "python", "skipped": "<reason>"}`` line is
printed instead.  Script stderr passes through to this script's stderr.

chunks.py needs an input file: ``--chunks-file PATH`` uses an existing one;
otherwise a deterministic text file (8 MiB quick, 64 MiB full) is generated in
a temporary directory, scanned once untimed to warm the page cache, and
deleted afterwards.  ``--scaling`` additionally runs the --scaling modes of
handoff.py and heap.py.  ``--repeat N`` runs every script N times and prints, for
each result line, the run with the median ops_per_s, with ``runs``,
``ops_per_s_min`` and ``ops_per_s_max`` over the N (chunks.py verifies its
figures in the first run only).  ``--workloads A,B`` runs only the scripts that
report one of these workloads (the default: all of them).
"""

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# script -> workloads it reports (used for "skipped" lines)
SCRIPTS = {
    "handoff.py": ["handoff-1p1c-32", "handoff-1p1c-256", "handoff-1p2c-32", "handoff-2p2c-32"],
    "pingpong.py": ["pingpong"],
    "counter.py": ["counter-2p"],
    "heap.py": ["heap-2w"],
    "pool.py": ["pool-tiny"],
    "chunks.py": ["chunks"],
}
SCALING = {"handoff.py": ["handoff-1pNc-32"], "heap.py": ["heap-2w"]}


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def make_text_file(path, size, seed=12345):
    """Printable ASCII lines of varied length (mean ~64 bytes), trailing newline."""
    rng = random.Random(seed)
    table = bytearray(range(256))
    for b in range(256):
        table[b] = 10 if b % 64 == 0 else 33 + b % 94        # 1 in 64 bytes is '\n'
    data = rng.randbytes(size - 1).translate(bytes(table)) + b"\n"
    with open(path, "wb") as f:
        f.write(data)


# fields a run measures or reports about itself: the rest of a line names what was measured
MEASURED = {"ops_per_s", "ops", "seconds", "checksum", "per_consumer", "verified"}


def case_key(rec):
    return json.dumps({k: v for k, v in rec.items()
                       if k not in MEASURED and not k.endswith("_per_s") and not k.endswith("_ns")},
                      sort_keys=True)


def median_lines(runs):
    """One line per case: the run with the median ops_per_s, with the spread over the runs."""
    groups = {}
    for recs in runs:
        for rec in recs:
            groups.setdefault(case_key(rec), []).append(rec)
    out = []
    for group in groups.values():
        ranked = sorted(group, key=lambda r: r.get("ops_per_s", 0))
        rec = dict(ranked[(len(ranked) - 1) // 2])
        if any(r.get("verified") for r in group):
            rec["verified"] = True                          # checked in the first run, the same input since
        if len(ranked) > 1:
            rec["runs"] = len(ranked)
            rec["ops_per_s_min"] = ranked[0].get("ops_per_s")
            rec["ops_per_s_max"] = ranked[-1].get("ops_per_s")
        out.append(rec)
    return out


def run_repeated(script, args, workloads, timeout, repeat):
    runs, reason = [], None
    for i in range(repeat):
        run_args = args if i == 0 else [a for a in args if a != "--verify"]
        recs, reason = run_script(script, run_args, workloads, timeout)
        runs.append(recs)
        if reason is not None:
            break                                           # a failing script is not run again
    lines = median_lines(runs)
    for rec in lines:
        emit(rec)
    seen = {rec.get("workload") for rec in lines}
    missing = [wl for wl in workloads if wl not in seen]
    if reason is None and missing:
        reason = f"{script} produced no result line"
    if reason is not None:
        for wl in missing:
            emit({"workload": wl, "impl": "python", "skipped": reason})
        if not missing:
            log(f"run_all: {script}: {reason} (all workloads had already reported)")


def run_script(script, args, workloads, timeout):
    """Runs one script once: its result lines, and why it failed (None when it did not)."""
    cmd = [sys.executable, os.path.join(HERE, script)] + args
    log(f"run_all: {' '.join(cmd[1:])}")
    recs, reason = [], None
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=HERE,
                            start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        reason = f"timeout after {timeout}s"
        os.killpg(proc.pid, signal.SIGTERM)                  # lets the script clean up
        try:
            out, _ = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
    except BaseException:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait()
        raise
    for line in out.splitlines():
        if not line.strip():
            continue
        try:
            recs.append(json.loads(line))
        except ValueError:
            reason = reason or f"non-JSON output line: {line[:80]!r}"
    if proc.returncode != 0 and reason is None:
        reason = f"{script} exited with status {proc.returncode}"
    return recs, reason


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="pass --quick to every script")
    p.add_argument("--scaling", action="store_true", help="also run the --scaling modes")
    p.add_argument("--chunks-file", help="input for chunks.py (default: generated temp file)")
    p.add_argument("--repeat", type=int, default=1,
                   help="runs of every script; each line printed is the median run's (default 1)")
    p.add_argument("--workloads", default=None,
                   help="comma-separated workloads: run only the scripts reporting one (default: all)")
    p.add_argument("--timeout", type=float, default=None,
                   help="per-script timeout in seconds (default 60 quick, 300 full)")
    args = p.parse_args()
    timeout = args.timeout or (60 if args.quick else 300)
    common = ["--quick"] if args.quick else []
    chosen = set(args.workloads.split(",")) if args.workloads else None

    def wanted(script):
        return chosen is None or bool(chosen.intersection(SCRIPTS[script]))

    for script, workloads in SCRIPTS.items():
        if script == "chunks.py" or not wanted(script):
            continue
        run_repeated(script, common, workloads, timeout, args.repeat)
        if args.scaling and script in SCALING:
            run_repeated(script, common + ["--scaling"], SCALING[script], timeout, args.repeat)

    if not wanted("chunks.py"):
        return
    with tempfile.TemporaryDirectory(prefix="shoal-py-chunks-") as tmp:
        path = args.chunks_file
        if path is None:
            path = os.path.join(tmp, "lines.txt")
            try:
                make_text_file(path, (8 if args.quick else 64) * 1024 * 1024)
                with open(path, "rb") as f:                    # warm the page cache
                    while f.read(1 << 20):
                        pass
            except OSError as e:
                emit({"workload": "chunks", "impl": "python", "skipped": f"no input file: {e}"})
                return
        run_repeated("chunks.py", common + ["--file", path, "--verify"], SCRIPTS["chunks.py"],
                     timeout, args.repeat)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
