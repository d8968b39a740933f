#!/usr/bin/env python3
"""Measure iterations, environment steps and wall-clock seconds to the optimum.

For each seed, copies the config with that seed, runs the whole pipeline with
`make` (one job, binaries already built) into artifacts/results/seed-N, and
reports the first iteration whose greedy policy is optimal on every start/goal
configuration (best.h5 attribute first_all_optimal_iteration), the environment
steps the rollouts took up to it, and the wall time from the start of `make`
until that iteration's eval.h5 was written (all stages, evaluation included).
Prints a Markdown table.

usage: scripts/results.py [--config pipeline.yaml] [--seeds 0 1 2]
"""
import argparse
import os
import re
import subprocess
import sys
import time

import h5py


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", default="pipeline.yaml")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--out", default="artifacts/results")
    args = parser.parse_args()

    subprocess.run(["make", "--no-print-directory", "build"], check=True, stdout=subprocess.DEVNULL)
    with open(args.config) as f:
        text = f.read()
    if not re.search(r"^seed:", text, flags=re.M):
        sys.exit(f"{args.config}: needs a top-level 'seed:' line")
    rows = []
    for seed in args.seeds:
        run = f"{args.out}/seed-{seed}"
        subprocess.run(["rm", "-rf", run], check=True)
        os.makedirs(run, exist_ok=True)
        config = f"{args.out}/seed-{seed}.yaml"
        with open(config, "w") as f:
            f.write(re.sub(r"^seed:.*$", f"seed: {seed}", text, count=1, flags=re.M))
        start = time.time()
        subprocess.run(["make", "--no-print-directory", f"CONFIG={config}", f"ARTIFACTS={run}"],
                       check=True, stdout=subprocess.DEVNULL)
        total = time.time() - start
        with h5py.File(f"{run}/best.h5", "r") as f:
            first = int(f.attrs["first_all_optimal_iteration"])
            iterations = int(f.attrs["iteration"])
        if first < 0:
            rows.append((seed, "not reached", "-", "-", f"{total:.1f}", iterations))
            continue
        steps = 0
        for i in range(1, first + 1):
            with h5py.File(f"{run}/iter-{i:04d}/rollout.h5", "r") as f:
                steps += int(f.attrs["step_count"])
        seconds = os.path.getmtime(f"{run}/iter-{first:04d}/eval.h5") - start
        rows.append((seed, str(first), f"{steps:,}", f"{seconds:.1f}", f"{total:.1f}", iterations))

    print(f"config: {args.config}")
    print("| seed | iterations to optimum | env steps to optimum | seconds to optimum | seconds for the whole run | iterations run |")
    print("|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print("| " + " | ".join(str(x) for x in row) + " |")


if __name__ == "__main__":
    main()
