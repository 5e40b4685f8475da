"""Filled circles: centre and radius (drawn, packed and exported as an ellipse with equal radii, unturned)."""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np

from genart.render.drawables.base import ANGLE, CX, CY, RX, RY, Drawable, Json, Kind, LottiePaint, Mesh, svg_number
from genart.render.drawables.ellipse import FAN, ellipse_ring, lottie_ellipse, traced_ellipse
from genart.render.fields import Color, Coord, Length, Model


class Circle(Model):
    """A filled circle centred at (cx, cy) with radius r."""

    kind: Literal["circle"] = "circle"
    cx: Coord
    cy: Coord
    r: Length
    color: Color


class CircleDrawable(Drawable):
    kind = Kind.CIRCLE
    model = Circle
    tag = "circle"

    def pack(self, shape: Circle, points: np.ndarray, params: np.ndarray) -> int:
        params[CX], params[CY], params[RX], params[RY], params[ANGLE] = shape.cx, shape.cy, shape.r, shape.r, 0.0
        points[:] = (shape.cx, shape.cy)
        return 0

    def unpack(self, points: np.ndarray, count: int, params: np.ndarray, color: Color) -> Circle:
        return Circle(cx=params[CX], cy=params[CY], r=params[RX], color=color)

    def scaled(self, shape: Circle, factor: float, dx: float = 0.0, dy: float = 0.0) -> Circle:
        return Circle(cx=(shape.cx + dx) * factor, cy=(shape.cy + dy) * factor, r=shape.r * factor, color=shape.color)

    def scanlines(self, points: np.ndarray, count: int, params: np.ndarray, sx: float, sy: float,
                  height: int, width: int) -> np.ndarray:
        from genart.render.scanlines.ellipse import ellipse_scanlines

        return ellipse_scanlines(params[CX] * sx, params[CY] * sy, params[RX] * sx, params[RX] * sy, 0.0, height, width)

    def draw_cairo(self, lib: Any, ctx: Any, points: list[list[float]], count: int, params: list[float],
                   rgba: list[float]) -> None:
        lib.cairo_new_sub_path(ctx)
        lib.cairo_arc(ctx, params[CX], params[CY], params[RX], 0.0, 2 * math.pi)
        lib.cairo_set_source_rgba(ctx, *rgba)
        lib.cairo_fill_preserve(ctx)  # the path stays for an outline

    def svg_element(self, dwg: Any, shape: Circle, paint: dict[str, str]) -> Any:
        return dwg.circle(center=(svg_number(shape.cx), svg_number(shape.cy)), r=svg_number(shape.r), **paint)

    def areas(self, points: np.ndarray, counts: np.ndarray, params: np.ndarray) -> np.ndarray:
        return np.pi * params[:, RX] ** 2

    def reaches(self, points: np.ndarray, counts: np.ndarray, params: np.ndarray) -> np.ndarray:
        return np.maximum(params[:, RX], params[:, RY])

    def lottie_items(self, points: np.ndarray, count: int, params: np.ndarray, paint: LottiePaint) -> list[Json]:
        return lottie_ellipse(params, 0.0, paint)

    def mesh(self, points: np.ndarray, count: int, params: np.ndarray) -> Mesh:
        return Mesh(ellipse_ring(params, 0.0), FAN)

    def trace(self, shape: Circle, tolerance: float) -> np.ndarray:
        return traced_ellipse(shape.cx, shape.cy, shape.r, shape.r, 0.0, tolerance)

    def faces(self, points: np.ndarray, count: int, params: np.ndarray) -> list[np.ndarray]:
        return [ellipse_ring(params, 0.0)]
