#!/usr/bin/env python3
"""Round-trip latency of a 32-byte message between two processes.

Python peer of Shoal's "pingpong" workload.  The parent sends a 32-byte
``bytes`` message (first 8 bytes = sequence number) to an echo process and
waits for it to come back; that is one operation.

Variants:
    mp.Pipe        - one duplex ``multiprocessing.Pipe`` (a socketpair), using
                     ``send_bytes``/``recv_bytes`` (raw bytes, no pickling).
    mp.Queue-pair  - two ``multiprocessing.Queue`` objects, ping and pong
                     (pickled, feeder thread on each side).

Each round trip is timed individually with perf_counter_ns after a warm-up of
max(1000, N/10) untimed round trips.  ops_per_s = N / wall time of the timed
loop; p50/p99/p999 are nearest-rank over the N per-round-trip samples.
Correctness: every echoed message must equal the message sent.
"""

import struct

from _common import (CTX, CheckFailed, Workers, emit, main_guard, parser,
                     percentiles, perf_ns, resolve_ops)

SIZE = 32
PAD = bytes(SIZE - 8)
PACK = struct.Struct("<Q").pack


def echo_pipe(conn):
    recv, send = conn.recv_bytes, conn.send_bytes
    while True:
        msg = recv()
        if not msg:                  # empty message = stop
            return
        send(msg)


def echo_queues(ping, pong):
    get, put = ping.get, pong.put
    while True:
        msg = get()
        if msg is None:
            return
        put(msg)


def stop(send, msg):
    """Tell the echo process to exit; it may already be gone if we are failing."""
    try:
        send(msg)
    except OSError:
        pass


def measure(send, recv, n, warmup):
    """Return (wall_seconds, samples_ns, mismatches) for n timed round trips."""
    for i in range(warmup):
        msg = PACK(i) + PAD
        send(msg)
        if recv() != msg:
            raise CheckFailed("warm-up echo mismatch")
    samples = [0] * n
    bad = 0
    t_start = perf_ns()
    for i in range(n):
        msg = PACK(i) + PAD
        t = perf_ns()
        send(msg)
        back = recv()
        samples[i] = perf_ns() - t
        if back != msg:
            bad += 1
    return (perf_ns() - t_start) / 1e9, samples, bad


def run_pipe(n, warmup):
    parent, child = CTX.Pipe(duplex=True)
    with Workers() as w:
        p = w.start(echo_pipe, child, name="echo-pipe")
        child.close()
        try:
            result = measure(parent.send_bytes, parent.recv_bytes, n, warmup)
        finally:
            stop(parent.send_bytes, b"")
        w.join([p])
    parent.close()
    return result


def run_queues(n, warmup):
    ping, pong = CTX.Queue(), CTX.Queue()
    with Workers() as w:
        p = w.start(echo_queues, ping, pong, name="echo-queues")
        try:
            result = measure(ping.put, pong.get, n, warmup)
        finally:
            stop(ping.put, None)
        w.join([p])
    for q in (ping, pong):
        q.close()
        q.join_thread()
    return result


def main():
    args = parser(__doc__.splitlines()[0], default_ops=200_000, quick_ops=20_000).parse_args()
    n = resolve_ops(args)
    warmup = max(1000, n // 10)
    for variant, fn in (("mp.Pipe", run_pipe), ("mp.Queue-pair", run_queues)):
        secs, samples, bad = fn(n, warmup)
        if bad:
            raise CheckFailed(f"{variant}: {bad} echoed messages differed from what was sent")
        emit("pingpong", variant, n, secs, size_bytes=SIZE, warmup=warmup,
             **percentiles(samples))


if __name__ == "__main__":
    main_guard(main)
