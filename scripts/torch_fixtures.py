#!/usr/bin/env python3
"""Reference numbers from real PyTorch for the Swift tests, run once by hand.

    python3 scripts/torch_fixtures.py > Tests/GridGRPOTests/Fixtures/torch_adam.json

The tests read the committed JSON; they never need torch.

adam: torch.optim.Adam (float32, no weight decay, no AMSGrad) on fixed
parameters with a fixed sequence of gradients, for two sets of
hyperparameters; after every step the parameters and both moments.

init: the blog's PolicyNetwork and value network (5x5 grid: 50 inputs,
hidden 64) as nn.Linear initialises them. GridGRPO draws from its own random
streams, so only torch's formula can be compared, not its bits: for each
state_dict tensor its shape, fan_in, the uniform bound torch's
reset_parameters uses (kaiming_uniform_(a=sqrt(5)) for weights, 1/sqrt(fan_in)
for biases, both computed here with torch's own helpers), and statistics of
the values torch draws over many seeds (largest |value|, mean, std).
"""
import json
import math

import torch
from torch import nn


def adam_case(lr, betas, eps, initial, gradients):
    param = torch.tensor(initial, dtype=torch.float32, requires_grad=True)
    optimizer = torch.optim.Adam([param], lr=lr, betas=betas, eps=eps, foreach=False)
    steps = []
    for gradient in gradients:
        optimizer.zero_grad()
        param.grad = torch.tensor(gradient, dtype=torch.float32)
        optimizer.step()
        state = optimizer.state[param]
        steps.append({
            "param": param.detach().tolist(),
            "exp_avg": state["exp_avg"].tolist(),
            "exp_avg_sq": state["exp_avg_sq"].tolist(),
        })
    return {"lr": lr, "betas": list(betas), "eps": eps, "initial": initial, "gradients": gradients, "steps": steps}


class PolicyNetwork(nn.Module):
    """The blog's policy network (state_dict keys network.0.weight, ...)."""

    def __init__(self, inputs, hidden, outputs=4):
        super().__init__()
        self.network = nn.Sequential(nn.Linear(inputs, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                                     nn.Linear(hidden, outputs), nn.Softmax(dim=-1))


class ValueNetwork(nn.Module):
    """The blog's value network: the same stack with one output and no softmax."""

    def __init__(self, inputs, hidden):
        super().__init__()
        self.network = nn.Sequential(nn.Linear(inputs, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                                     nn.Linear(hidden, 1))


def blog_networks(inputs, hidden):
    return {"policy": PolicyNetwork(inputs, hidden), "value": ValueNetwork(inputs, hidden)}


def torch_bound(tensor, is_weight, weight):
    """The bound nn.Linear.reset_parameters gives `tensor`, from torch's helpers."""
    fan_in, _ = nn.init._calculate_fan_in_and_fan_out(weight)
    if is_weight:
        gain = nn.init.calculate_gain("leaky_relu", math.sqrt(5))
        return fan_in, gain * math.sqrt(3.0 / fan_in)
    return fan_in, 1 / math.sqrt(fan_in)


def init_statistics(inputs=50, hidden=64, seeds=20):
    result = {}
    for name in ["policy", "value"]:
        pooled = {}
        for seed in range(seeds):
            torch.manual_seed(seed)
            network = blog_networks(inputs, hidden)[name]
            for key, tensor in network.state_dict().items():
                pooled.setdefault(key, []).append(tensor.flatten())
        network = blog_networks(inputs, hidden)[name]
        rows = []
        for key, tensor in network.state_dict().items():
            layer = key.rsplit(".", 1)[0]
            weight = network.state_dict()[f"{layer}.weight"]
            fan_in, bound = torch_bound(tensor, key.endswith("weight"), weight)
            values = torch.cat(pooled[key]).double()
            rows.append({"key": key, "shape": list(tensor.shape), "fan_in": fan_in, "bound": bound,
                         "max_abs": values.abs().max().item(), "mean": values.mean().item(),
                         "std": values.std().item(), "count": values.numel()})
        result[name] = rows
    return {"inputs": inputs, "hidden": hidden, "seeds": seeds, "networks": result}


def main():
    initial = [1.0, -2.0, 0.5, 0.0, 3.25, -0.75, 1e-3, -40.0]
    gradients = [
        [0.5, -3.0, 0.0, 1e-9, 12.0, -0.25, 2.0, 0.1],
        [0.5, 1.0, 0.0, -1e-9, -12.0, -0.25, 1e-4, 0.2],
        [-0.1, 0.7, 4.0, 1e-9, 6.0, 0.5, 0.0, -50.0],
        [0.3, -0.2, -4.0, 0.0, 0.0, 0.125, -3.0, 0.3],
        [0.05, 2.5, 1e-6, 1e-9, 1.5, -1.0, 0.01, 0.0],
        [-0.7, -0.01, 0.3, -1e-9, -0.5, 0.75, 5.0, 7.0],
    ]
    fixture = {
        "generator": "scripts/torch_fixtures.py",
        "torch_version": torch.__version__,
        "adam": [
            adam_case(0.01, (0.9, 0.999), 1e-8, initial, gradients),
            adam_case(0.1, (0.8, 0.99), 1e-3, initial, gradients),
        ],
        "init": init_statistics(),
    }
    print(json.dumps(fixture, indent=1))


if __name__ == "__main__":
    main()
