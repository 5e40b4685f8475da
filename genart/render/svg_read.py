"""Reading back an SVG poster genart wrote, as edited in Inkscape or Illustrator: its shapes, by their ids.

The file is parsed with svgelements, which applies every transform (the viewBox, the groups', the
elements' own) and the style attributes, so what Inkscape does on save (polygons turned into paths,
moved groups, ``style="fill:...;fill-opacity:..."``) reads as the shapes it shows. The placement of
the canvas on the sheet (`genart.render.svg`: the group ``genart-canvas`` on paper, else the
viewBox) is inverted, so coordinates come back in canvas units.

An element whose id is ``shape-<id>`` (`genart.render.layers.shapes.SHAPE_ID`) becomes the shape
its geometry is: a closed filled path of straight segments a polygon, a circle or ellipse element
one (turned and scaled as its transform says), a stroked open path of one segment a line, of one
quadratic (or a cubic that is one, as editors write them) a Bézier. Anything else drawn is foreign:
counted by kind and skipped. The file is read under the limits of scene files (its bytes and its
elements, `genart.render.scene.max_elements`), and entities are refused before parsing.
"""

from __future__ import annotations

import io
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import svgelements as se
from pydantic import ValidationError

from genart.errors import GenartError
from genart.render import scene as S
from genart.render.drawables import Bezier, Circle, Ellipse, Line, Polygon, Shape
from genart.render.layers.shapes import SHAPE_ID
from genart.render.svg import BACKGROUND_ID, CANVAS_ATTRIBUTE, CANVAS_ID, FRAME_ID

SHAPE_PATTERN = re.compile(re.escape(SHAPE_ID) + r"([0-9]{1,16})")
DIGITS = 6  # decimals kept of a coordinate read back (the SVG holds two): float noise of the transforms goes
ROUND_TOLERANCE = 1e-5  # relative: radii this close make a circle
CONIC_SAMPLES = 64  # points a curved path is sampled at to find the ellipse it draws
CONIC_TOLERANCE = 1e-4  # relative: how far off an ellipse the samples may be (editors' cubic ellipses are closer)


GEOMETRY_ERRORS = (ValueError, ArithmeticError, TypeError, AttributeError, IndexError, RecursionError)  # svgelements'
# on degenerate or odd geometry (numpy's LinAlgError is a ValueError)


class SvgReadError(GenartError, ValueError):
    """An SVG that cannot be read back (malformed, too large, not a poster genart wrote); one line."""


@dataclass(frozen=True)
class SvgShapes:
    """What an SVG poster holds: its canvas size, the shapes it names (in drawing order, canvas units) and
    their ids, its background colour (None: none drawn) and its foreign elements counted by kind."""

    canvas: tuple[float, float]
    shapes: list[Shape]
    ids: list[int]
    background: tuple[float, float, float, float] | None = None
    foreign: Counter[str] = field(default_factory=Counter)

    def summary(self, name: str) -> str:
        """One line: the shapes read and the foreign elements skipped.

        Examples
        --------
        >>> SvgShapes((10.0, 10.0), [], [], foreign=Counter({"text": 2})).summary("x.svg")
        'x.svg: 0 shapes read; 2 foreign elements skipped (2 text)'
        """
        line = f"{name}: {len(self.shapes)} shapes read"
        if self.foreign:
            kinds = ", ".join(f"{count} {kind}" for kind, count in self.foreign.most_common())
            line += f"; {sum(self.foreign.values())} foreign elements skipped ({kinds})"
        return line


def _document(path: Path) -> se.SVG:
    """The parsed document, under the scene files' limits; SvgReadError for anything else."""
    data = S.read_file(path, "an SVG file", SvgReadError)
    limit = S.max_elements()
    if data.count(b"<") > limit:
        raise SvgReadError(f"{path}: more than {limit} elements ({S.RAISE_LIMIT})")
    if b"<!ENTITY" in data:
        raise SvgReadError(f"{path}: declares XML entities, which an SVG poster has no use for; not read")
    try:
        return se.SVG.parse(io.BytesIO(data), reify=True)
    except Exception as exc:  # a hostile file may break the parser anywhere: one line, whatever it is
        text = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise SvgReadError(f"{path}: not a readable SVG ({text})") from None


