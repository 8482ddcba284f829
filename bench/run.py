#!/usr/bin/env python3
"""steward's benchmark: see BENCHMARKS.md.

Builds the release binaries, generates deterministic corpora, and reports
medians of several runs as ratios measured in the same run:

1. full `steward check` vs a parse-only baseline (the same YAML parser reading
   the same files into values, nothing else);
2. full `steward check` vs `check-jsonschema` (schema validation only);
3. scaling from 1k to 10k pipelines, and peak RSS against the corpus size;
4. end-to-end wall time on the bundled example.

It also checks correctness at scale: a corpus with planted defects must make
steward report exactly the planted findings (the script fails otherwise).
Timings are reported, never asserted: this is a benchmark, not a test.
"""

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-06-01"
# The corpus bench/ceiling.py, balance.py, compare.py and efficiency.py time (run.py makes it).
C10K = REPO / "target" / "bench-corpus" / "c10000"
STEWARD = REPO / "target" / "release" / "steward"
GEN = REPO / "target" / "release" / "gen_corpus"
BASELINE = REPO / "target" / "release" / "parse_baseline"
CHECK_JSONSCHEMA_BATCH = 10000


def build():
    # Two builds, so the tools' dependencies cannot change the features steward
    # is built with: steward stays the binary `cargo build --release` made.
    for package in ("steward", "steward-bench"):
        subprocess.run(["cargo", "build", "--release", "--quiet", "-p", package],
                       cwd=REPO, check=True)


def corpus(pipelines, out, defects=0):
    members = max(pipelines // 10, 40)
    rotations = max(members // 10, 4)
    stamp = out / ".args"
    if stamp.exists() and stamp.read_text() == f"{pipelines} {defects}":
        return out
    # Anything else there (another size, a run cut short) is regenerated.
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run(
        [str(GEN), "--pipelines", str(pipelines), "--members", str(members),
         "--rotations", str(rotations), "--years", "2", "--defects", str(defects),
         "--out", str(out)], check=True)
    (out / ".args").write_text(f"{pipelines} {defects}")
    return out


def corpus_bytes(root):
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and p.name != ".args"
               and p.name != "expected-findings.txt")


def run_once(cmd, env=None):
    """Wall seconds and peak RSS (KiB) of one run, in a fresh child."""
    # A helper process per run so RUSAGE_CHILDREN is this run's alone.
    probe = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
        "t = time.perf_counter() - t\n"
        "print(t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)\n"
        "sys.stderr.write(r.stderr.decode(errors='replace'))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe, *map(str, cmd)],
                         capture_output=True, text=True, env=env, cwd=REPO)
    seconds, rss, code = out.stdout.split()
    if int(code) not in (0, 1):
        sys.exit(f"command failed ({code}): {' '.join(map(str, cmd))}\n{out.stderr}")
    return float(seconds), int(rss)


def median_run(cmd, runs, threads=None, warmup=1):
    env = dict(os.environ)
    if threads:
        env["RAYON_NUM_THREADS"] = str(threads)
    for _ in range(warmup):
        run_once(cmd, env)
    samples = [run_once(cmd, env) for _ in range(runs)]
    return statistics.median(s[0] for s in samples), max(s[1] for s in samples)


def check_cmd(root, binary=None):
    return [binary or STEWARD, "check", root, "--today", TODAY, "--format", "json"]


def check_jsonschema(root, runs):
    """check-jsonschema over the corpus' single-document files, per kind."""
    exe = shutil.which("check-jsonschema")
    if not exe:
        return None
    groups = [
        ("pipeline", sorted(p for p in (root / "pipelines").rglob("*.yaml") if "bundle" not in p.name)),
        ("team", sorted((root / "teams").glob("*.yaml"))),
        ("rotation", sorted((root / "rotations").glob("oncall-*.yaml"))),
        ("holidays", [root / "holidays.yaml"]),
    ]
    total = 0.0
    files = 0
    for kind, paths in groups:
        if not paths:
            continue
        # Batches keep the command line under the kernel's limit on large corpora.
        for start in range(0, len(paths), CHECK_JSONSCHEMA_BATCH):
            batch = paths[start:start + CHECK_JSONSCHEMA_BATCH]
            cmd = [exe, "--schemafile", REPO / "schemas" / f"{kind}.json", *batch]
            total += statistics.median(run_once(cmd)[0] for _ in range(runs))
        files += len(paths)
    return total, files


