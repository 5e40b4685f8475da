"""A graph's edges chained into as few long paths as its shape allows: an Euler-path cover per component.

A connected component with 2k nodes of odd degree cannot be drawn in fewer than max(1, k) pen
strokes; this cover reaches that: the odd nodes are paired by extra edges (in the order of their
ids), an Euler circuit of the evened graph is walked (networkx), and the circuit is cut where it
takes an extra edge.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import networkx as nx

Trail = list[Hashable]  # the nodes a stroke passes, in order


def euler_cover(edges: Sequence[tuple[Hashable, Hashable]]) -> list[Trail]:
    """Trails that draw every edge once, max(1, odd nodes / 2) per connected component.

    Examples
    --------
    >>> euler_cover([(1, 2), (2, 3), (3, 1), (3, 4)])  # a triangle with a tail: one stroke
    [[4, 3, 2, 1, 3]]
    >>> len(euler_cover([(0, 1), (0, 2), (0, 3)]))  # a star of three: two strokes
    2
    """
    graph = nx.MultiGraph()
    graph.add_edges_from((a, b, i) for i, (a, b) in enumerate(edges))  # keys >= 0: real edges
    trails: list[Trail] = []
    for nodes in nx.connected_components(graph):
        part = nx.MultiGraph(graph.subgraph(nodes))
        odd = sorted((n for n, d in part.degree() if d % 2), key=str)
        for k, (a, b) in enumerate(zip(odd[::2], odd[1::2])):
            part.add_edge(a, b, -1 - k)  # keys < 0: the extra edges
        trails.extend(_cut_circuit(part, odd[0] if odd else min(nodes, key=str)))
    return trails


def _cut_circuit(graph: nx.MultiGraph, start: Hashable) -> list[Trail]:
    """The Euler circuit of an even `graph` from `start`, cut at its extra edges into trails of real edges."""
    trails: list[Trail] = [[start]]
    for _, b, key in nx.eulerian_circuit(graph, source=start, keys=True):
        if key < 0:
            trails.append([b])
        else:
            trails[-1].append(b)
    if len(trails) > 1 and trails[0][0] == trails[-1][-1]:  # the circuit began inside a trail: join its halves
        trails[0] = trails.pop()[:-1] + trails[0]
    return [trail for trail in trails if len(trail) > 1]
