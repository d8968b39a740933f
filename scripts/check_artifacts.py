#!/usr/bin/env python3
"""Independent check of a run's artifacts with h5py and numpy only.

Loads best.h5 the way docs/artifacts.md tells a PyTorch user to (a state_dict
per network, keys and shapes of the blog's PolicyNetwork), re-implements the
blog's forward pass and grid world in numpy, replays the greedy policy from
every start/goal configuration, and checks the result against the run's own
eval.h5 for the best iteration. Exits non-zero with a message on any mismatch.

The world comes from the files alone: /world/cell_type (0 floor, 1 wall,
2 lava) and its lava_penalty, or the open grid when a file has no /world. The
configurations and their optimal distances are recomputed here by
breadth-first search and must be eval.h5's rows.

usage: scripts/check_artifacts.py ARTIFACTS_DIR
"""
import json
import sys

import h5py
import numpy as np

import grid_rules
from grid_rules import FLOOR, LAVA


def fail(message):
    print(f"check_artifacts: {message}", file=sys.stderr)
    sys.exit(1)


def main(run):
    with h5py.File(f"{run}/best.h5", "r") as f:
        # String attributes are fixed-length UTF-8: h5py returns bytes.
        schema = f.attrs["schema"].decode()
        if schema != "gridgrpo.best":
            fail(f"best.h5 has schema {schema}")
        config = json.loads(f.attrs["config"])
        policy = {k: np.asarray(v[()]) for k, v in f["policy"].items()}
        best_iteration = int(f.attrs["best_iteration"])
        mean_return = float(f.attrs["mean_return"])
        world = read_world(f, config)

    n = config["environment"]["grid_size"]
    hidden = config["network"]["hidden_size"]
    max_steps = config["environment"]["max_steps"]
    expected = {
        "network.0.weight": (hidden, 2 * n * n), "network.0.bias": (hidden,),
        "network.2.weight": (hidden, hidden), "network.2.bias": (hidden,),
        "network.4.weight": (4, hidden), "network.4.bias": (4,),
    }
    shapes = {k: v.shape for k, v in policy.items()}
    if shapes != expected:
        fail(f"policy state_dict {shapes} is not the blog's PolicyNetwork {expected}")
    if any(v.dtype != np.float32 for v in policy.values()):
        fail("policy tensors must be float32")

    def logits(agent, goal):
        x = np.zeros(2 * n * n, dtype=np.float32)
        x[agent] = 1
        x[n * n + goal] = 1
        h = np.maximum(policy["network.0.weight"] @ x + policy["network.0.bias"], 0)
        h = np.maximum(policy["network.2.weight"] @ h + policy["network.2.bias"], 0)
        return policy["network.4.weight"] @ h + policy["network.4.bias"]

    cells, penalty, layout = world
    if cells.shape != (n, n):
        fail(f"/world/cell_type has shape {cells.shape}, expected ({n}, {n})")
    kind = cells.reshape(-1)

    def move(cell, action):
        return grid_rules.move(kind, n, cell, action)

    def distances(goal):
        return grid_rules.distances(kind, n, goal)

    table = {goal: distances(goal) for goal in range(n * n) if kind[goal] == FLOOR}
    expected = [(a, g) for a in range(n * n) if kind[a] == FLOOR
                for g in range(n * n) if g != a and kind[g] == FLOOR and table[g][a] >= 0]

    with h5py.File(f"{run}/iter-{best_iteration:04d}/eval.h5", "r") as f:
        eval_world = read_world(f, config)
        agents, goals = f["agent"][()], f["goal"][()]
        lengths, returns = f["length"][()], f["return"][()]
        recorded_distances = f["distance"][()]
    if eval_world[2] != layout or not np.array_equal(eval_world[0], cells):
        fail(f"eval.h5 was made for layout {eval_world[2]}, best.h5 for {layout}")
    if list(zip(agents.tolist(), goals.tolist())) != expected:
        fail(f"eval.h5 holds {len(agents)} configurations, expected the {len(expected)} of the {layout} grid in order")
    if any(table[g][a] != d for a, g, d in zip(agents.tolist(), goals.tolist(), recorded_distances.tolist())):
        fail("eval.h5's distances are not the breadth-first search's")

    mismatches = 0
    for i, (agent, goal) in enumerate(zip(agents, goals)):
        cell, total, steps = int(agent), np.float32(0), 0
        while steps < max_steps:
            cell = move(cell, int(np.argmax(logits(cell, int(goal)))))
            steps += 1
            if cell == goal:
                total += np.float32(1.0)
                break
            if kind[cell] == LAVA:
                total += np.float32(penalty)
                break
            total += np.float32(-0.1)
        if steps != lengths[i] or abs(total - returns[i]) > 1e-4:
            mismatches += 1
    # float32 vs the pipeline's float32 may differ in the last bit; a greedy tie
    # decided differently would show up as a different length
    if mismatches:
        fail(f"{mismatches} of {len(agents)} configurations replay differently from eval.h5")
    print(f"check_artifacts: best.h5 (iteration {best_iteration}, mean return {mean_return:.3f}, {layout} {n}x{n}) "
          f"loads as the blog's PolicyNetwork and replays all {len(agents)} configurations of eval.h5 exactly")


def read_world(f, config):
    """(cell types N x N, lava penalty, layout name) from a file's /world, or the open grid."""
    n = config["environment"]["grid_size"]
    if "world" not in f:
        return np.zeros((n, n), dtype=np.uint8), -1.0, "open"
    group = f["world"]
    return group["cell_type"][()], float(group.attrs["lava_penalty"]), group.attrs["layout"].decode()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1])
