"""Stroked quadratic Bézier curves (primitive's mode 6): start, control and end point, a width.

The stroke has round caps and joins; its raster scanlines are `genart.render.scanlines.bezier`.
Exported as a Lottie path with a stroke, as a ribbon of triangles along the flattened curve
(glTF), and as `CURVE_STEPS` ribbon quads with two half-disc caps (Blender's faces).
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import cairocffi
import numpy as np
from pydantic import Field

from genart.render.drawables.base import (
    MAX_CHORDS,
    STROKE,
    Json,
    Kind,
    LottiePaint,
    Mesh,
    Stroke,
    lottie_static,
    svg_number,
)
from genart.render.drawables.stroked import StrokedDrawable, svg_stroke
from genart.render.fields import MAX_CANVAS, Color, Model, Point

CURVE_STEPS = 16  # ribbon quads along a curve's faces
CAP_STEPS = 8  # edges of a round cap's half circle


class Bezier(Model):
    """A quadratic Bézier curve from points[0] to points[2], pulled toward points[1], stroked `width` wide."""

    kind: Literal["bezier"] = "bezier"
    points: tuple[Point, Point, Point]
    width: Annotated[float, Field(gt=0.0, le=MAX_CANVAS, allow_inf_nan=False)]
    color: Color


def cubic_controls(p0: tuple[float, float], p1: tuple[float, float], p2: tuple[float, float]) -> tuple[float, ...]:
    """The two cubic control points (x1, y1, x2, y2) of a quadratic curve, for cairo's curve_to."""
    return (p0[0] + 2 / 3 * (p1[0] - p0[0]), p0[1] + 2 / 3 * (p1[1] - p0[1]),
            p2[0] + 2 / 3 * (p1[0] - p2[0]), p2[1] + 2 / 3 * (p1[1] - p2[1]))


def ribbon(points: np.ndarray, width: float) -> Mesh:
    """The stroke of a packed curve (points (3, 2)) as a ribbon `width` wide along its `SEGMENTS`-piece flattening
    (`genart.render.scanlines.bezier`), without caps: two triangles per piece."""
    from genart.render.scanlines.bezier import SEGMENTS, flatten

    line = np.empty((SEGMENTS + 1, 2))
    (x0, y0), (x1, y1), (x2, y2) = points[:3].tolist()
    flatten(x0, y0, x1, y1, x2, y2, line)
    step = np.concatenate([line[1:2] - line[:1], (line[2:] - line[:-2]) / 2, line[-1:] - line[-2:-1]])
    normal = np.stack([-step[:, 1], step[:, 0]], axis=1)
    normal /= np.maximum(np.linalg.norm(normal, axis=1, keepdims=True), 1e-12)
    half = 0.5 * width
    n = SEGMENTS + 1
    quads = [(i, i + 1, n + i, i + 1, n + i + 1, n + i) for i in range(SEGMENTS)]
    return Mesh(np.concatenate([line + half * normal, line - half * normal]), np.array(quads, np.int64).reshape(-1, 3))


def stroke_faces(curve: np.ndarray, width: float) -> list[np.ndarray]:
    """The outline of one stroked curve (3, 2) as faces: `CURVE_STEPS` ribbon quads, two half-disc caps."""
    u = np.linspace(0.0, 1.0, CURVE_STEPS + 1)[:, None]
    p0, p1, p2 = curve
    centre = (1 - u) ** 2 * p0 + 2 * u * (1 - u) * p1 + u**2 * p2
    tangent = 2 * (1 - u) * (p1 - p0) + 2 * u * (p2 - p1)
    length = np.hypot(tangent[:, 0], tangent[:, 1])[:, None]
    chord = p2 - p0 if np.hypot(*(p2 - p0)) > 0 else np.array([1.0, 0.0])
    tangent = np.where(length > 1e-12, tangent / np.maximum(length, 1e-12), chord / max(np.hypot(*chord), 1e-12))
    normal = np.stack([-tangent[:, 1], tangent[:, 0]], axis=1) * (width / 2)
    left, right = centre + normal, centre - normal
    faces = [np.array([left[i], left[i + 1], right[i + 1], right[i]]) for i in range(CURVE_STEPS)]
    for end, sign in ((0, -1.0), (CURVE_STEPS, 1.0)):
        start = math.atan2(normal[end, 1], normal[end, 0])
        turn = start - sign * np.linspace(0.0, np.pi, CAP_STEPS + 1)
        faces.append(centre[end] + (width / 2) * np.stack([np.cos(turn), np.sin(turn)], axis=1))
    return faces


