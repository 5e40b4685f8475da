"""Connected parts of a graph: the article counts the words of a text picture this way."""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def component_labels(ids: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Component number (0, 1, ...) of each node in `ids`, given `edges` as (M, 2) id pairs."""
    ids = np.asarray(ids, dtype=np.int64)
    n = len(ids)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    order = np.argsort(ids)
    index = order[np.searchsorted(ids, edges, sorter=order)]  # id → position in ids
    adjacency = coo_matrix((np.ones(len(edges)), (index[:, 0], index[:, 1])), shape=(n, n))
    return connected_components(adjacency, directed=False)[1].astype(np.int64)


def count_components(ids: np.ndarray, edges: np.ndarray) -> int:
    """How many connected subgraphs the nodes `ids` and id-pair `edges` form (0 for no nodes)."""
    labels = component_labels(ids, edges)
    return int(labels.max()) + 1 if len(labels) else 0