def defects_found(root):
    """Planted findings vs reported ones: (missing, unexpected)."""
    out = subprocess.run([STEWARD, "check", ".", "--today", TODAY, "--format", "json"],
                         cwd=root, capture_output=True, text=True)
    got = {f"{f['file']}:{f['line']} {f['rule']}" for f in json.loads(out.stdout)["findings"]}
    expected = {l.strip() for l in (root / "expected-findings.txt").read_text().splitlines() if l.strip()}
    return sorted(expected - got), sorted(got - expected), len(expected)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1k corpus, 3 runs (what CI runs)")
    parser.add_argument("--full", action="store_true", help="also a 100k-pipeline corpus")
    parser.add_argument("--runs", type=int, default=None)
    args = parser.parse_args()
    runs = args.runs or (3 if args.quick else 7)
    sizes = [1000] if args.quick else [1000, 10000] + ([100000] if args.full else [])

    build()
    work = REPO / "target" / "bench-corpus"
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    results = {}
    for size in sizes:
        root = corpus(size, work / f"c{size}")
        nbytes = corpus_bytes(root)
        check_mt, rss = median_run(check_cmd(root), runs)
        check_1t, rss_1t = median_run(check_cmd(root), runs, threads=1)
        own, _ = median_run([BASELINE, "--parser", "steward", root], runs)
        saphyr, _ = median_run([BASELINE, "--parser", "saphyr", root], runs)
        granit, _ = median_run([BASELINE, "--parser", "granit", root], runs)
        cj = check_jsonschema(root, 1 if size > 1000 or args.quick else 3)
        results[size] = dict(check_mt=check_mt, check_1t=check_1t, rss=max(rss, rss_1t),
                             bytes=nbytes, own=own, saphyr=saphyr, granit=granit, cj=cj)
        rows.append((size, results[size]))

    print(f"\nsteward benchmark ({runs} runs, medians; machine: {os.cpu_count()} cores)\n")
    print("| pipelines | corpus | check (all cores) | check (1 thread) | parse: serde-saphyr | parse: steward loader | parse: granit events | peak RSS | RSS budget |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size, r in rows:
        budget = 3 * r["bytes"] / 1e6 + 20
        print(f"| {size:,} | {r['bytes']/1e6:.1f} MB | {r['check_mt']*1000:.0f} ms | {r['check_1t']*1000:.0f} ms "
              f"| {r['saphyr']*1000:.0f} ms | {r['own']*1000:.0f} ms | {r['granit']*1000:.0f} ms "
              f"| {r['rss']/1024:.1f} MB | {budget:.1f} MB {'ok' if r['rss']/1024 <= budget else 'OVER'} |")

    print("\n| pipelines | check ÷ serde-saphyr values (target ≤ 1.5×) | check ÷ steward's own loader | check ÷ granit events (target ≤ 2×) | 1 thread ÷ all cores (target ≥ 1.7×) | check-jsonschema ÷ check (target ≥ 20×) |")
    print("|---:|---:|---:|---:|---:|---:|")
    for size, r in rows:
        cj = r["cj"]
        cj_text = "check-jsonschema not installed" if cj is None else \
            f"{cj[0]/r['check_mt']:.0f}× ({cj[0]:.2f} s for {cj[1]:,} files)"
        print(f"| {size:,} | {r['check_1t']/r['saphyr']:.2f}× | {r['check_1t']/r['own']:.2f}× "
              f"| {r['check_1t']/r['granit']:.2f}× | {r['check_1t']/r['check_mt']:.2f}× | {cj_text} |")

    if 1000 in results and 10000 in results:
        small, big = results[1000], results[10000]
        print(f"\nscaling 1k → 10k: time ×{big['check_1t']/small['check_1t']:.1f} on one thread, "
              f"×{big['check_mt']/small['check_mt']:.1f} on all cores (target ≤ 11×); corpus ×{big['bytes']/small['bytes']:.1f}")

    example, example_rss = median_run([STEWARD, "check", REPO / "examples" / "acme"], max(runs * 4, 20))
    print(f"\nend to end on examples/acme: {example*1000:.1f} ms median wall, {example_rss/1024:.1f} MB (target ≤ 10 ms)")

    planted = corpus(1000, work / "c1000-defects", defects=25)
    missing, unexpected, total = defects_found(planted)
    print(f"\nplanted defects: {total}, missing {len(missing)}, unexpected {len(unexpected)}")
    if missing or unexpected:
        print("missing:", *missing[:10], "unexpected:", *unexpected[:10], sep="\n  ")
        sys.exit(1)


if __name__ == "__main__":
    main()