class BezierDrawable(StrokedDrawable):
    kind = Kind.BEZIER
    model = Bezier
    tag = "bezier"
    POINTS = 3

    def scanlines(self, points: np.ndarray, count: int, params: np.ndarray, sx: float, sy: float,
                  height: int, width: int) -> np.ndarray:
        from genart.render.scanlines.bezier import bezier_scanlines

        curve = np.ascontiguousarray(points[:3] * np.array([sx, sy]))
        return bezier_scanlines(curve, 0.5 * params[STROKE] * math.sqrt(sx * sy), height, width)

    def draw_cairo(self, lib: Any, ctx: Any, points: list[list[float]], count: int, params: list[float],
                   rgba: list[float]) -> None:
        p0, p1, p2 = points[0], points[1], points[2]
        lib.cairo_move_to(ctx, p0[0], p0[1])
        lib.cairo_curve_to(ctx, *cubic_controls(p0, p1, p2), p2[0], p2[1])  # type: ignore[arg-type]
        lib.cairo_set_line_width(ctx, params[STROKE])
        lib.cairo_set_line_cap(ctx, cairocffi.LINE_CAP_ROUND)
        lib.cairo_set_line_join(ctx, cairocffi.LINE_JOIN_ROUND)
        lib.cairo_set_source_rgba(ctx, *rgba)
        lib.cairo_stroke(ctx)

    def svg_element(self, dwg: Any, shape: Bezier, paint: dict[str, str]) -> Any:
        (x0, y0), (x1, y1), (x2, y2) = ((svg_number(x), svg_number(y)) for x, y in shape.points)
        stroke = svg_stroke(paint, shape.width, stroke_linecap="round", stroke_linejoin="round", fill="none")
        return dwg.path(d=f"M{x0} {y0} Q{x1} {y1} {x2} {y2}", **stroke)

    def areas(self, points: np.ndarray, counts: np.ndarray, params: np.ndarray) -> np.ndarray:
        chord = np.hypot(*(points[:, 2] - points[:, 0]).T)
        control = np.hypot(*(points[:, 1] - points[:, 0]).T) + np.hypot(*(points[:, 2] - points[:, 1]).T)
        return 0.5 * (chord + control) * params[:, STROKE]

    def lottie_items(self, points: np.ndarray, count: int, params: np.ndarray, paint: LottiePaint) -> list[Json]:
        p0, p1, p2 = (points[i] for i in range(3))
        path = {"c": False, "v": [p0.tolist(), p2.tolist()],
                "o": [((p1 - p0) * 2 / 3).tolist(), [0.0, 0.0]], "i": [[0.0, 0.0], ((p1 - p2) * 2 / 3).tolist()]}
        return [{"ty": "sh", "ks": lottie_static(path)}, paint.stroke(float(params[STROKE]))]

    def mesh(self, points: np.ndarray, count: int, params: np.ndarray) -> Mesh:
        return ribbon(points, float(params[STROKE]))

    def trace(self, shape: Bezier, tolerance: float) -> Stroke:
        p = np.array(shape.points, np.float64)
        bend = float(np.hypot(*(p[0] - 2 * p[1] + p[2])))  # the curve strays at most bend / 4 from its chord
        count = max(2, math.ceil(math.sqrt(bend / (4 * tolerance))) + 1) if bend > 0 else 2
        t = np.linspace(0.0, 1.0, min(count, MAX_CHORDS))[:, None]
        return Stroke((1 - t) ** 2 * p[0] + 2 * (1 - t) * t * p[1] + t**2 * p[2], shape.width, round_caps=True)

    def faces(self, points: np.ndarray, count: int, params: np.ndarray) -> list[np.ndarray]:
        return stroke_faces(points[:3], float(params[STROKE]))
