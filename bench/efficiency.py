#!/usr/bin/env python3
"""How much of the host's two-core ceiling each build gets (BENCHMARKS.md).

    bench/efficiency.py N BIN [BIN ...]

Each of N rounds (after a warm-up) takes bench/ceiling.py's three timings
for every build in turn, the order reversed every other round: (a) one
one-thread check, (b) two at once, (c) one two-thread check. b / 2c is the
share of perfectly parallel work's speed that the check gets (achieved
a/c over ceiling 2a/b, one thread's time cancelled out). Unlike either
speed-up it hardly moves with a neighbour's load, so it compares builds,
and predicts a quiet hour, when no quiet hour comes. Prints per build the
median ceiling and speed-up, b / 2c's quartiles, and b / 2c by the
round's ceiling.
"""

import statistics
import sys

from ceiling import round_timings
from run import C10K, check_cmd

BINS = [(0, 1.5), (1.5, 1.7), (1.7, 1.8), (1.8, 1.9), (1.9, 1.95), (1.95, 99)]


def quartiles(values):
    # statistics.quantiles needs two values; one round has one of each.
    q1, q2, q3 = statistics.quantiles(values, n=4) if len(values) > 1 else values * 3
    return f"{q1:.3f} / {q2:.3f} / {q3:.3f}"


def main():
    rounds, binaries = int(sys.argv[1]), sys.argv[2:]
    timings = {b: [] for b in binaries}
    for round_ in range(rounds + 1):
        for binary in binaries if round_ % 2 == 0 else binaries[::-1]:
            timing = round_timings(check_cmd(C10K, binary))
            if round_:
                timings[binary].append(timing)
    for binary, rows in timings.items():
        ceiling = [2 * a / b for a, b, _ in rows]
        achieved = [a / c for a, _, c in rows]
        efficiency = [b / (2 * c) for _, b, c in rows]
        print(f"{binary}: ceiling {statistics.median(ceiling):.2f}x | achieved {statistics.median(achieved):.2f}x"
              f" ({sum(x >= 1.7 for x in achieved)} of {len(rows)} rounds >= 1.7x) | b/2c {quartiles(efficiency)}")
        for low, high in BINS:
            picked = [(x, e) for x, e, c in zip(achieved, efficiency, ceiling) if low <= c < high]
            if picked:
                print(f"  ceiling {low:.2f}-{high:.2f}x: {len(picked)} rounds, achieved"
                      f" {statistics.median(x for x, _ in picked):.2f}x, b/2c {statistics.median(e for _, e in picked):.3f}")


if __name__ == "__main__":
    main()
