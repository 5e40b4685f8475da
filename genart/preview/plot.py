"""The error curve as a small inline SVG line plot (no plotting library needed), for the page and the report."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT = 420, 220
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 12, 38  # margins around the plot area
MAX_DRAWN = 2000  # a longer curve is thinned to this many points (the first and last kept)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (about `count` of them)."""
    if not high > low:
        return [low]
    raw = (high - low) / max(1, count - 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(low / step - 1e-9) * step
    return [round(first + k * step, 10) for k in range(int((high - first) / step + 1e-9) + 1)]


def _label(value: float) -> str:
    return f"{value:.0f}" if abs(value) >= 100 or value == int(value) else f"{value:.3g}"


def _thinned(points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    if len(points) <= MAX_DRAWN:
        return list(points)
    stride = len(points) / (MAX_DRAWN - 1)
    return [points[min(len(points) - 1, round(k * stride))] for k in range(MAX_DRAWN - 1)] + [points[-1]]


def line_plot(points: Sequence[tuple[float, float]], x_label: str, y_label: str, element_id: str = "") -> str:
    """An SVG element plotting (x, y) `points` as a line with axes, ticks and labels.

    The element's `data-points` attribute holds how many points it plots (the page's tests read it).
    """
    finite = [(x, y) for x, y in points if math.isfinite(x) and math.isfinite(y)]
    ident = f' id="{escape(element_id)}"' if element_id else ""
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg"{ident} class="plot" data-points="{len(finite)}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" font-family="sans-serif" '
             f'font-size="11">']
    x0, y0, x1, y1 = LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM
    parts.append(f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" fill="none" stroke="#888"/>')
    parts.append(f'<text x="{(x0 + x1) / 2}" y="{HEIGHT - 4}" text-anchor="middle">{escape(x_label)}</text>')
    parts.append(f'<text transform="translate(12 {(y0 + y1) / 2}) rotate(-90)" text-anchor="middle">'
                 f'{escape(y_label)}</text>')
    if finite:
        xs, ys = [x for x, _ in finite], [y for _, y in finite]
        low_x, high_x = min(xs), max(xs)
        low_y, high_y = min(0.0, min(ys)), max(ys)
        high_x = high_x if high_x > low_x else low_x + 1.0
        high_y = high_y if high_y > low_y else low_y + 1.0

        def sx(x: float) -> float:
            return x0 + (x - low_x) / (high_x - low_x) * (x1 - x0)

        def sy(y: float) -> float:
            return y1 - (y - low_y) / (high_y - low_y) * (y1 - y0)

        for tick in nice_ticks(low_x, high_x):
            parts.append(f'<line x1="{sx(tick):.1f}" y1="{y1}" x2="{sx(tick):.1f}" y2="{y1 + 4}" stroke="#888"/>'
                         f'<text x="{sx(tick):.1f}" y="{y1 + 15}" text-anchor="middle">{_label(tick)}</text>')
        for tick in nice_ticks(low_y, high_y):
            parts.append(f'<line x1="{x0 - 4}" y1="{sy(tick):.1f}" x2="{x1}" y2="{sy(tick):.1f}" stroke="#ddd"/>'
                         f'<text x="{x0 - 6}" y="{sy(tick) + 4:.1f}" text-anchor="end">{_label(tick)}</text>')
        line = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in _thinned(finite))
        parts.append(f'<polyline class="curve" points="{line}" fill="none" stroke="#d0362b" stroke-width="1.6"/>')
    parts.append("</svg>")
    return "".join(parts)
