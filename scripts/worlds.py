#!/usr/bin/env python3
"""Where runs that miss the optimum stand, and what their greedy policies do wrong.

For finished run directories (a sweep's SETTING/seed-N, or any run made by
`make`), grouped by their parent directory (a sweep's setting), prints a
Markdown table:

  - the kept policy (best.h5: the checkpoint with the highest exhaustive greedy
    mean return): its fraction of start configurations played optimally and
    its iteration, median (min-max) over the runs;
  - the last iteration's greedy episodes that are not optimal, as fractions of
    all configurations: ended on lava (before max_steps, goal not reached),
    looped until max_steps, or reached the goal by a longer path;
  - for the blog's method (algorithm: preference), how often the last
    iteration's pairing kept an episode as the preferred one when it started
    from a configuration the sampling policy's greedy play gets wrong, against
    the other episodes: the update only learns from preferred episodes.

Reads only the files (h5py); the run's config is the JSON each eval.h5 records.

usage: scripts/worlds.py RUN_DIR [RUN_DIR ...]
  e.g. scripts/worlds.py artifacts/sweeps/lava_gap/*/seed-*
"""
import json
import os
import statistics
import sys

import h5py
import numpy as np


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def last_iteration(run):
    iterations = [int(name[5:]) for name in os.listdir(run) if name.startswith("iter-") and name[5:].isdigit()]
    if not iterations:
        sys.exit(f"{run}: no iter-NNNN directory (not a run made by make?)")
    return max(iterations)


def run_row(run):
    for name in ("best.h5",):
        if not os.path.isfile(os.path.join(run, name)):
            sys.exit(f"{run}/{name}: no such file (is the run finished?)")
    with h5py.File(os.path.join(run, "best.h5"), "r") as best:
        kept_fraction = float(best.attrs["optimal_fraction"])
        kept_iteration = int(best.attrs["best_iteration"])
    last = last_iteration(run)
    path = os.path.join(run, f"iter-{last:04d}", "eval.h5")
    with h5py.File(path, "r") as evaluation:
        config = json.loads(text(evaluation.attrs["config"]))
        max_steps = int(config["environment"]["max_steps"])
        length = evaluation["length"][:]
        success = evaluation["success"][:].astype(bool)
        optimal = evaluation["optimal"][:].astype(bool)
    row = {
        "kept_fraction": kept_fraction,
        "kept_iteration": kept_iteration,
        "lava": float(np.mean(~success & (length < max_steps))),
        "loops": float(np.mean(~success & (length >= max_steps))),
        "longer": float(np.mean(success & ~optimal)),
        "preference": config.get("algorithm", "preference") == "preference",
    }
    if row["preference"] and last >= 1:
        row["preferred"] = preferred_shares(run, last)
    return row


def preferred_shares(run, iteration):
    """Share of preferred episodes among those starting where the greedy play of
    the sampling policy (iteration − 1's weights, evaluated in its eval.h5) is
    not optimal, and among the others."""
    with h5py.File(os.path.join(run, f"iter-{iteration - 1:04d}", "eval.h5"), "r") as evaluation:
        wrong = set(zip(evaluation["agent"][:][evaluation["optimal"][:] == 0].tolist(),
                        evaluation["goal"][:][evaluation["optimal"][:] == 0].tolist()))
    with h5py.File(os.path.join(run, f"iter-{iteration:04d}", "rollout.h5"), "r") as rollout:
        agents = rollout["episodes/agent_start"][:].tolist()
        goals = rollout["episodes/goal"][:].tolist()
    with h5py.File(os.path.join(run, f"iter-{iteration:04d}", "pairs.h5"), "r") as pairs:
        preferred = np.zeros(len(agents), dtype=bool)
        preferred[pairs["preferred"][:]] = True
    starts_wrong = np.array([(a, g) in wrong for a, g in zip(agents, goals)], dtype=bool)
    share = lambda mask: float(preferred[mask].mean()) if mask.any() else float("nan")
    return share(starts_wrong), share(~starts_wrong), int(starts_wrong.sum()), len(agents)


def spread(values, digits=3):
    values = [v for v in values if v == v]
    if not values:
        return "–"
    form = f"{{:.{digits}f}}" if digits else "{:.0f}"
    middle = form.format(statistics.median(values))
    return middle if len(values) == 1 else f"{middle} ({form.format(min(values))}–{form.format(max(values))})"


def main():
    runs = sys.argv[1:]
    if not runs or any(r in ("-h", "--help") for r in runs):
        print(__doc__.strip())
        return 0 if runs else 2
    groups = {}
    for run in runs:
        run = run.rstrip("/")
        setting = os.path.basename(os.path.dirname(os.path.abspath(run)))
        groups.setdefault(setting, []).append(run_row(run))
    print("| setting | runs | kept policy: fraction optimal | its iteration | last iteration, not optimal: lava | loops to max_steps | longer path | preferred: episodes from a wrong start | the others |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for setting, rows in groups.items():
        preferred = [row["preferred"] for row in rows if "preferred" in row]
        print(f"| {setting} | {len(rows)} | {spread([r['kept_fraction'] for r in rows])} | "
              f"{spread([r['kept_iteration'] for r in rows], 0)} | {spread([r['lava'] for r in rows])} | "
              f"{spread([r['loops'] for r in rows])} | {spread([r['longer'] for r in rows])} | "
              f"{spread([p[0] for p in preferred], 2) if preferred else '–'} | {spread([p[1] for p in preferred], 2) if preferred else '–'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
