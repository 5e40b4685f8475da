"""A scene as pen strokes: for each pen, the lines it draws, in scene order (before vpype orders them).

Shapes layers are overlaid in painter's order (`genart.plot.regions`); each face is inked by
the pen that shows its colour best, hatched at the density of that colour (`genart.plot.pens`,
`genart.plot.hatch`) at its topmost shape's angle, faces of one shape, pen and density together.
A Bézier stroke stays one line of the pen, where no later shape covers it; outlines (asked for)
follow each shape's visible region. A graph's edges are chained into few long strokes
(`genart.plot.graph`), cut where shapes of later layers cover them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from genart.errors import UserError
from genart.plot.graph import euler_cover
from genart.plot.hatch import hatch, step_for
from genart.plot.outlines import segments_for, trace_area, traced
from genart.plot.page import Page, page_for
from genart.plot.pens import Pen, choose_pens, ink, pens_from
from genart.plot.regions import PAPER, Faces, overlay
from genart.plot.settings import PlotSettings
from genart.render.drawables import Shape, Stroke
from genart.render.scene import GraphLayer, MosaicLayer, Scene, ShapesLayer

BACKGROUND = -1  # the owner of strokes that belong to no shape (the background, a graph)


@dataclass
class Strokes:
    """Per pen (index into `pens`), its lines ((n, 2) mm on the page) in scene order, and the shape each
    belongs to (`owners`: its index in draw order over all shapes layers, BACKGROUND for none)."""

    page: Page
    pens: list[Pen]
    lines: list[list[np.ndarray]] = field(default_factory=list)
    owners: list[list[int]] = field(default_factory=list)

    def add(self, pen: int, lines: list[np.ndarray], owner: int) -> None:
        """Append `lines` of `owner` to pen `pen`'s."""
        self.lines[pen].extend(lines)
        self.owners[pen].extend([owner] * len(lines))


@dataclass(frozen=True)
class Drawn:
    """The shapes of a scene in draw order, with their traces and areas on the page and the shapes layer each is in."""

    shapes: list[Shape]
    traces: list[np.ndarray | Stroke]  # each shape as its drawable traces it, on the page (`outlines.traced`)
    areas: list[BaseGeometry]
    layer: list[int]


def drawn_shapes(scene: Scene, page: Page) -> Drawn:
    """Every shape of the scene's shapes layers in draw order, its area on the page and its layer's number."""
    shapes, layer = [], []
    for number, part in enumerate(p for p in scene.layers if isinstance(p, ShapesLayer)):
        shapes.extend(part.shapes)
        layer.extend([number] * len(part.shapes))
    traces = [traced(s, page) for s in shapes]
    return Drawn(shapes, traces, [trace_area(t) for t in traces], layer)


def _over_background(rgba: tuple[float, ...], scene: Scene) -> np.ndarray:
    bg = scene.canvas.background
    under = bg[3] * np.asarray(bg[:3]) + (1 - bg[3]) * PAPER
    return rgba[3] * np.asarray(rgba[:3]) + (1 - rgba[3]) * under


def _edge_colors(layer: GraphLayer, scene: Scene) -> np.ndarray:
    colours = layer.edge_colors or [layer.edge_color] * len(layer.edges)
    return np.array([_over_background(c, scene) for c in colours]).reshape(-1, 3)


def _pens(scene: Scene, settings: PlotSettings, faces: Faces) -> list[Pen]:
    """The pens given, or chosen from the colours the plot shows (faces by area, edges by length)."""
    if not isinstance(settings.pens, int):
        return pens_from(settings.pens)
    colours, weights = [faces.colors], [shapely.area(faces.areas)]
    for layer in (p for p in scene.layers if isinstance(p, GraphLayer)):
        pos = dict(zip(layer.ids, layer.xy))
        colours.append(_edge_colors(layer, scene))
        weights.append(np.array([np.hypot(*np.subtract(pos[a], pos[b])) * layer.edge_width for a, b in layer.edges]))
    return choose_pens(np.concatenate(colours), np.concatenate(weights), settings.pens)


def _angle(settings: PlotSettings, drawn: Drawn, owner: int) -> float:
    layer = drawn.layer[owner] if owner >= 0 else 0
    return settings.angles[layer % len(settings.angles)] + settings.turn * max(owner, 0)


def _hatch_faces(strokes: Strokes, faces: Faces, drawn: Drawn, settings: PlotSettings) -> None:
    """Hatch the faces (not those a Bézier stroke tops: its line inks them) by top shape, pen and density."""
    which, coverage = ink(faces.colors, strokes.pens)
    steps = step_for(coverage, settings.pen_mm, settings.spacing_mm)
    stroked = np.array([t >= 0 and isinstance(drawn.traces[t], Stroke) for t in faces.top.tolist()], bool)
    groups = sorted({(int(t), int(p), int(m)) for t, p, m, s in zip(faces.top, which, steps, stroked) if m and not s})
    for top, pen, step in groups:
        mine = (faces.top == top) & (which == pen) & (steps == step)
        region = shapely.union_all(faces.areas[mine])
        strokes.add(pen, hatch(region, _angle(settings, drawn, top), settings.spacing_mm * step), top)


