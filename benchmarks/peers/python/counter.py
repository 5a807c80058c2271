#!/usr/bin/env python3
"""Shared counter incremented by two processes under a lock.

Python peer of Shoal's "counter-2p" workload: 2 processes each add 1 to the
same shared 64-bit integer N/2 times, taking the lock for every increment.

Variants:
    mp.Array+lock          - ``multiprocessing.Array('q', 8)``, element 0, the
                             idiomatic ``with arr.get_lock(): arr[0] += 1``.
                             (The synchronized wrapper re-takes its RLock for
                             the item read and write, as written code does.)
    mp.Value+lock          - ``multiprocessing.Value('q')``,
                             ``with v.get_lock(): v.value += 1``.
    mp.Array+lock/get_obj  - same Array and lock, but the element is accessed
                             through ``arr.get_obj()`` (raw ctypes array), the
                             fastest correct way to write it by hand.

Timing runs from releasing the parked workers to the later of the two workers'
finish timestamps.  ops = total increments.  The final counter value must equal
N, otherwise the script exits with status 2.
"""

from _common import (CTX, CheckFailed, Workers, emit, gather, main_guard, parser,
                     perf_ns, resolve_ops)

ARRAY_LEN = 8


def inc_array(arr, n, start, out):
    lock = arr.get_lock()
    start.wait()
    for _ in range(n):
        with lock:
            arr[0] += 1
    out.put(perf_ns())


def inc_array_raw(arr, n, start, out):
    lock, raw = arr.get_lock(), arr.get_obj()
    start.wait()
    for _ in range(n):
        with lock:
            raw[0] += 1
    out.put(perf_ns())


def inc_value(val, n, start, out):
    lock = val.get_lock()
    start.wait()
    for _ in range(n):
        with lock:
            val.value += 1
    out.put(perf_ns())


def run(target, shared, read_back, n, procs=2):
    start, out = CTX.Event(), CTX.Queue()
    with Workers() as w:
        per = [n * (i + 1) // procs - n * i // procs for i in range(procs)]
        for i in range(procs):
            w.start(target, shared, per[i], start, out, name=f"incr-{i}")
        t0 = perf_ns()
        start.set()
        t_end = max(gather(out, procs, w))
        w.join()
    final = read_back()
    if final != n:
        raise CheckFailed(f"{target.__name__}: final counter {final}, expected {n}")
    return (t_end - t0) / 1e9


def main():
    args = parser(__doc__.splitlines()[0], default_ops=2_000_000, quick_ops=200_000).parse_args()
    n = resolve_ops(args)

    arr = CTX.Array("q", ARRAY_LEN)
    secs = run(inc_array, arr, lambda: arr[0], n)
    emit("counter-2p", "mp.Array+lock", n, secs, processes=2, array_len=ARRAY_LEN)

    val = CTX.Value("q", 0)
    secs = run(inc_value, val, lambda: val.value, n)
    emit("counter-2p", "mp.Value+lock", n, secs, processes=2)

    arr2 = CTX.Array("q", ARRAY_LEN)
    secs = run(inc_array_raw, arr2, lambda: arr2[0], n)
    emit("counter-2p", "mp.Array+lock/get_obj", n, secs, processes=2, array_len=ARRAY_LEN)


if __name__ == "__main__":
    main_guard(main)