def _numbers(text: Any, count: int) -> tuple[float, ...] | None:
    """`count` positive finite numbers in an attribute, else None."""
    try:
        values = tuple(float(v) for v in str(text).replace(",", " ").split())
    except ValueError:
        return None
    ok = len(values) == count and all(math.isfinite(v) and 0 < v <= S.MAX_CANVAS for v in values)
    return values if ok else None


def _canvas(doc: se.SVG, path: Path) -> tuple[tuple[float, float], se.Matrix]:
    """The canvas size and the map from canvas units to the document's (the placement on paper, or the viewBox)."""
    size = _numbers(doc.values.get(CANVAS_ATTRIBUTE), 2)
    placed = next((e for e in doc.elements() if isinstance(e, se.Group) and e.id == CANVAS_ID), None)
    matrix = se.Matrix(placed.transform) if placed is not None else se.Matrix(doc.viewbox_transform)
    if size is None:  # not written by genart (or the attribute lost): the viewBox is the canvas
        box = doc.viewbox
        if box is None or not (box.width and box.height):
            raise SvgReadError(f"{path}: names no canvas size ({CANVAS_ATTRIBUTE}) and has no viewBox")
        size = (float(box.width), float(box.height))
    if abs(matrix.determinant) < 1e-12:
        raise SvgReadError(f"{path}: the canvas is placed with a degenerate transform")
    return (size[0], size[1]), matrix


def _opacity(element: se.Shape, which: str) -> float:
    """The element's `which` opacity (fill-opacity or stroke-opacity, from attributes or style) times its opacity."""
    alpha = 1.0
    for key in (which, "opacity"):
        try:
            value = float(element.values.get(key, 1.0))
        except (TypeError, ValueError):
            value = 1.0
        alpha *= min(max(value, 0.0), 1.0) if math.isfinite(value) else 1.0
    return alpha


def _color(paint: Any, alpha: float) -> tuple[float, float, float, float] | None:
    """A paint as an RGBA colour in [0, 1] (its 8-bit channels exactly), None where it is none."""
    if paint is None or paint.value is None:
        return None
    return (paint.red / 255.0, paint.green / 255.0, paint.blue / 255.0, round(alpha, DIGITS))


def _point(point: Any, inverse: se.Matrix) -> tuple[float, float]:
    x, y = inverse.point_in_matrix_space(point)
    return round(float(x), DIGITS), round(float(y), DIGITS)


def _ellipse(element: se.Shape, inverse: se.Matrix, color: tuple[float, float, float, float]) -> Shape:
    """A circle or ellipse element (its remaining transform applied) in canvas units."""
    matrix = se.Matrix(element.transform) * inverse
    linear = np.array([[matrix.a, matrix.c], [matrix.b, matrix.d]]) @ np.diag([float(element.rx), float(element.ry)])
    turn, radii, _ = np.linalg.svd(linear)
    if np.linalg.det(turn) < 0:
        turn[:, 1] = -turn[:, 1]
    cx, cy = _point(se.Point(element.cx, element.cy), se.Matrix(element.transform) * inverse)
    rx, ry = (round(float(r), DIGITS) for r in radii)
    if isinstance(element, se.Circle) and abs(rx - ry) <= ROUND_TOLERANCE * max(rx, 1e-9):
        return Circle(cx=cx, cy=cy, r=rx, color=color)
    return Ellipse(cx=cx, cy=cy, rx=rx, ry=ry, angle=_half_turn(turn[1, 0], turn[0, 0]), color=color)


