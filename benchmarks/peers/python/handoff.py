#!/usr/bin/env python3
"""Job hand-off between processes through ``multiprocessing.Queue``.

Python peer of Shoal's hand-off workloads: P producer processes push jobs into
one shared queue, C consumer processes take them out.  A job is a ``bytes``
object of 32 or 256 bytes whose first 8 bytes are the job number
(little-endian); the rest is padding.

Cases (variant "mp.Queue"):
    handoff-1p1c-32, handoff-1p1c-256, handoff-1p2c-32, handoff-2p2c-32
plus variant "mp.JoinableQueue-template" for handoff-1p2c-32: the textbook
worker pattern - a JoinableQueue of jobs, workers that ``task_done()`` every
job and put a result on a result queue, one collector process draining that
queue, sentinels, and joins in the safe order (producer, workers, collector).
``--scaling`` instead runs "handoff-1pNc-32" with 1, 2, 4 and 8 consumers.

Timing: all processes are started and parked on an Event first (startup is not
measured); the clock runs from setting the Event to the moment the last job is
received (mp.Queue) or the last result is collected (template).
perf_counter_ns is CLOCK_MONOTONIC, so timestamps from different processes on
one machine are comparable.

Shutdown: producers flush their queue buffers and report "done" on a
queue; the parent then puts one ``None`` sentinel per consumer.
Correctness: every consumer returns (count, sum of job numbers, bad sizes);
the totals must equal N and N*(N-1)/2, or the script exits with status 2.
"""

import struct

from _common import (CTX, CheckFailed, Workers, emit, gather, log, main_guard,
                     parser, perf_ns, resolve_ops)

PACK = struct.Struct("<Q").pack


def producer(q, first, count, size, start, done):
    pad = bytes(size - 8)
    put = q.put
    start.wait()
    for j in range(first, first + count):
        put(PACK(j) + pad)
    q.close()
    q.join_thread()            # every job of ours is now in the pipe
    done.put(first)


def consumer(q, size, results):
    get = q.get
    n = total = bad = 0
    t_last = 0
    while True:
        job = get()
        if job is None:
            break
        t_last = perf_ns()
        n += 1
        total += int.from_bytes(job[:8], "little")
        if len(job) != size:
            bad += 1
    results.put((n, total, bad, t_last))


def run_queue(producers, consumers, size, n):
    q = CTX.Queue()
    start = CTX.Event()
    done = CTX.Queue()
    results = CTX.Queue()
    with Workers() as w:
        cons = [w.start(consumer, q, size, results, name=f"consumer-{i}")
                for i in range(consumers)]
        prods = []
        for i in range(producers):
            first, last = i * n // producers, (i + 1) * n // producers
            prods.append(w.start(producer, q, first, last - first, size, start, done,
                                 name=f"producer-{i}"))
        t0 = perf_ns()
        start.set()
        gather(done, producers, w)
        for _ in range(consumers):
            q.put(None)
        res = gather(results, consumers, w)
        w.join(prods + cons)
    q.close()
    q.join_thread()
    count = sum(r[0] for r in res)
    total = sum(r[1] for r in res)
    bad = sum(r[2] for r in res)
    t_end = max(r[3] for r in res)
    if count != n or total != n * (n - 1) // 2 or bad:
        raise CheckFailed(f"handoff {producers}p{consumers}c: got count={count} sum={total} "
                          f"bad_sizes={bad}, expected count={n} sum={n * (n - 1) // 2}")
    return (t_end - t0) / 1e9, [r[0] for r in res]


# ----------------------------------------------------------- JoinableQueue template

def tmpl_producer(jobs, n, size, n_workers, start):
    pad = bytes(size - 8)
    start.wait()
    for j in range(n):
        jobs.put(PACK(j) + pad)
    jobs.join()                        # returns once every job was task_done()
    for _ in range(n_workers):
        jobs.put(None)


def tmpl_worker(jobs, results):
    while True:
        job = jobs.get()
        try:
            if job is None:
                return
            results.put(int.from_bytes(job[:8], "little"))
        finally:
            jobs.task_done()


def tmpl_collector(results, n_expected, summary):
    n = total = 0
    t_last = 0
    while True:
        r = results.get()
        if r is None:
            break
        n += 1
        total += r
        if n == n_expected:
            t_last = perf_ns()
    summary.put((n, total, t_last))


def run_template(workers, size, n):
    jobs = CTX.JoinableQueue()
    results = CTX.Queue()
    summary = CTX.Queue()
    start = CTX.Event()
    with Workers() as w:
        wk = [w.start(tmpl_worker, jobs, results, name=f"worker-{i}") for i in range(workers)]
        coll = w.start(tmpl_collector, results, n, summary, name="collector")
        prod = w.start(tmpl_producer, jobs, n, size, workers, start, name="producer")
        t0 = perf_ns()
        start.set()
        w.join([prod])                 # 1. producer: all jobs done, sentinels sent
        w.join(wk)                     # 2. workers: their results are flushed
        results.put(None)              # 3. only now stop the collector
        (count, total, t_last), = gather(summary, 1, w)
        w.join([coll])                 # 4. collector
    results.close()
    results.join_thread()
    if count != n or total != n * (n - 1) // 2:
        raise CheckFailed(f"template: got count={count} sum={total}, expected {n}, "
                          f"{n * (n - 1) // 2}")
    return (t_last - t0) / 1e9


def main():
    p = parser(__doc__.splitlines()[0], default_ops=500_000, quick_ops=50_000)
    p.add_argument("--scaling", action="store_true",
                   help="run handoff-1pNc-32 with 1,2,4,8 consumers instead")
    args = p.parse_args()
    n = resolve_ops(args)

    if args.scaling:
        for c in (1, 2, 4, 8):
            secs, per = run_queue(1, c, 32, n)
            emit("handoff-1pNc-32", "mp.Queue", n, secs,
                 producers=1, consumers=c, size_bytes=32, per_consumer=per)
        return

    for prods, cons, size in ((1, 1, 32), (1, 1, 256), (1, 2, 32), (2, 2, 32)):
        secs, per = run_queue(prods, cons, size, n)
        emit(f"handoff-{prods}p{cons}c-{size}", "mp.Queue", n, secs,
             producers=prods, consumers=cons, size_bytes=size, per_consumer=per)
    secs = run_template(2, 32, n)
    emit("handoff-1p2c-32", "mp.JoinableQueue-template", n, secs,
         producers=1, consumers=2, size_bytes=32, collector=True)
    log("handoff: done")


if __name__ == "__main__":
    main_guard(main)
