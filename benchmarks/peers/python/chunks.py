#!/usr/bin/env python3
"""Parallel line scan of one file, ranges claimed through a shared offset array.

Python peer of Shoal's "chunks" (seed) workload.  W worker processes scan one
file.  Work is handed out in byte ranges of --chunk-bytes: a worker claims the
next range by taking, under the array's lock, the maximum of a shared
``multiprocessing.Array('q', W)`` of offsets (slot w holds the end of the last
range worker w claimed) and writing start + chunk into its own slot.

Line ownership: a line belongs to the range holding its first byte.  So a
worker skips the partial first line of its range (unless the byte before the
range is a newline) and reads past the range end to finish its last line.
Lines are split on b"\\n"; a final line without a newline counts; an empty file
has 0 lines.

Per line the worker computes a hash of the line without its newline.  Shoal
uses CRC32C, which Python's standard library lacks, so this peer uses
``zlib.crc32`` and says so ("line_hash": "crc32").  Output: lines, bytes
(file bytes covered, newlines included), checksum = sum of per-line hashes
mod 2**64, workers, chunks (ranges claimed), seconds, ops_per_s = bytes/s,
bytes_per_s.  Timing runs from releasing the parked workers to the later
worker's finish timestamp (file opening and process start are excluded; the
page cache state is whatever it is - run once beforehand for a warm cache).

--verify recomputes lines/bytes/checksum with a plain single-process loop and
exits with status 2 on any difference.  --ops is accepted for interface
uniformity but ignored (the file size sets the amount of work); --quick
changes nothing either.
"""

import os
import zlib

from _common import (CTX, CheckFailed, Workers, emit, gather, log, main_guard, parser,
                     perf_ns)

MASK64 = (1 << 64) - 1
READ_AHEAD = 64 * 1024


def claim(offsets, slot, chunk, size):
    """Return the start of the next unclaimed range, or None when all are taken."""
    with offsets.get_lock():
        raw = offsets.get_obj()
        start = max(raw)
        if start >= size:
            return None
        raw[slot] = start + chunk
        return start


def scan_range(fd, start, end, size):
    """(lines, bytes, hash_sum) for the lines whose first byte is in [start, end)."""
    end = min(end, size)
    if start == 0:
        body = os.pread(fd, end, 0)
    else:
        data = os.pread(fd, end - start + 1, start - 1)     # include the byte before
        nl = data.find(b"\n")
        if nl < 0:
            return 0, 0, 0                                  # no line starts here
        body = data[nl + 1:]
    if not body:
        return 0, 0, 0
    if not body.endswith(b"\n"):                            # finish the last line
        pos, tail = end, []
        while pos < size:
            more = os.pread(fd, READ_AHEAD, pos)
            nl = more.find(b"\n")
            if nl >= 0:
                tail.append(more[:nl + 1])
                break
            tail.append(more)
            pos += len(more)
        body += b"".join(tail)
    lines = body.split(b"\n")
    if body.endswith(b"\n"):
        lines.pop()                                         # nothing after the last newline
    return len(lines), len(body), sum(map(zlib.crc32, lines))


def worker(path, slot, offsets, chunk, start_evt, out):
    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        lines = nbytes = hsum = chunks = 0
        start_evt.wait()
        while True:
            start = claim(offsets, slot, chunk, size)
            if start is None:
                break
            chunks += 1
            l, b, h = scan_range(fd, start, start + chunk, size)
            lines += l
            nbytes += b
            hsum += h
        out.put((lines, nbytes, hsum & MASK64, chunks, perf_ns()))
    finally:
        os.close(fd)


def reference(path):
    """Single-process, straightforward version of the same computation."""
    lines = nbytes = hsum = 0
    with open(path, "rb") as f:
        for line in f:
            nbytes += len(line)
            lines += 1
            hsum += zlib.crc32(line[:-1] if line.endswith(b"\n") else line)
    return lines, nbytes, hsum & MASK64


def main():
    p = parser(__doc__.splitlines()[0], default_ops=0, quick_ops=0)
    p.add_argument("--file", required=True, help="file to scan")
    p.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    p.add_argument("--chunk-bytes", type=int, default=4 * 1024 * 1024,
                   help="range size in bytes (default 4 MiB)")
    p.add_argument("--verify", action="store_true",
                   help="compare with a single-process reference scan")
    args = p.parse_args()
    if args.workers < 1 or args.chunk_bytes < 1:
        raise SystemExit("--workers and --chunk-bytes must be >= 1")
    if args.ops is not None:
        log("chunks: --ops ignored (work is set by the file size)")
    size = os.path.getsize(args.file)

    offsets = CTX.Array("q", args.workers)
    start, out = CTX.Event(), CTX.Queue()
    with Workers() as w:
        for i in range(args.workers):
            w.start(worker, args.file, i, offsets, args.chunk_bytes, start, out,
                    name=f"chunk-worker-{i}")
        t0 = perf_ns()
        start.set()
        res = gather(out, args.workers, w, timeout=3600)
        w.join()
    lines = sum(r[0] for r in res)
    nbytes = sum(r[1] for r in res)
    checksum = sum(r[2] for r in res) & MASK64
    chunks = sum(r[3] for r in res)
    secs = max((max(r[4] for r in res) - t0) / 1e9, 1e-9)

    if nbytes != size:
        raise CheckFailed(f"covered {nbytes} bytes, file has {size}")
    verified = False
    if args.verify:
        ref = reference(args.file)
        if ref != (lines, nbytes, checksum):
            raise CheckFailed(f"parallel (lines, bytes, checksum) = {(lines, nbytes, checksum)}"
                              f" but reference = {ref}")
        verified = True
    emit("chunks", "mp.Array-offsets+lock", nbytes, secs,
         lines=lines, bytes=nbytes, checksum=checksum, line_hash="crc32",
         workers=args.workers, chunks=chunks, chunk_bytes=args.chunk_bytes,
         bytes_per_s=round(nbytes / secs, 1), lines_per_s=round(lines / secs, 1),
         file_bytes=size, verified=verified)


if __name__ == "__main__":
    main_guard(main)