def _quadratic(segment: Any, inverse: se.Matrix) -> tuple[tuple[float, float], ...] | None:
    """The start, control and end of a quadratic segment, or of a cubic that is one (a degree-elevated
    quadratic, as editors save them), in canvas units; None for another segment."""
    if isinstance(segment, se.QuadraticBezier):
        return tuple(_point(p, inverse) for p in (segment.start, segment.control, segment.end))
    if not isinstance(segment, se.CubicBezier):
        return None
    p0, c1, c2, p3 = (np.array(_point(p, inverse)) for p in (segment.start, segment.control1, segment.control2,
                                                               segment.end))
    first, second = (3 * c1 - p0) / 2, (3 * c2 - p3) / 2
    if np.hypot(*(first - second)) > 0.01 * max(1.0, float(np.hypot(*(p3 - p0)))):
        return None
    control = (first + second) / 2
    return (tuple(p0.tolist()), (round(float(control[0]), DIGITS), round(float(control[1]), DIGITS)),
            tuple(p3.tolist()))


def _conic(points: np.ndarray) -> tuple[float, float, float, float, float] | None:
    """The ellipse (cx, cy, rx, ry, angle in degrees) through `points` (n, 2), fitted as a conic, or None where
    they lie on none (within CONIC_TOLERANCE of its size)."""
    mean = points.mean(axis=0)
    size = float(np.abs(points - mean).max()) or 1.0
    x, y = ((points - mean) / size).T
    design = np.column_stack([x * x, x * y, y * y, x, y, np.ones_like(x)])
    a, b, c, d, e, f = np.linalg.svd(design)[2][-1]
    quadratic = np.array([[a, b / 2], [b / 2, c]])
    if np.linalg.det(quadratic) <= 0:
        return None  # a parabola or hyperbola
    centre = np.linalg.solve(2 * quadratic, [-d, -e])
    level = -(f + (d * centre[0] + e * centre[1]) / 2)
    values, axes = np.linalg.eigh(quadratic)
    if np.any(level / values <= 0):
        return None
    radii = np.sqrt(level / values)
    longer = np.argsort(-radii)
    radii, axes = radii[longer], axes[:, longer]
    along = (np.column_stack([x, y]) - centre) @ axes / radii
    if np.abs(np.hypot(along[:, 0], along[:, 1]) - 1.0).max() > CONIC_TOLERANCE:
        return None
    cx, cy = mean + centre * size
    return float(cx), float(cy), float(radii[0] * size), float(radii[1] * size), _half_turn(axes[1, 0], axes[0, 0])


def _half_turn(dy: float, dx: float) -> float:
    """The angle in degrees, in [-90, 90), of the direction (dx, dy) of an ellipse's longer axis (an ellipse
    turned half a turn is the same): read back, an ellipse's rx is its longer radius."""
    return round((math.degrees(math.atan2(dy, dx)) + 90.0) % 180.0 - 90.0, DIGITS)


def _curved(element: se.Shape, inverse: se.Matrix) -> Shape | None:
    """A closed filled path of curves (an ellipse or circle an editor turned into arcs or cubics) as an ellipse
    (a circle where its radii are equal), else None."""
    fill = _color(element.fill, _opacity(element, "fill-opacity"))
    path = se.Path(element)
    if fill is None or path.length() == 0:
        return None
    points = np.array([_point(path.point(t), inverse) for t in np.linspace(0.0, 1.0, CONIC_SAMPLES, endpoint=False)])
    found = _conic(points)
    if found is None:
        return None
    cx, cy, rx, ry, angle = (round(v, DIGITS) for v in found)  # the angle is rounded already
    if abs(rx - ry) <= ROUND_TOLERANCE * max(rx, 1e-9):
        return Circle(cx=cx, cy=cy, r=rx, color=fill)
    return Ellipse(cx=cx, cy=cy, rx=rx, ry=ry, angle=angle, color=fill)


