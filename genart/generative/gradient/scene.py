"""Gradient results as scenes: shapes scaled from working pixels to picture units."""

from __future__ import annotations

from collections.abc import Sequence

from genart.generative.gradient.descent import FitResult
from genart.generative.images import Picture, working_scale
from genart.render import scene as S


def gradient_scene(
    picture: Picture,
    working: tuple[int, int],
    fit: FitResult,
    meta: S.Meta,
    history: Sequence[S.Snapshot] = (),
    ids: Sequence[int] | None = None,
) -> S.Scene:
    """A scene of the shapes a gradient descent fitted; `history` (e.g. a greedy pass's prefix snapshots) comes
    first, then the fit's own snapshots, numbered after it. The shapes keep `ids` (a refined scene's own), else
    they are numbered 0, 1, ..."""
    w, h = working
    factor = working_scale(picture, w, h)
    first = history[-1].step if history else 0
    snapshots = list(history)
    for snap in fit.snapshots:
        layers: list[S.Layer] = [S.ShapesLayer(shapes=[S.scaled(s, factor) for s in layer.shapes])
                  for layer in snap.layers or [] if isinstance(layer, S.ShapesLayer)]
        snapshots.append(S.Snapshot(step=first + snap.step, loss=snap.loss, layers=layers))
    return S.Scene(
        canvas=S.Canvas(width=picture.width, height=picture.height, background=(*fit.background, 1.0)),
        source=S.Source(name=picture.name, sha256=picture.sha256),
        meta={**meta, "working_width": w, "working_height": h},
        layers=[S.ShapesLayer(name="shapes", shapes=[S.scaled(s, factor) for s in fit.shapes],
                              ids=list(ids) if ids is not None else list(range(len(fit.shapes))))],
        snapshots=snapshots,
    )
