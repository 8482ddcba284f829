#!/usr/bin/env python3
"""Two builds' one- and two-thread times, round by round (BENCHMARKS.md).

    bench/compare.py N OLD NEW

Each of N rounds (after a warm-up) times OLD then NEW on one thread, OLD
then NEW on two, and two one-thread OLD checks at once (the machine's
ceiling, as in bench/ceiling.py). Prints the per-round medians of NEW / OLD
and each build's speed-up. On a shared machine a round's runs see about the
same neighbours, so the per-round ratio is steadier than either time; run it
again with OLD and NEW swapped to see what the order itself does.
"""

import statistics
import sys

from ceiling import timed
from run import C10K, check_cmd


def main():
    rounds, old, new = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    rows = []
    for round_ in range(rounds + 1):
        one = [timed([check_cmd(C10K, b)], 1) for b in (old, new)]
        two = [timed([check_cmd(C10K, b)], 2) for b in (old, new)]
        pair = timed([check_cmd(C10K, old), check_cmd(C10K, old)], 1)
        if round_:
            rows.append((one, two, 2 * one[0] / pair))
    median = statistics.median
    print(f"{rounds} rounds | new / old: one thread {median(r[0][1] / r[0][0] for r in rows):.3f},"
          f" two threads {median(r[1][1] / r[1][0] for r in rows):.3f}"
          f" | speed-up: old {median(r[0][0] / r[1][0] for r in rows):.2f}x,"
          f" new {median(r[0][1] / r[1][1] for r in rows):.2f}x"
          f" | ceiling {median(r[2] for r in rows):.2f}x")


if __name__ == "__main__":
    main()
