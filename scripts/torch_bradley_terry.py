#!/usr/bin/env python3
"""Reference numbers from real PyTorch for the Bradley–Terry loss, run once by hand.

    python3 scripts/torch_bradley_terry.py > Tests/GridGRPOTests/Fixtures/torch_bradley_terry.json

The reward model r(s, a) is the blog's MLP (Linear, ReLU, Linear, ReLU,
Linear) on the 3x3 grid's observation (two one-hot planes, agent then goal)
followed by a one-hot action: 2*9 + 4 = 22 inputs, hidden 6, one output.
For a minibatch of labels y = P(a > b) in {0, 1/2, 1} over pairs of episodes,
z = sum_t r(s_t^a, a_t^a) - sum_t r(s_t^b, a_t^b) and the loss is the mean of
binary_cross_entropy_with_logits(z, y), in float64 (exact reference) and in
float32. The JSON holds the parameters (state_dict order, flattened), the
episodes, the labels, the loss and its gradient for every parameter.
"""
import json

import torch
from torch import nn
import torch.nn.functional as F

CELLS, HIDDEN = 9, 6


def observation(agent, goal, action):
    x = torch.zeros(2 * CELLS + 4, dtype=torch.float64)
    x[agent] = 1
    x[CELLS + goal] = 1
    x[2 * CELLS + action] = 1
    return x


def main():
    torch.manual_seed(7)
    model = nn.Sequential(nn.Linear(2 * CELLS + 4, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 1)).double()
    # episodes: (goal, [(agent cell, action), ...]); label i compares episodes 2i and 2i+1
    episodes = [
        (8, [(0, 1), (1, 1), (2, 2), (5, 2)]),
        (8, [(0, 2), (3, 0), (0, 3), (0, 1), (1, 2), (4, 2), (7, 1)]),
        (2, [(6, 0), (3, 0), (0, 1), (1, 1)]),
        (2, [(6, 1), (7, 0)]),
        (4, [(8, 3), (7, 0)]),
        (4, [(2, 2), (5, 3)]),
    ]
    labels = [1.0, 0.0, 0.5]
    sums = []
    for goal, steps in episodes:
        inputs = torch.stack([observation(a, goal, act) for a, act in steps])
        sums.append(model(inputs).sum())
    z = torch.stack([sums[2 * i] - sums[2 * i + 1] for i in range(len(labels))])
    y = torch.tensor(labels, dtype=torch.float64)
    loss = F.binary_cross_entropy_with_logits(z, y)
    model.zero_grad()
    loss.backward()
    parameters = [p.detach().flatten().tolist() for p in model.parameters()]
    gradients = [p.grad.flatten().tolist() for p in model.parameters()]
    print(json.dumps({
        "torch_version": torch.__version__,
        "cells": CELLS,
        "hidden": HIDDEN,
        "parameters": [v for tensor in parameters for v in tensor],
        "episodes": [{"goal": goal, "agents": [a for a, _ in steps], "actions": [act for _, act in steps]} for goal, steps in episodes],
        "labels": labels,
        "z": z.detach().tolist(),
        "loss": loss.item(),
        "gradient": [v for tensor in gradients for v in tensor],
    }, indent=1))


if __name__ == "__main__":
    main()
