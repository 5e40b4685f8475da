"""Filled ellipses: centre, radii and a rotation in degrees."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import numba
import numpy as np
from pydantic import Field

from renderers.drawables.base import ANGLE, CX, CY, RX, RY, Drawable, Kind, svg_number
from renderers.drawables.polygon import polygon_scanlines
from renderers.fields import Color, Coord, Length, Model


class Ellipse(Model):
    """A filled ellipse centred at (cx, cy), radii rx, ry, rotated by `angle` degrees."""

    kind: Literal["ellipse"] = "ellipse"
    cx: Coord
    cy: Coord
    rx: Length
    ry: Length
    angle: Annotated[float, Field(ge=-360.0, le=360.0, allow_inf_nan=False)] = 0.0
    color: Color


@numba.njit(cache=True, nogil=True)
def ellipse_scanlines_into(
    cx: float, cy: float, rx: float, ry: float, angle: float, height: int, width: int, out: np.ndarray
) -> int:
    """Write the scanlines of an ellipse (radii rx, ry, rotated `angle` radians) into `out`.

    `out` needs (height, 3) int32 room; returns the number of scanlines written.
    """
    if rx <= 0.0 or ry <= 0.0:
        return 0
    c, s = math.cos(angle), math.sin(angle)
    irx, iry = 1.0 / (rx * rx), 1.0 / (ry * ry)
    qa = c * c * irx + s * s * iry
    qb = 2.0 * c * s * (irx - iry)
    qc = s * s * irx + c * c * iry
    half_h = math.sqrt(rx * rx * s * s + ry * ry * c * c)
    y_start = max(0, int(math.ceil(cy - half_h - 0.5)))
    y_stop = min(height, int(math.ceil(cy + half_h - 0.5)))
    n = 0
    for y in range(y_start, y_stop):
        dy = y + 0.5 - cy
        # qa*dx^2 + qb*dy*dx + qc*dy^2 <= 1
        b = qb * dy
        disc = b * b - 4.0 * qa * (qc * dy * dy - 1.0)
        if disc < 0.0:
            continue
        root = math.sqrt(disc)
        a = max(0, int(math.ceil(cx + (-b - root) / (2.0 * qa) - 0.5)))
        e = min(width, int(math.ceil(cx + (-b + root) / (2.0 * qa) - 0.5)))
        if e > a:
            out[n, 0], out[n, 1], out[n, 2] = y, a, e
            n += 1
    return n


@numba.njit(cache=True, nogil=True)
def ellipse_scanlines(cx: float, cy: float, rx: float, ry: float, angle: float, height: int, width: int) -> np.ndarray:
    """Scanlines of an ellipse (radii rx, ry, rotated by `angle` radians) in canvas pixels."""
    out = np.empty((height, 3), np.int32)
    n = ellipse_scanlines_into(cx, cy, rx, ry, angle, height, width, out)
    return out[:n].copy()


def scaled_ellipse_scanlines(params: np.ndarray, sx: float, sy: float, height: int, width: int) -> np.ndarray:
    """Scanlines of packed ellipse params scaled by (sx, sy); a non-uniform scale skews a rotated
    ellipse, so it is then drawn as a fine polygon."""
    cx, cy, rx, ry, angle = params[CX], params[CY], params[RX], params[RY], math.radians(params[ANGLE])
    if sx == sy or angle == 0.0:
        return ellipse_scanlines(cx * sx, cy * sy, rx * sx, ry * sy, angle, height, width)
    t = np.linspace(0, 2 * math.pi, 128, endpoint=False)
    ex, ey = rx * np.cos(t), ry * np.sin(t)
    pts = np.stack([cx + ex * math.cos(angle) - ey * math.sin(angle), cy + ex * math.sin(angle) + ey * math.cos(angle)], 1)
    return polygon_scanlines(pts * np.array([sx, sy]), height, width)


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
    lib.cairo_fill(ctx)


class EllipseDrawable(Drawable):
    kind = Kind.ELLIPSE
    model = Ellipse
    tag = "ellipse"
    max_points = 0

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