def _path_shape(element: se.Shape, inverse: se.Matrix, scale: float) -> Shape | None:
    """A path (or polygon, polyline, line, rect) as the genart shape its geometry is, else None."""
    segments = list(se.Path(element))
    if not segments or not isinstance(segments[0], se.Move) or any(isinstance(s, se.Move) for s in segments[1:]):
        return None  # one subpath only: a genart shape is one
    drawn = [s for s in segments[1:] if not isinstance(s, se.Close)]
    closed = any(isinstance(s, se.Close) for s in segments)
    fill = _color(element.fill, _opacity(element, "fill-opacity"))
    stroke = _color(element.stroke, _opacity(element, "stroke-opacity"))
    width = float(element.implicit_stroke_width or 0.0) * scale
    if fill is not None and len(drawn) >= 2 and all(isinstance(s, se.Line) for s in drawn):
        points = [_point(segments[0].end, inverse), *(_point(s.end, inverse) for s in drawn)]
        if len(points) > 3 and points[-1] == points[0]:
            points.pop()
        return Polygon(points=points, color=fill) if len(points) >= 3 and (closed or len(points) > 3) else None
    if closed and drawn and all(isinstance(s, (se.Arc, se.CubicBezier, se.QuadraticBezier)) for s in drawn):
        return _curved(element, inverse)
    if stroke is None or width <= 0 or closed or len(drawn) != 1:
        return None
    if isinstance(drawn[0], se.Line):
        ends = (_point(drawn[0].start, inverse), _point(drawn[0].end, inverse))
        return Line(points=ends, width=round(width, DIGITS), color=stroke)
    curve = _quadratic(drawn[0], inverse)
    return None if curve is None else Bezier(points=curve, width=round(width, DIGITS), color=stroke)  # type: ignore[arg-type]


def _shape(element: se.Shape, inverse: se.Matrix, scale: float) -> Shape | None:
    """The genart shape an element draws (see the module docstring), None where it draws none."""
    if isinstance(element, (se.Circle, se.Ellipse)):
        color = _color(element.fill, _opacity(element, "fill-opacity"))
        return None if color is None else _ellipse(element, inverse, color)
    return _path_shape(element, inverse, scale)


def read_svg(path: str | Path) -> SvgShapes:
    """The shapes of an SVG poster (see the module docstring), in canvas units; SvgReadError (one line) for a
    file that cannot be read.

    Examples
    --------
    >>> import tempfile
    >>> from genart.render.svg import render_svg
    >>> dot = S.ShapesLayer(shapes=[S.Circle(cx=5, cy=5, r=2, color=(1, 0, 0, 0.5))], ids=[7])
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     render_svg(S.Scene(canvas=S.Canvas(width=10, height=10), layers=[dot]), f"{folder}/x.svg", width=40)
    ...     back = read_svg(f"{folder}/x.svg")
    >>> back.shapes == dot.shapes, back.ids, back.canvas
    (True, [7], (10.0, 10.0))
    """
    path = Path(path)
    doc = _document(path)
    try:
        return _shapes(doc, path)
    except SvgReadError:
        raise
    except GEOMETRY_ERRORS as exc:  # a degenerate viewBox or transform, say
        raise SvgReadError(f"{path}: its geometry cannot be read back ({type(exc).__name__}: "
                           f"{' '.join(str(exc).split())[:80]})") from None


def _shapes(doc: se.SVG, path: Path) -> SvgShapes:
    """The shapes of a parsed document (see `read_svg`)."""
    canvas, matrix = _canvas(doc, path)
    inverse = ~matrix
    scale = math.sqrt(abs(inverse.determinant))
    shapes: list[Shape] = []
    ids: list[int] = []
    background = None
    foreign: Counter[str] = Counter()
    seen: set[int] = set()
    for element in doc.elements():
        if isinstance(element, (se.Text, se.Image)):
            foreign[type(element).__name__.lower()] += 1
            continue
        if not isinstance(element, se.Shape):
            continue
        if element.id == BACKGROUND_ID:
            background = _color(element.fill, _opacity(element, "fill-opacity"))
            continue
        if element.id == FRAME_ID:
            continue
        named = SHAPE_PATTERN.fullmatch(element.id or "")
        if named is None or int(named.group(1)) in seen:
            foreign["unnamed shapes" if named is None else "shapes of a repeated id"] += 1
            continue
        try:
            shape = _shape(element, inverse, scale)
        except (ValidationError, *GEOMETRY_ERRORS):
            shape = None  # beyond the scene's ranges (a point far off the canvas, too many points), or degenerate
        if shape is None:
            foreign["shapes of no genart kind"] += 1
            continue
        seen.add(int(named.group(1)))
        shapes.append(shape)
        ids.append(int(named.group(1)))
    return SvgShapes(canvas, shapes, ids, background, foreign)