def _shape_lines(strokes: Strokes, faces: Faces, drawn: Drawn, settings: PlotSettings, scene: Scene) -> None:
    """Strokes (Bézier curves, lines) where they show, and (asked for) the outline of every shape's visible region."""
    for index, shape in enumerate(drawn.shapes):
        trace = drawn.traces[index]
        if not isinstance(trace, Stroke) and not settings.outlines:
            continue
        region = shapely.union_all(faces.areas[faces.top == index])
        if region.is_empty:
            continue
        pen = int(ink(_over_background(shape.color, scene)[None], strokes.pens)[0][0])
        line = shapely.LineString(trace.centre) if isinstance(trace, Stroke) else region.boundary
        strokes.add(pen, _line_parts(shapely.intersection(line, region) if isinstance(trace, Stroke) else line), index)


def _line_parts(geometry: BaseGeometry) -> list[np.ndarray]:
    parts = shapely.get_parts(shapely.line_merge(geometry) if geometry.geom_type == "MultiLineString" else geometry)
    parts = [shapely.get_exterior_ring(p) if p.geom_type == "Polygon" else p for p in parts]
    return [np.asarray(p.coords)[:, :2] for p in parts if p.geom_type in ("LineString", "LinearRing") and p.length > 0]


def _graph_lines(strokes: Strokes, layer: GraphLayer, scene: Scene, covered: BaseGeometry | None) -> None:
    """The edges of a graph chained per pen (cut where `covered`), and its nodes' dots as small circles."""
    page = strokes.page
    pos: dict[Hashable, np.ndarray] = {i: np.array(xy) * page.scale + (page.offset_x, page.offset_y) for i, xy in zip(layer.ids, layer.xy)}
    which = ink(_edge_colors(layer, scene), strokes.pens)[0] if layer.edges else np.zeros(0, int)
    for pen in np.unique(which).tolist():
        trails = euler_cover([e for e, p in zip(layer.edges, which.tolist()) if p == pen])
        lines = [np.array([pos[n] for n in trail]) for trail in trails]
        if covered is not None:
            lines = [part for line in lines for part in _line_parts(shapely.difference(shapely.LineString(line), covered))]
        strokes.add(pen, lines, BACKGROUND)
    radius = layer.node_radius * page.scale
    if radius > 0 and layer.xy:
        colours = layer.node_colors or [layer.node_color] * len(layer.ids)
        pens = ink(np.array([_over_background(c, scene) for c in colours]), strokes.pens)[0].tolist()
        ring = np.linspace(0, 2 * np.pi, segments_for(radius) + 1)
        circle = np.column_stack([np.cos(ring), np.sin(ring)]) * radius
        for node, pen in zip(layer.ids, pens):
            strokes.add(pen, [circle + pos[node]], BACKGROUND)


def scene_strokes(scene: Scene, settings: PlotSettings, step: Callable[[], object] | None = None) -> Strokes:
    """The strokes of `scene` plotted with `settings` (see the module's docstring); `step` is called once per
    shape as the overlay is built. A mosaic is a UserError: its cells are photographs.

    Examples
    --------
    >>> from genart.render import scene as S
    >>> one = S.Scene(canvas=S.Canvas(width=10, height=10),
    ...               layers=[S.ShapesLayer(shapes=[S.Circle(cx=5, cy=5, r=4, color=(0, 0, 0, 1))])])
    >>> strokes = scene_strokes(one, PlotSettings(paper="A6", margin_mm=2.5, spacing_mm=1.0, pen_mm=1.0))
    >>> [p.label for p in strokes.pens], len(strokes.lines[0]), set(strokes.owners[0])
    (['1 #000000'], 80, {0})
    """
    if any(isinstance(layer, MosaicLayer) for layer in scene.layers):
        raise UserError("a mosaic cannot be plotted (its cells are photographs); plot a scene of shapes or a graph")
    page = page_for(scene.canvas.width, scene.canvas.height, settings.paper, settings.landscape, settings.margin_mm)
    drawn = drawn_shapes(scene, page)
    faces = overlay(page.picture_mm(scene.canvas.width, scene.canvas.height), scene.canvas.background, drawn.areas,
                    [s.color for s in drawn.shapes], step)
    pens = _pens(scene, settings, faces)
    strokes = Strokes(page, pens, [[] for _ in pens], [[] for _ in pens])
    _hatch_faces(strokes, faces, drawn, settings)
    _shape_lines(strokes, faces, drawn, settings, scene)
    seen = 0
    for layer in scene.layers:
        if isinstance(layer, ShapesLayer):
            seen += len(layer.shapes)
        elif isinstance(layer, GraphLayer):
            later = drawn.areas[seen:]
            _graph_lines(strokes, layer, scene, shapely.union_all(later) if later else None)
    return strokes
