#!/usr/bin/env python3
"""Tiny jobs on a 2-process worker pool.

Python peer of Shoal's "pool-tiny" workload: N tiny jobs
(``x*x + zlib.crc32(x as 8 bytes)``), 2 worker processes; ops = jobs.

Variants:
    ProcessPoolExecutor.submit         submit all N, then wait for every future.
                                       Also reports p50/p99/p999 submit-to-done
                                       latency (done = the future's done-callback,
                                       which runs in the executor's result thread).
                                       Under a burst this mostly measures queueing
                                       behind earlier jobs ("latency_mode": "burst").
    ProcessPoolExecutor.submit-serial  submit one job, wait for it, repeat
                                       (N/10 jobs): the unloaded round-trip
                                       latency; ops_per_s = jobs / wall time.
    Pool.map-chunksize1                ``Pool.map(f, range(N), chunksize=1)``
    Pool.map-chunksize64               ``Pool.map(f, range(N), chunksize=64)``
    Pool.apply_async                   N ``apply_async`` calls, then ``.get()`` each.

The pool is created and warmed up (every worker has run a job) before the
clock starts.  Correctness: the sum of all results must equal the sum computed
locally, else exit status 2.
"""

import concurrent.futures as cf
import zlib

from _common import (CTX, CheckFailed, child_init, emit, main_guard, parser,
                     percentiles, perf_ns, resolve_ops)

WORKERS = 2
WORKLOAD = "pool-tiny"


def tiny(x):
    return x * x + zlib.crc32(x.to_bytes(8, "little"))


def expected_sum(xs):
    return sum(map(tiny, xs))


def check(variant, got, want):
    if got != want:
        raise CheckFailed(f"{variant}: result sum {got}, expected {want}")


def executor_cases(n):
    serial_n = max(100, n // 10)
    ex = cf.ProcessPoolExecutor(max_workers=WORKERS, mp_context=CTX, initializer=child_init)
    try:
        list(ex.map(tiny, range(4 * WORKERS)))            # spawn and warm every worker

        # burst: submit everything, then wait for all
        done_at = [0] * n
        submitted = [0] * n

        def stamp(i):
            def cb(_fut):
                done_at[i] = perf_ns()
            return cb

        futs = []
        t0 = perf_ns()
        for i in range(n):
            submitted[i] = perf_ns()
            f = ex.submit(tiny, i)
            f.add_done_callback(stamp(i))
            futs.append(f)
        cf.wait(futs)
        secs = (perf_ns() - t0) / 1e9
        check("submit", sum(f.result() for f in futs), expected_sum(range(n)))
        lat = [d - s for d, s in zip(done_at, submitted)]
        emit(WORKLOAD, "ProcessPoolExecutor.submit", n, secs, workers=WORKERS,
             latency_mode="burst", **percentiles(lat))

        # serial: one job in flight at a time
        lat = [0] * serial_n
        total = 0
        t0 = perf_ns()
        for i in range(serial_n):
            t = perf_ns()
            total += ex.submit(tiny, i).result()
            lat[i] = perf_ns() - t
        secs = (perf_ns() - t0) / 1e9
        check("submit-serial", total, expected_sum(range(serial_n)))
        emit(WORKLOAD, "ProcessPoolExecutor.submit-serial", serial_n, secs, workers=WORKERS,
             latency_mode="serial", **percentiles(lat))
    finally:
        ex.shutdown(wait=True, cancel_futures=True)


def pool_cases(n):
    want = expected_sum(range(n))
    pool = CTX.Pool(WORKERS, initializer=child_init)
    try:
        pool.map(tiny, range(4 * WORKERS), chunksize=1)    # every worker is up

        for cs in (1, 64):
            t0 = perf_ns()
            res = pool.map(tiny, range(n), chunksize=cs)
            secs = (perf_ns() - t0) / 1e9
            check(f"map-chunksize{cs}", sum(res), want)
            emit(WORKLOAD, f"Pool.map-chunksize{cs}", n, secs, workers=WORKERS, chunksize=cs)

        t0 = perf_ns()
        handles = [pool.apply_async(tiny, (i,)) for i in range(n)]
        total = sum(h.get() for h in handles)
        secs = (perf_ns() - t0) / 1e9
        check("apply_async", total, want)
        emit(WORKLOAD, "Pool.apply_async", n, secs, workers=WORKERS)

        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()


def main():
    args = parser(__doc__.splitlines()[0], default_ops=200_000, quick_ops=20_000).parse_args()
    n = resolve_ops(args)
    executor_cases(n)
    pool_cases(n)


if __name__ == "__main__":
    main_guard(main)
