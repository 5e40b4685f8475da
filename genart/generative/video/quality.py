"""A fitted clip's figures: per-frame RMSE against the source, and flicker.

Flicker is the mean over pixels and frames of |Δoutput − Δsource|, Δ being the change from one
frame to the next (on the 0–255 scale): 0 when the output changes exactly as the source does; a
frozen output scores the source's own change, not 0.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from genart.generative.images import rmse_255
from genart.render import scene as S
from genart.render.cairo import render_array


def frame_render(layer: S.ShapesLayer | S.GraphLayer, background: Sequence[float], width: int,
                 height: int) -> np.ndarray:
    """A fitted frame's layer rendered (antialiased, as a poster) at width × height, float in [0, 1]."""
    red, green, blue = (float(v) for v in background[:3])
    canvas = S.Canvas(width=width, height=height, background=(red, green, blue, 1.0))
    scene = S.Scene.model_construct(canvas=canvas, layers=[layer])
    return render_array(scene, width, height, threads=1).astype(np.float64) / 255.0


def rmse_per_frame(outputs: Sequence[np.ndarray], sources: Sequence[np.ndarray],
                   where: np.ndarray | None = None) -> list[float]:
    """RGB RMSE (0–255) of each output frame against its source frame; `where` (H×W, bool) keeps it to those
    pixels."""
    keep = np.s_[...] if where is None else where
    return [rmse_255(np.asarray(o, np.float64)[keep], np.asarray(s, np.float64)[keep]) for o, s in zip(outputs, sources)]


def flicker(outputs: Sequence[np.ndarray], sources: Sequence[np.ndarray], where: np.ndarray | None = None) -> float:
    """Mean over pixels and frames of |Δoutput − Δsource| on the 0–255 scale (0 for fewer than 2 frames);
    `where` (H×W, bool) keeps the mean to those pixels.

    Examples
    --------
    >>> still = [np.zeros((2, 2, 3)), np.zeros((2, 2, 3))]
    >>> flicker(still, [np.zeros((2, 2, 3)), np.ones((2, 2, 3))])
    255.0
    >>> flicker(still, [np.zeros((2, 2, 3)), np.eye(2)[..., None].repeat(3, 2)], where=~np.eye(2, dtype=bool))
    0.0
    """
    out = np.asarray(outputs, np.float64)
    src = np.asarray(sources, np.float64)
    if len(out) < 2:
        return 0.0
    change = np.abs(np.diff(out, axis=0) - np.diff(src, axis=0)).mean(axis=3)
    return float(change[:, np.s_[...] if where is None else where].mean() * 255.0)
