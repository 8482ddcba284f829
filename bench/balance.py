#!/usr/bin/env python3
"""How evenly a check keeps its threads busy, stage by stage (BENCHMARKS.md).

    bench/balance.py N [BIN ...]

Runs each binary N times (after a warm-up, alternating) on two threads with
STEWARD_TIMINGS set, and prints each stage's median wall time and idle time:
threads x wall - CPU, the time a thread waited for work. Unlike a speed-up,
idle time hardly moves with a neighbour's load on a shared machine, so a
change to how work is split can be judged in a noisy hour.
"""

import os
import re
import statistics
import subprocess
import sys

from run import C10K, STEWARD, check_cmd

STAGE = re.compile(r"steward: +(\S+) +([\d.]+) ms +cpu +([\d.]+) ms")
STAGES = ("walk", "read", "model", "schedule", "runbooks", "rules", "report")
THREADS = 2


def main():
    rounds = int(sys.argv[1])
    binaries = sys.argv[2:] or [str(STEWARD)]
    env = dict(os.environ, RAYON_NUM_THREADS=str(THREADS), STEWARD_TIMINGS="1")
    laps = {b: {} for b in binaries}
    for round_ in range(rounds + 1):
        for binary in binaries:
            run = subprocess.run(check_cmd(C10K, binary),
                                 env=env, capture_output=True, text=True, check=False)
            for match in map(STAGE.match, run.stderr.splitlines()):
                if match and match[1] in STAGES and round_:
                    laps[binary].setdefault(match[1], []).append((float(match[2]), float(match[3])))
    for binary in binaries:
        wall = idle = 0.0
        cells = []
        for stage in STAGES:
            runs = laps[binary].get(stage, [])
            if not runs:
                continue
            w = statistics.median(r[0] for r in runs)
            i = statistics.median(THREADS * r[0] - r[1] for r in runs)
            wall, idle = wall + w, idle + i
            cells.append(f"{stage} {w:.1f}/{i:.1f}")
        if not cells:
            print(f"{binary}: no per-stage CPU times (STEWARD_TIMINGS before 0.2's ninth pass)")
            continue
        print(f"{binary}: wall/idle ms: {' | '.join(cells)} || total {wall:.1f}/{idle:.1f},"
              f" busy {1 - idle / (THREADS * wall):.3f}")


if __name__ == "__main__":
    main()
