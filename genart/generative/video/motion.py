"""The picture's own motion between two frames, and shapes carried along by it.

The optical flow (iterative Lucas–Kanade, `skimage.registration.optical_flow_ilk`) says where
each pixel of one frame went in the next; its camera part (`camera`: the affine motion that fits it
best, a pan, zoom or turn) moves every shape before it is refitted: a polygon's every vertex, a round
shape's centre, and its radii by how the motion stretches it (so a pan carries it, a zoom grows it).
The camera's motion is smooth, so shapes are not shaken by the flow's noise where the picture is
flat. What it does not explain (a moving object, a new area coming into view) is the warp's
residual: the temporal term lets shapes go where it is large, and births fill in there.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import map_coordinates
from skimage.registration import optical_flow_ilk

from genart.generative.gradient.params import Params
from genart.generative.gradient.soft_render import CIRCLE, ELLIPSE, POLYGON

FLOW_RADIUS = 4  # the Lucas–Kanade window's radius in pixels at 64 px (it grows with the frame)


def grey(frame: np.ndarray) -> np.ndarray:
    """An RGB frame's luma."""
    return frame @ np.array([0.299, 0.587, 0.114])


def flow(previous: np.ndarray, current: np.ndarray) -> np.ndarray:
    """(2, H, W): where each pixel (row, col) of `previous` went in `current`, in pixels (drow, dcol)."""
    return camera(local_flow(previous, current), previous)


def local_flow(previous: np.ndarray, current: np.ndarray) -> np.ndarray:
    """(2, H, W): the dense optical flow from `previous` to `current`, pixel by pixel (drow, dcol)."""
    radius = max(FLOW_RADIUS, round(FLOW_RADIUS * max(previous.shape[:2]) / 64))
    return optical_flow_ilk(grey(previous), grey(current), radius=radius)


def camera(motion: np.ndarray, previous: np.ndarray) -> np.ndarray:
    """The flow's camera part: the affine motion (pan, zoom, rotation, shear) that fits it best, as a dense
    (2, H, W) field. Fitted by least squares where the picture has texture (the flow is trusted where its
    gradient is large), then again without the worst quarter (a moving object is not the camera)."""
    h, w = motion.shape[1:]
    rows, cols = np.mgrid[0:h, 0:w].astype(np.float64)
    dy, dx = np.gradient(grey(previous))
    trust = np.hypot(dx, dy).ravel() + 1e-6
    basis = np.column_stack([cols.ravel(), rows.ravel(), np.ones(h * w)])
    goal = np.column_stack([motion[0].ravel(), motion[1].ravel()])
    keep = np.ones(h * w, bool)
    for _ in range(2):
        weight = np.sqrt(trust[keep])[:, None]
        coef = np.linalg.lstsq(basis[keep] * weight, goal[keep] * weight, rcond=None)[0]
        miss = np.abs(basis @ coef - goal).sum(axis=1)
        keep = miss <= np.quantile(miss, 0.75)
    fitted = basis @ coef
    return np.stack([fitted[:, 0].reshape(h, w), fitted[:, 1].reshape(h, w)])


def warp_residual(previous: np.ndarray, current: np.ndarray, motion: np.ndarray) -> np.ndarray:
    """H×W: mean absolute difference between `current` and `previous` carried by `motion` (what it does not explain)."""
    h, w = previous.shape[:2]
    rows, cols = np.mgrid[0:h, 0:w].astype(np.float64)
    back = np.stack([map_coordinates(current[..., c], [rows + motion[0], cols + motion[1]], order=1,
                                     mode="nearest") for c in range(3)], axis=-1)
    return np.abs(back - previous).mean(axis=2)


def _moved(motion: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """Points (x, y) in pixels carried by the flow under them."""
    coords = [xy[:, 1] - 0.5, xy[:, 0] - 0.5]
    drow = map_coordinates(motion[0], coords, order=1, mode="nearest")
    dcol = map_coordinates(motion[1], coords, order=1, mode="nearest")
    return xy + np.column_stack([dcol, drow])


def carry(params: Params, motion: np.ndarray) -> None:
    """Move every shape of `params` (in place) as the picture moved (`motion` from `flow`)."""
    geom = params.geom
    for i in np.flatnonzero(params.kind == POLYGON):
        count = int(params.nv[i])
        geom[i, : 2 * count] = _moved(motion, geom[i, : 2 * count].reshape(-1, 2)).reshape(-1)
    for i in np.flatnonzero((params.kind == CIRCLE) | (params.kind == ELLIPSE)):
        cx, cy, rx = geom[i, 0], geom[i, 1], geom[i, 2]
        ellipse = params.kind[i] == ELLIPSE
        ry, angle = (geom[i, 3], geom[i, 4]) if ellipse else (rx, 0.0)
        along = np.array([np.cos(angle), np.sin(angle)])
        across = np.array([-along[1], along[0]])
        points = np.array([[cx, cy], [cx, cy] + rx * along, [cx, cy] - rx * along, [cx, cy] + ry * across,
                           [cx, cy] - ry * across])
        moved = _moved(motion, points)
        spans = 0.5 * np.array([np.linalg.norm(moved[1] - moved[2]), np.linalg.norm(moved[3] - moved[4])])
        geom[i, :2] = moved[0]
        if ellipse:
            geom[i, 2:4] = spans
        else:
            geom[i, 2] = spans.mean()
