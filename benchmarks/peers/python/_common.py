"""Shared helpers for the Python `multiprocessing` peer benchmarks.

Not a benchmark itself.  It holds the pieces every peer script needs:

* ``CTX``         - the multiprocessing context (explicitly 'fork', Linux default
                    before 3.14), used for every process, queue, lock and pool.
* ``parser()``    - argparse with the common ``--quick`` and ``--ops N`` flags.
* ``emit()``      - writes one JSON result line to stdout (the ONLY stdout output).
* ``percentiles()`` - nearest-rank p50/p99/p999 of a list of nanosecond samples.
* ``Workers``     - starts worker processes and, on leaving its ``with`` block
                    (normally or through an exception), terminates and joins any
                    that are still alive, so no process is ever orphaned.
* ``gather()``    - reads N results from a queue but notices a crashed worker
                    instead of blocking forever.
* ``child_init()`` - run first in every child: default SIGTERM action and, on
                    Linux, "kill me if my parent dies" (PR_SET_PDEATHSIG).
* ``main_guard()`` - runs a script's main, maps SIGTERM to a clean exit so the
                    ``finally`` blocks run, and turns errors into exit status.
"""

import argparse
import json
import math
import os
import platform
import queue
import signal
import sys
import time

import multiprocessing as mp

CTX = mp.get_context("fork")
perf_ns = time.perf_counter_ns          # CLOCK_MONOTONIC on Linux: comparable across processes

_MAIN_PID = os.getpid()


class CheckFailed(Exception):
    """A correctness check failed (wrong count / sum / missing record ...)."""


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


def parser(description, default_ops, quick_ops):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true",
                   help=f"small run (default ops {quick_ops}); must finish in well under 20 s")
    p.add_argument("--ops", type=int, default=None,
                   help=f"operation count per case (default {default_ops}, quick {quick_ops})")
    p.set_defaults(_default_ops=default_ops, _quick_ops=quick_ops)
    return p


def resolve_ops(args):
    if args.ops is not None:
        if args.ops <= 0:
            raise SystemExit("--ops must be positive")
        return args.ops
    return args._quick_ops if args.quick else args._default_ops


def emit(workload, variant, ops, seconds, **params):
    """Print one result line.  `seconds` is wall time of the measured section."""
    seconds = max(seconds, 1e-9)
    rec = {
        "workload": workload,
        "impl": "python",
        "variant": variant,
        "ops_per_s": round(ops / seconds, 1),
        "ops": int(ops),
        "seconds": round(seconds, 6),
    }
    rec.update(params)
    rec.setdefault("python", platform.python_version())
    rec.setdefault("start_method", CTX.get_start_method())
    sys.stdout.write(json.dumps(rec) + "\n")
    sys.stdout.flush()


def percentiles(samples_ns):
    """Nearest-rank p50 / p99 / p999 (ints, ns) of a non-empty list of samples."""
    s = sorted(samples_ns)
    n = len(s)

    def rank(q):
        return int(s[min(n - 1, max(0, math.ceil(q * n) - 1))])

    return {"p50_ns": rank(0.50), "p99_ns": rank(0.99), "p999_ns": rank(0.999)}


# --------------------------------------------------------------------------- processes

def child_init():
    """First thing every child process runs."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)    # the parent decides when we stop
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            PR_SET_PDEATHSIG = 1
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            if os.getppid() == 1:                  # parent already gone
                os._exit(1)
        except Exception:
            pass


def _child_entry(target, args):
    child_init()
    target(*args)


class Workers:
    """Context manager owning a set of worker processes.

    Normal code joins its workers explicitly (in whatever order the workload
    needs) and then calls ``check()``.  Whatever is still alive when the block
    is left - e.g. after an exception - is terminated, then killed, and joined.
    """

    def __init__(self):
        self.procs = []

    def start(self, target, *args, name=None):
        p = CTX.Process(target=_child_entry, args=(target, args), name=name, daemon=True)
        p.start()
        self.procs.append(p)
        return p

    def check(self):
        bad = [(p.name, p.exitcode) for p in self.procs if p.exitcode not in (None, 0)]
        if bad:
            raise RuntimeError(f"worker process(es) failed: {bad}")

    def join(self, procs=None, timeout=60.0):
        for p in (self.procs if procs is None else procs):
            p.join(timeout)
            if p.is_alive():
                raise RuntimeError(f"worker {p.name} did not exit within {timeout}s")
        self.check()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        alive = [p for p in self.procs if p.is_alive()]
        for p in alive:
            p.terminate()
        for p in alive:
            p.join(2.0)
            if p.is_alive():
                p.kill()
                p.join()
        return False


def gather(q, n, workers=None, timeout=120.0):
    """Read n items from queue q; fail fast if a worker died or time runs out.

    The 0.2 s `get` timeout is only a watchdog interval for noticing a dead
    worker - results are taken the moment they arrive.
    """
    out = []
    deadline = time.monotonic() + timeout
    while len(out) < n:
        try:
            out.append(q.get(timeout=0.2))
        except queue.Empty:
            if workers is not None:
                workers.check()
            if time.monotonic() > deadline:
                raise RuntimeError(f"timed out waiting for results ({len(out)}/{n})")
    return out


# --------------------------------------------------------------------------- entry point

def _on_sigterm(signum, frame):
    if os.getpid() == _MAIN_PID:
        raise SystemExit(128 + signum)          # unwinds through finally / __exit__
    signal.signal(signum, signal.SIG_DFL)       # a forked child that did not reset it
    os.kill(os.getpid(), signum)


def main_guard(main):
    """Run main(); exit 0 on success, 2 on a failed correctness check, 1 on error."""
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        main()
    except CheckFailed as e:
        log(f"CORRECTNESS CHECK FAILED: {e}")
        sys.exit(2)
    except KeyboardInterrupt:
        log("interrupted")
        sys.exit(130)
    except Exception as e:                      # noqa: BLE001 - report and fail
        import traceback
        traceback.print_exc(file=sys.stderr)
        log(f"error: {e}")
        sys.exit(1)
