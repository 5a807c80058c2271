#!/usr/bin/env python3
"""A shared priority heap served by a multiprocessing manager.

Python peer of Shoal's "heap-2w" workload: a heap of R records
(timestamp, record id) shared by 2 worker processes; each operation is one
pair "pop the oldest record, push it back with a new timestamp".

Mechanism (variant "BaseManager-registered-heapq"): a small class wrapping a
list with ``heapq`` (push / pop / items, guarded by a threading.Lock because
the manager serves each client connection on its own thread) is registered
with a ``multiprocessing.managers.BaseManager`` and lives in the manager's
server process.  Every push and every pop is one proxy call (one round trip
over the manager's socket).  This was chosen over the alternative "Manager
list + Manager Lock" because running ``heapq`` on a list proxy turns each
heap step into its own round trip (O(log R) calls per pop/push, plus the
lock calls) and is much slower; the registered object is what a Python
developer would reasonably write.

Timing: workers connect and are parked on an Event; the clock runs from
setting it to the later worker's finish timestamp.  ops = pairs (both
workers).  Afterwards every record id must be present exactly once, else exit
status 2.  ``--records R`` sets the heap size (default 10000); ``--scaling``
runs R = 1000, 10000, 100000.

``--tcp`` serves the manager over TCP on 127.0.0.1 instead of the default Unix
socket: the remote form of the pattern (workload "heap-remote", variant
"BaseManager-registered-heapq-tcp"), the peer of Shoal's heap served to other
hosts over Aeron (docs/multi-host.md).
"""

import heapq
import threading
from multiprocessing.managers import BaseManager, BaseProxy

from _common import (CTX, CheckFailed, Workers, child_init, emit, gather, main_guard,
                     parser, perf_ns, resolve_ops)

VARIANT = "BaseManager-registered-heapq"
WORKERS = 2


class SharedHeap:
    """Lives in the manager process.  Records are (timestamp, record_id)."""

    def __init__(self, records):
        self._heap = [(i, i) for i in range(records)]   # sorted, hence a valid heap
        self._lock = threading.Lock()

    def push(self, ts, rid):
        with self._lock:
            heapq.heappush(self._heap, (ts, rid))

    def pop(self):
        with self._lock:
            return heapq.heappop(self._heap)

    def items(self):
        with self._lock:
            return list(self._heap)


class HeapProxy(BaseProxy):
    _exposed_ = ("push", "pop", "items")

    def push(self, ts, rid):
        return self._callmethod("push", (ts, rid))

    def pop(self):
        return self._callmethod("pop")

    def items(self):
        return self._callmethod("items")


class HeapManager(BaseManager):
    pass


HeapManager.register("Heap", SharedHeap, proxytype=HeapProxy)


def worker(heap, pairs, start, out):
    ts, rid = heap.pop()                 # connect + warm the proxy connection ...
    heap.push(ts, rid)                   # ... with one untimed pair (same timestamp)
    start.wait()
    pop, push = heap.pop, heap.push
    for _ in range(pairs):
        ts, rid = pop()
        push(perf_ns(), rid)
    out.put(perf_ns())


def run(mgr, records, n):
    heap = mgr.Heap(records)
    start, out = CTX.Event(), CTX.Queue()
    with Workers() as w:
        for i in range(WORKERS):
            w.start(worker, heap, n * (i + 1) // WORKERS - n * i // WORKERS, start, out,
                    name=f"heap-worker-{i}")
        t0 = perf_ns()
        start.set()
        t_end = max(gather(out, WORKERS, w, timeout=600))
        w.join()
    items = heap.items()
    ids = sorted(rid for _, rid in items)
    if ids != list(range(records)):
        raise CheckFailed(f"heap with {records} records: {len(items)} entries after the run, "
                          f"ids not exactly 0..{records - 1} once each")
    if any(items[(i - 1) // 2] > items[i] for i in range(1, len(items))):
        raise CheckFailed("heap invariant violated")
    del heap
    return (t_end - t0) / 1e9


def main():
    p = parser(__doc__.splitlines()[0], default_ops=100_000, quick_ops=10_000)
    p.add_argument("--records", type=int, default=10_000, help="heap size R (default 10000)")
    p.add_argument("--scaling", action="store_true", help="run R = 1000, 10000, 100000")
    p.add_argument("--tcp", action="store_true", help="serve the manager over TCP (127.0.0.1)")
    args = p.parse_args()
    n = resolve_ops(args)
    sizes = (1_000, 10_000, 100_000) if args.scaling else (args.records,)

    mgr = HeapManager(address=("127.0.0.1", 0), ctx=CTX) if args.tcp else HeapManager(ctx=CTX)
    mgr.start(initializer=child_init)
    try:
        for records in sizes:
            secs = run(mgr, records, n)
            emit("heap-remote" if args.tcp else "heap-2w", VARIANT + ("-tcp" if args.tcp else ""), n, secs,
                 workers=WORKERS, records=records, calls_per_op=2)
    finally:
        mgr.shutdown()


if __name__ == "__main__":
    main_guard(main)
