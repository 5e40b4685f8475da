"""Fly-in: the shapes of a scene fly from scattered points to their place and land on the poster.

Every shape travels its own random cubic Bézier curve from a start point outside the picture to its anchor (vertex mean, or centre), fading in,
growing from `start_scale` and unspinning as it goes. Shapes start one after another
(`lag_ratio`) in a chosen order; they are always drawn in the scene's order, so the last
frame is exactly the poster.
"""

from __future__ import annotations

import colorsys
from dataclasses import dataclass

import numpy as np

from genart.animate.frame import Frame, SceneLayers, Shapes
from genart.animate.timeline import Clip, stagger
from genart.render.drawables import areas
from genart.render.drawables.base import ANGLE, CX, CY, RX, RY, STROKE
from genart.render.scene import Canvas, Scene, ShapesLayer

ORDERS = ("optimization", "size", "color", "distance", "random")
_BERNSTEIN = np.array([1.0, 3.0, 3.0, 1.0])


def bernstein_points(nodes: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Points of many cubic Béziers at once: nodes (N, 4, 2), parameters s (N,) → (N, 2).

    Bernstein form, valid outside [0, 1] too (overshooting easings extrapolate the curve).
    """
    s = s[:, None]
    basis = _BERNSTEIN * s ** np.arange(4) * (1.0 - s) ** np.arange(3, -1, -1)  # (N, 4)
    return np.einsum("nk,nkd->nd", basis, nodes)


def take_off_ranks(order: str, shapes: Shapes, anchors: np.ndarray, canvas: Canvas, rng: np.random.Generator) -> np.ndarray:
    """rank[i] = when shape i starts (0 = first)."""
    n = len(shapes.kinds)
    if order == "optimization":
        sequence = np.arange(n)
    elif order == "size":
        sequence = np.argsort(-areas(shapes), kind="stable")
    elif order == "color":
        hls = np.array([colorsys.rgb_to_hls(*c[:3]) for c in shapes.colors]).reshape(n, 3)
        sequence = np.lexsort((hls[:, 1], np.round(hls[:, 0] * 12) % 12))
    elif order == "distance":
        centre = np.array([canvas.width / 2, canvas.height / 2])
        sequence = np.argsort(np.hypot(*(anchors - centre).T), kind="stable")
    elif order == "random":
        sequence = rng.permutation(n)
    else:
        raise ValueError(f"unknown order {order!r} (known: {', '.join(ORDERS)})")
    ranks = np.empty(n, np.int64)
    ranks[sequence] = np.arange(n)
    return ranks


@dataclass(eq=False, kw_only=True)
class FlyIn(Clip):
    """The fly-in clip; build it with `flyin(scene, ...)`."""

    canvas: Canvas
    parts: list[Shapes | SceneLayers]  # drawn in order; the Shapes parts are animated
    nodes: list[np.ndarray]  # per Shapes part: (N, 4, 2) Bézier control points
    ranks: list[np.ndarray]  # per Shapes part: start rank of each shape
    spins: list[np.ndarray]  # per Shapes part: initial rotation (radians)
    total: int
    lag_ratio: float
    start_scale: float
    fade: float

    def at(self, u: float) -> Frame:
        progress = stagger(u, self.total, self.lag_ratio)
        items: list[Shapes | SceneLayers] = []
        k = 0
        for part in self.parts:
            if isinstance(part, SceneLayers):
                items.append(part)
                continue
            items.append(self._move(k, part, progress))
            k += 1
        return Frame(canvas=self.canvas, items=tuple(items))

    def _move(self, k: int, part: Shapes, progress: np.ndarray) -> Shapes:
        lin = progress[self.ranks[k]]
        s = np.where(lin >= 1.0, 1.0, self.ease(lin))
        anchor_end = self.nodes[k][:, 3]
        centre = bernstein_points(self.nodes[k], s)
        scale = self.start_scale + (1.0 - self.start_scale) * s
        turn = self.spins[k] * (1.0 - s)
        cos, sin = np.cos(turn), np.sin(turn)
        rel = part.points - anchor_end[:, None, :]
        rx = cos[:, None] * rel[..., 0] - sin[:, None] * rel[..., 1]
        ry = sin[:, None] * rel[..., 0] + cos[:, None] * rel[..., 1]
        points = centre[:, None, :] + scale[:, None, None] * np.stack([rx, ry], axis=-1)
        params = part.params.copy()
        params[:, [CX, CY]] = centre
        params[:, [RX, RY, STROKE]] *= scale[:, None]
        params[:, ANGLE] += np.degrees(turn)
        colors = part.colors.copy()
        colors[:, 3] *= np.clip(lin / self.fade, 0.0, 1.0) if self.fade > 0 else (lin > 0)
        settled = int(np.argmin(lin >= 1.0)) if not np.all(lin >= 1.0) else len(lin)
        return Shapes(part.kinds, points, part.counts, params, colors, settled=settled, origin=part)


def flyin(
    scene: Scene,
    *,
    duration: float = 6.0,
    start: float = 0.0,
    hold: float = 1.0,
    easing: str = "smooth",
    order: str = "optimization",
    lag_ratio: float | None = None,
    flight: float = 0.25,
    start_scale: float = 0.3,
    spin: float = 90.0,
    fade: float = 0.4,
    seed: int = 0,
) -> FlyIn:
    """A fly-in of every shapes layer of `scene`; other layers are drawn in place, still.

    `lag_ratio` (default: chosen so each shape flies for `flight` of the duration) staggers
    the shapes in `order`: 'optimization' (the scene's order), 'size' (largest first),
    'color' (by hue), 'distance' (from the centre out) or 'random'. Shapes grow from
    `start_scale`, turn by up to `spin` degrees and fade in over the first `fade` of
    their flight. `seed` fixes the start points and curves.
    """
    rng = np.random.default_rng(seed)
    canvas = scene.canvas
    parts: list[Shapes | SceneLayers] = []
    for layer in scene.layers:
        if isinstance(layer, ShapesLayer):
            parts.append(Shapes.of(layer.shapes))
        else:
            parts.append(SceneLayers(canvas, (layer,)))
    shape_parts = [p for p in parts if isinstance(p, Shapes)]
    total = sum(len(p.kinds) for p in shape_parts)
    if total == 0:
        raise ValueError("flyin needs a scene with shapes (this scene has no shapes layer or it is empty)")
    if not 0.0 < flight <= 1.0:
        raise ValueError(f"flight must be in (0, 1], got {flight}")
    if lag_ratio is None:
        lag_ratio = (1.0 / flight - 1.0) / max(total - 1, 1)
    if lag_ratio < 0:
        raise ValueError(f"lag_ratio must not be negative, got {lag_ratio}")

    combined = concat_shapes(shape_parts)
    anchors = combined.params[:, [CX, CY]]  # where each shape lands
    all_ranks = take_off_ranks(order, combined, anchors, canvas, rng)
    curves = _trajectories(anchors, canvas, rng)
    spins = np.radians(rng.uniform(-spin, spin, total))

    nodes, ranks, spin_parts, k = [], [], [], 0
    for p in shape_parts:
        n = len(p.kinds)
        nodes.append(curves[k : k + n])
        ranks.append(all_ranks[k : k + n])
        spin_parts.append(spins[k : k + n])
        k += n
    return FlyIn(
        duration=duration, start=start, hold=hold, easing=easing, canvas=canvas, parts=parts, nodes=nodes,
        ranks=ranks, spins=spin_parts, total=total, lag_ratio=lag_ratio, start_scale=start_scale, fade=fade,
    )


def concat_shapes(parts: list[Shapes]) -> Shapes:
    """All parts' shapes in one `Shapes`, polygons padded to a common vertex count."""
    k = max(p.points.shape[1] for p in parts)
    return Shapes(
        np.concatenate([p.kinds for p in parts]),
        np.concatenate([np.pad(p.points, ((0, 0), (0, k - p.points.shape[1]), (0, 0)), mode="edge") for p in parts]),
        np.concatenate([p.counts for p in parts]),
        np.concatenate([p.params for p in parts]),
        np.concatenate([p.colors for p in parts]),
    )


def _trajectories(anchors: np.ndarray, canvas: Canvas, rng: np.random.Generator) -> np.ndarray:
    """Random smooth cubic Béziers from scattered points around the canvas to each anchor: (N, 4, 2)."""
    n = len(anchors)
    size = np.array([canvas.width, canvas.height])
    centre = size / 2
    reach = float(np.hypot(*size))
    angle = rng.uniform(0, 2 * np.pi, n)
    radius = reach * rng.uniform(0.55, 0.9, n)
    begin = centre + radius[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    travel = anchors - begin
    normal = np.stack([-travel[:, 1], travel[:, 0]], axis=1)
    bend1, bend2 = rng.uniform(-0.5, 0.5, (2, n, 1))
    return np.stack([begin, begin + travel / 3 + bend1 * normal, anchors - travel / 3 + bend2 * normal, anchors], axis=1)
