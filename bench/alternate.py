#!/usr/bin/env python3
"""Alternating runs of several commands, for a noisy machine (BENCHMARKS.md).

    bench/alternate.py N CMD -- CMD ...

Runs each command once per round, N rounds after a warm-up, one thread
unless RAYON_NUM_THREADS is set; prints each command's median and minimum
wall and CPU (user + system) time. Alternating puts every command under
the same moments of a neighbour's load.
"""

import os
import resource
import statistics
import subprocess
import sys
import time


def main():
    rounds = int(sys.argv[1])
    commands = [c.split() for c in " ".join(sys.argv[2:]).split(" -- ")]
    env = dict(os.environ, RAYON_NUM_THREADS=os.environ.get("RAYON_NUM_THREADS", "1"))
    walls = [[] for _ in commands]
    cpus = [[] for _ in commands]
    for round_ in range(rounds + 1):
        for i, command in enumerate(commands):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
            if round_:
                walls[i].append(wall)
                cpus[i].append(cpu)
    for command, wall, cpu in zip(commands, walls, cpus):
        print(f"{' '.join(command)[:60]:60} wall median {statistics.median(wall) * 1e3:7.1f} min {min(wall) * 1e3:7.1f} ms"
              f" | cpu median {statistics.median(cpu) * 1e3:7.1f} min {min(cpu) * 1e3:7.1f} ms")


if __name__ == "__main__":
    main()
