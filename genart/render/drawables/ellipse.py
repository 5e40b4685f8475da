"""Filled ellipses: centre, radii and a rotation in degrees."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field

from genart.render.drawables.base import ANGLE, CX, CY, RX, RY, Drawable, Kind, svg_number
from genart.render.fields import Color, Coord, Length, Model


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
