"""The grid world's rules in numpy, for the scripts that check or analyse runs
from their files alone (check_artifacts.py, misses.py): written from the
README's "What is computed, exactly", not from the Swift code.

A world is its cell types, row-major (0 floor, 1 wall, 2 lava), and its side n.
"""
import numpy as np

FLOOR, WALL, LAVA = 0, 1, 2


def move(kind, n, cell, action):
    """The cell an action (0 up, 1 right, 2 down, 3 left) leads to: off the
    grid or into a wall the agent stays where it is."""
    row, col = divmod(cell, n)
    target = cell
    if action == 0 and row > 0: target = cell - n
    if action == 1 and col < n - 1: target = cell + 1
    if action == 2 and row < n - 1: target = cell + n
    if action == 3 and col > 0: target = cell - 1
    return cell if kind[target] == WALL else target


def distances(kind, n, goal):
    """Fewest moves from every cell to goal over floor cells (-1: unreachable;
    lava is impassable), by breadth-first search from the goal."""
    distance = np.full(n * n, -1)
    distance[goal] = 0
    queue = [goal]
    for cell in queue:
        for action in range(4):
            target = move(kind, n, cell, action)
            if kind[target] == FLOOR and distance[target] < 0:
                distance[target] = distance[cell] + 1
                queue.append(target)
    return distance
