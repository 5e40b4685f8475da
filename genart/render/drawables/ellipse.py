"""Filled ellipses: centre, radii and a rotation in degrees.

Exported as Lottie's own ellipse turned by a group transform, and as a `ROUND_SIDES`-gon
(a triangle fan for glTF, one n-gon face for Blender); circles draw theirs with the same
helpers.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field

from genart.render.drawables.base import (
    ANGLE,
    CX,
    CY,
    RX,
    RY,
    Drawable,
    Json,
    Kind,
    LottiePaint,
    Mesh,
    chords,
    lottie_static,
    svg_number,
)
from genart.render.fields import Color, Coord, Length, Model

ROUND_SIDES = 48  # sides of the polygon an exported ellipse or circle is meshed as
FAN = np.array([(0, i, i + 1) for i in range(1, ROUND_SIDES - 1)], np.int64)  # the triangles of a convex ring
FAN.setflags(write=False)


class Ellipse(Model):
    """A filled ellipse centred at (cx, cy), radii rx, ry, rotated by `angle` degrees."""

    kind: Literal["ellipse"] = "ellipse"
    cx: Coord
    cy: Coord
    rx: Length
    ry: Length
    angle: Annotated[float, Field(ge=-360.0, le=360.0, allow_inf_nan=False)] = 0.0
    color: Color


def draw_ellipse_cairo(lib: Any, ctx: Any, params: list[float], rgba: list[float]) -> None:
    """Fill a packed ellipse with cairo's C API."""
    lib.cairo_save(ctx)
    lib.cairo_translate(ctx, params[CX], params[CY])
    lib.cairo_rotate(ctx, math.radians(params[ANGLE]))
    lib.cairo_scale(ctx, max(params[RX], 1e-9), max(params[RY], 1e-9))
    lib.cairo_new_sub_path(ctx)
    lib.cairo_arc(ctx, 0.0, 0.0, 1.0, 0.0, 2 * math.pi)
    lib.cairo_restore(ctx)
    lib.cairo_set_source_rgba(ctx, *rgba)
    lib.cairo_fill_preserve(ctx)  # the path stays for an outline


def ellipse_ring(params: np.ndarray, angle: float) -> np.ndarray:
    """`ROUND_SIDES` points (ROUND_SIDES, 2) around the packed ellipse `params` turned `angle` degrees."""
    t = np.linspace(0.0, 2 * math.pi, ROUND_SIDES, endpoint=False)
    a = math.radians(angle)
    ex, ey = params[RX] * np.cos(t), params[RY] * np.sin(t)
    return np.stack([params[CX] + ex * math.cos(a) - ey * math.sin(a), params[CY] + ex * math.sin(a) + ey * math.cos(a)],
                    1)


def traced_ellipse(cx: float, cy: float, rx: float, ry: float, angle: float, tolerance: float) -> np.ndarray:
    """The outline (n, 2) of an ellipse turned `angle` degrees, its chords within `tolerance` of the curve."""
    t = np.linspace(0.0, 2 * math.pi, chords(max(rx, ry), tolerance), endpoint=False)
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    x, y = rx * np.cos(t), ry * np.sin(t)
    return np.column_stack([cx + c * x - s * y, cy + s * x + c * y])


def lottie_ellipse(params: np.ndarray, angle: float, paint: LottiePaint) -> list[Json]:
    """Lottie items of the packed ellipse `params` turned `angle` degrees: an ellipse, its fill, a turn about its centre."""
    centre = [float(params[CX]), float(params[CY])]
    ellipse = {"ty": "el", "p": lottie_static(centre), "s": lottie_static([2 * float(params[RX]), 2 * float(params[RY])])}
    turn = {"ty": "tr", "a": lottie_static(centre), "p": lottie_static(centre), "s": lottie_static([100.0, 100.0]),
            "r": lottie_static(angle), "o": lottie_static(100.0)}
    return [{"ty": "gr", "it": [ellipse, paint.fill(), turn]}]


class EllipseDrawable(Drawable):
    kind = Kind.ELLIPSE
    model = Ellipse
    tag = "ellipse"

    def pack(self, shape: Ellipse, points: np.ndarray, params: np.ndarray) -> int:
        params[CX], params[CY], params[RX], params[RY], params[ANGLE] = shape.cx, shape.cy, shape.rx, shape.ry, shape.angle
        points[:] = (shape.cx, shape.cy)
        return 0

    def unpack(self, points: np.ndarray, count: int, params: np.ndarray, color: Color) -> Ellipse:
        angle = (float(params[ANGLE]) + 180.0) % 360.0 - 180.0
        return Ellipse(cx=params[CX], cy=params[CY], rx=params[RX], ry=params[RY], angle=angle, color=color)

    def scaled(self, shape: Ellipse, factor: float, dx: float = 0.0, dy: float = 0.0) -> Ellipse:
        return Ellipse(cx=(shape.cx + dx) * factor, cy=(shape.cy + dy) * factor, rx=shape.rx * factor,
                       ry=shape.ry * factor, angle=shape.angle, color=shape.color)

    def scanlines(self, points: np.ndarray, count: int, params: np.ndarray, sx: float, sy: float,
                  height: int, width: int) -> np.ndarray:
        from genart.render.scanlines.ellipse import scaled_ellipse_scanlines

        return scaled_ellipse_scanlines(params, sx, sy, height, width)

    def draw_cairo(self, lib: Any, ctx: Any, points: list[list[float]], count: int, params: list[float],
                   rgba: list[float]) -> None:
        draw_ellipse_cairo(lib, ctx, params, rgba)

    def svg_element(self, dwg: Any, shape: Ellipse, paint: dict[str, str]) -> Any:
        el = dwg.ellipse(center=(svg_number(shape.cx), svg_number(shape.cy)),
                         r=(svg_number(shape.rx), svg_number(shape.ry)), **paint)
        if shape.angle:
            el["transform"] = f"rotate({svg_number(shape.angle)} {svg_number(shape.cx)} {svg_number(shape.cy)})"
        return el

    def areas(self, points: np.ndarray, counts: np.ndarray, params: np.ndarray) -> np.ndarray:
        return np.pi * params[:, RX] * params[:, RY]

    def reaches(self, points: np.ndarray, counts: np.ndarray, params: np.ndarray) -> np.ndarray:
        return np.maximum(params[:, RX], params[:, RY])

    def lottie_items(self, points: np.ndarray, count: int, params: np.ndarray, paint: LottiePaint) -> list[Json]:
        return lottie_ellipse(params, float(params[ANGLE]), paint)

    def mesh(self, points: np.ndarray, count: int, params: np.ndarray) -> Mesh:
        return Mesh(ellipse_ring(params, float(params[ANGLE])), FAN)

    def trace(self, shape: Ellipse, tolerance: float) -> np.ndarray:
        return traced_ellipse(shape.cx, shape.cy, shape.rx, shape.ry, shape.angle, tolerance)

    def faces(self, points: np.ndarray, count: int, params: np.ndarray) -> list[np.ndarray]:
        return [ellipse_ring(params, float(params[ANGLE]))]
