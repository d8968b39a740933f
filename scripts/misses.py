#!/usr/bin/env python3
"""Where a kept policy leaves the optimum, state by state.

For a finished run (a sweep's SETTING/seed-N, or any run made by `make`):
every start configuration whose greedy episode under best.h5 is not optimal,
traced to the first state where the greedy action leaves every shortest path
(breadth-first search over floor cells, lava impassable). For each such
state (agent cell, goal cell, as row, column): its distance to the goal, the
policy's four action probabilities (up, right, down, left), the greedy
action, the optimal actions, and how many steps of the last WINDOW
iterations' rollouts (default 30, up to the kept iteration) stood in it.

The README's "Harder worlds" uses it to show why the blog's method without an
entropy bonus misses a few configurations: rarely visited states where a
wrong action holds most of the probability, so the right one is hardly ever
sampled. Reads only the files (h5py, numpy).

usage: scripts/misses.py RUN_DIR [--window N]
"""
import json
import os
import sys

import h5py
import numpy as np

import grid_rules

ACTIONS = "up right down left".split()


def fail(message):
    sys.exit(f"misses: {message}")


def main(run, window):
    best_path = os.path.join(run, "best.h5")
    if not os.path.isfile(best_path):
        fail(f"{best_path}: no such file (is the run finished?)")
    with h5py.File(best_path, "r") as f:
        config = json.loads(f.attrs["config"])
        policy = {k: np.asarray(v[()], dtype=np.float64) for k, v in f["policy"].items()}
        best = int(f.attrs["best_iteration"])
        kind = f["world"]["cell_type"][()].reshape(-1) if "world" in f else None
    n = config["environment"]["grid_size"]
    if kind is None:
        kind = np.zeros(n * n, dtype=np.uint8)

    def probabilities(agent, goal):
        x = np.zeros(2 * n * n)
        x[agent], x[n * n + goal] = 1, 1
        h = np.maximum(policy["network.0.weight"] @ x + policy["network.0.bias"], 0)
        h = np.maximum(policy["network.2.weight"] @ h + policy["network.2.bias"], 0)
        logits = policy["network.4.weight"] @ h + policy["network.4.bias"]
        e = np.exp(logits - logits.max())
        return e / e.sum()

    def move(cell, action):
        return grid_rules.move(kind, n, cell, action)

    def distances(goal):
        return grid_rules.distances(kind, n, goal)

    visits = {}
    for iteration in range(max(1, best - window + 1), best + 1):
        path = os.path.join(run, f"iter-{iteration:04d}", "rollout.h5")
        if not os.path.isfile(path):
            continue
        with h5py.File(path, "r") as f:
            offsets, goals, cells = f["episodes/offsets"][()], f["episodes/goal"][()], f["steps/agent_cell"][()]
        for episode, goal in enumerate(goals):
            for step in range(offsets[episode], offsets[episode + 1]):
                key = (int(cells[step]), int(goal))
                visits[key] = visits.get(key, 0) + 1

    with h5py.File(os.path.join(run, f"iter-{best:04d}", "eval.h5"), "r") as f:
        rows = list(zip(f["agent"][()], f["goal"][()], f["length"][()], f["distance"][()]))
    missed = [(int(a), int(g)) for a, g, length, distance in rows if length != distance]
    print(f"{run}: kept policy of iteration {best} misses {len(missed)} of {len(rows)} configurations")
    seen = set()
    for agent, goal in missed:
        distance = distances(goal)
        cell = agent
        for _ in range(config["environment"]["max_steps"]):
            p = probabilities(cell, goal)
            greedy = int(np.argmax(p))
            target = move(cell, greedy)
            if distance[target] != distance[cell] - 1:
                if (cell, goal) not in seen:
                    seen.add((cell, goal))
                    optimal = [ACTIONS[a] for a in range(4) if distance[move(cell, a)] == distance[cell] - 1]
                    shown = " ".join(f"{ACTIONS[a]} {p[a]:.3f}" for a in range(4))
                    print(f"  at {divmod(cell, n)} for goal {divmod(goal, n)}, {distance[cell]} moves away: {shown};"
                          f" greedy {ACTIONS[greedy]}, optimal {', '.join(optimal)};"
                          f" visited {visits.get((cell, goal), 0)} times in the last {window} rollouts")
                break
            cell = target


if __name__ == "__main__":
    arguments = sys.argv[1:]
    window = 30
    if "--window" in arguments:
        index = arguments.index("--window")
        try:
            window = int(arguments[index + 1])
        except (IndexError, ValueError):
            fail("--window needs a whole number of iterations")
        del arguments[index:index + 2]
    if len(arguments) != 1 or window < 1:
        fail("usage: scripts/misses.py RUN_DIR [--window N]")
    main(arguments[0], window)
