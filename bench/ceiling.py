#!/usr/bin/env python3
"""What two threads can gain on this machine, against what the check gains.

    bench/ceiling.py N [BIN [CORPUS]]

Each of N rounds (after a warm-up) times (a) one one-thread check, (b) two
one-thread checks started together, perfectly parallel work, and (c) one
two-thread check. On cores that share hardware or a host, (b) takes longer
than (a): 2a / b is the most two threads can give here, a / c what the
check gets. Prints the medians and each round's pair.
"""

import os
import statistics
import subprocess
import sys
import time

from run import C10K, STEWARD, check_cmd


def timed(commands, threads):
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads))
    start = time.perf_counter()
    running = [subprocess.Popen(c, stdout=subprocess.DEVNULL, env=env) for c in commands]
    for process in running:
        process.wait()
    return time.perf_counter() - start


def round_timings(check):
    """(a) one one-thread check, (b) two at once, (c) one two-thread check."""
    return timed([check], 1), timed([check, check], 1), timed([check], 2)


def main():
    rounds = int(sys.argv[1])
    binary = sys.argv[2] if len(sys.argv) > 2 else str(STEWARD)
    corpus = sys.argv[3] if len(sys.argv) > 3 else C10K
    check = check_cmd(corpus, binary)
    alone, together, threaded = [], [], []
    for round_ in range(rounds + 1):
        a, b, c = round_timings(check)
        if round_:
            alone.append(a)
            together.append(b)
            threaded.append(c)
    a, b, c = (statistics.median(x) for x in (alone, together, threaded))
    print(f"(a) one thread {a * 1e3:.0f} ms | (b) two at once {b * 1e3:.0f} ms | (c) two threads {c * 1e3:.0f} ms"
          f" | ceiling 2a/b {2 * a / b:.2f}x | achieved a/c {a / c:.2f}x")
    print("rounds (ceiling/achieved): " + " ".join(f"{2 * x / y:.2f}/{x / z:.2f}" for x, y, z in zip(alone, together, threaded)))


if __name__ == "__main__":
    main()
