"""Dependency-graph algorithms for the planner: SCCs, topological order, critical path.

Pure functions over `dict[node, list[node]]` (edges point from a file to what it imports).
Everything is deterministic: nodes and edges are visited in sorted order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["critical_path", "strongly_connected", "topological"]


def strongly_connected(graph: Mapping[str, Sequence[str]]) -> list[tuple[str, ...]]:
    """Return the strongly connected components of `graph`, dependencies first.

    Tarjan's algorithm, iterative (deep import chains must not hit the recursion limit).
    Each component is sorted; components come out in reverse topological order of the
    condensation, i.e. a component appears after every component it depends on.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[tuple[str, ...]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            succ = sorted(n for n in graph.get(node, ()) if n in graph)
            if i < len(succ):
                work.append((node, i + 1))
                nxt = succ[i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            for nxt in succ:
                if nxt in on_stack:
                    low[node] = min(low[node], low[nxt])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                out.append(tuple(sorted(component)))
    return out


def topological(graph: Mapping[str, Sequence[str]]) -> list[str]:
    """Order the nodes of an acyclic `graph` so that dependencies come first.

    Raises:
        ValueError: the graph has a cycle.
    """
    order: list[str] = []
    for component in strongly_connected(graph):
        if len(component) > 1 or component[0] in graph.get(component[0], ()):
            raise ValueError(f"cycle through {', '.join(component)}")
        order.append(component[0])
    return order


def critical_path(
    graph: Mapping[str, Sequence[str]], weight: Mapping[str, int]
) -> tuple[tuple[str, ...], int]:
    """Return the heaviest dependency chain of an acyclic `graph` and its total weight.

    The chain is listed from its first dependency to its last dependent.
    """
    best: dict[str, tuple[int, str | None]] = {}
    for node in topological(graph):
        deps = [d for d in graph.get(node, ()) if d in best]
        prev = max(deps, key=lambda d: (best[d][0], d), default=None)
        best[node] = (weight.get(node, 0) + (best[prev][0] if prev else 0), prev)
    if not best:
        return (), 0
    end = max(best, key=lambda n: (best[n][0], n))
    chain: list[str] = []
    cursor: str | None = end
    while cursor is not None:
        chain.append(cursor)
        cursor = best[cursor][1]
    return tuple(reversed(chain)), best[end][0]
