"""A frame of drawables and its cairo rendering.

A motion turns a time into a `Frame`: the canvas (size, background), a view (the
visible canvas rectangle: zooms), and drawables in back-to-front order. Drawables hold
numpy arrays so a motion computes a whole frame with a few vectorized calls; drawing
talks to cairo's C API directly (cairocffi's `cairo` lib) to keep per-shape overhead low.
Pixels come out as cairo ARGB32: premultiplied BGRA. A `Look` says how the view is
framed in an output of another aspect (fit with bars of a colour, or fill and cut) and
the bars' colour; with opaque bars and background the frame is opaque and
`bgra[..., 2::-1]` is the RGB picture. For outputs that keep alpha, `without_background`
drops the scene's background and `straight_alpha` turns cairo's premultiplied pixels into
the straight BGRA that PNG and ffmpeg's `bgra` expect.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import cairocffi
import numpy as np

from genart.render.cairo import TileSource
from genart.render.cairo import draw as draw_layers
from genart.render.drawables import Packed, Shape, draw_cairo, pack
from genart.render.framing import place
from genart.render.scene import Canvas, Layer, MosaicLayer, Scene

_lib = cairocffi.cairo
WHITE = (1.0, 1.0, 1.0, 1.0)


@dataclass(frozen=True)
class Look:
    """How the view fills the output: `fit` (all of it, centred, bars of colour `bars`, RGBA)
    or `fill` (the output covered, the overflow cut around the centre). The `crop` framing
    is `fill` on an output already cut to the view's aspect (`genart.render.framing.place`)."""

    framing: Literal["fit", "fill"] = "fit"
    bars: tuple[float, float, float, float] = WHITE


PLAIN = Look()  # the whole view, centred, white bars


def without_background(scene: Scene) -> Scene:
    """`scene` with a fully transparent background: its frames keep alpha where nothing is drawn."""
    return scene.model_copy(update={"canvas": scene.canvas.model_copy(update={"background": (0.0, 0.0, 0.0, 0.0)})})

@dataclass(frozen=True, eq=False)
class Shapes(Packed):
    """Drawables in draw order as packed arrays (`genart.render.drawables.Packed`); alpha 0 is not drawn.

    `settled`: the first `settled` shapes are final, the same in every later frame of
    `origin` (what they come from; None: nothing is cached).
    """

    settled: int = 0
    origin: object | None = None

    @classmethod
    def of(cls, shapes: Sequence[Shape]) -> Shapes:
        """Packed shapes of scene records (a `ShapesLayer`'s `shapes`)."""
        packed = pack(shapes)
        return cls(packed.kinds, packed.points, packed.counts, packed.params, packed.colors)

    def draw(self, ctx: cairocffi.Context, begin: int = 0, end: int | None = None) -> None:
        """Draw shapes begin..end-1 (default all)."""
        draw_cairo(ctx, self, begin, end)


@dataclass(frozen=True, eq=False)
class Segments:
    """Straight strokes with round caps, one RGBA colour each (graph edges)."""

    starts: np.ndarray  # (M, 2)
    ends: np.ndarray  # (M, 2)
    colors: np.ndarray  # (M, 4)
    width: float

    def draw(self, ctx: cairocffi.Context) -> None:
        p = ctx._pointer
        ctx.set_line_width(self.width)
        ctx.set_line_cap(cairocffi.LINE_CAP_ROUND)
        visible = np.flatnonzero(self.colors[:, 3] > 0.0)
        for (x0, y0), (x1, y1), (r, g, b, a) in zip(
            self.starts[visible].tolist(), self.ends[visible].tolist(), self.colors[visible].tolist()
        ):
            _lib.cairo_move_to(p, x0, y0)
            _lib.cairo_line_to(p, x1, y1)
            _lib.cairo_set_source_rgba(p, r, g, b, a)
            _lib.cairo_stroke(p)


@dataclass(frozen=True, eq=False)
class Dots:
    """Filled discs (graph nodes)."""

    centers: np.ndarray  # (N, 2)
    radii: np.ndarray  # (N,)
    colors: np.ndarray  # (N, 4)

    def draw(self, ctx: cairocffi.Context) -> None:
        p = ctx._pointer
        visible = np.flatnonzero((self.colors[:, 3] > 0.0) & (self.radii > 0.0))
        for (x, y), r, (cr, cg, cb, ca) in zip(
            self.centers[visible].tolist(), self.radii[visible].tolist(), self.colors[visible].tolist()
        ):
            _lib.cairo_new_sub_path(p)
            _lib.cairo_arc(p, x, y, r, 0.0, 2 * math.pi)
            _lib.cairo_set_source_rgba(p, cr, cg, cb, ca)
            _lib.cairo_fill(p)


@dataclass(frozen=True, eq=False)
class SceneLayers:
    """Scene layers drawn as the poster draws them (`genart.render.cairo.draw`)."""

    canvas: Canvas
    layers: tuple[Layer, ...]
    tiles: TileSource | None = None

    def draw(self, ctx: cairocffi.Context) -> None:
        if any(isinstance(layer, MosaicLayer) for layer in self.layers):
            ctx.save()  # pixel-exact cell clips: antialiased ones let the background seep between tiles
            ctx.set_antialias(cairocffi.ANTIALIAS_NONE)
            draw_layers(ctx, self.canvas, self.layers, self.tiles, background=False)
            ctx.restore()
        else:
            draw_layers(ctx, self.canvas, self.layers, self.tiles, background=False)


@dataclass(frozen=True, eq=False)
class Overlay:
    """A whole frame (background included) painted at `opacity` over what is below: cross-fades."""

    frame: Frame
    opacity: float

    def draw(self, ctx: cairocffi.Context) -> None:
        if self.opacity <= 0.0:
            return
        ctx.push_group()
        _draw_content(ctx, self.frame)
        ctx.pop_group_to_source()
        ctx.paint_with_alpha(min(self.opacity, 1.0))


Drawable = Shapes | Segments | Dots | SceneLayers | Overlay


@dataclass(frozen=True, eq=False)
class Frame:
    """What one movie frame shows: the canvas, drawables back to front, and the visible area.

    `view` is (x, y, width, height) in canvas units; None shows the whole canvas.
    """

    canvas: Canvas
    items: tuple[Drawable, ...] = field(default_factory=tuple)
    view: tuple[float, float, float, float] | None = None


def _draw_content(ctx: cairocffi.Context, frame: Frame) -> None:
    ctx.set_fill_rule(cairocffi.FILL_RULE_EVEN_ODD)
    ctx.set_source_rgba(*frame.canvas.background)
    ctx.paint()
    for item in frame.items:
        item.draw(ctx)


def _context(
    buf: np.ndarray, frame: Frame, look: Look, clear: bool = True
) -> tuple[cairocffi.ImageSurface, cairocffi.Context]:
    """A context on `buf` (first set to the bars' colour if `clear`), transformed and clipped
    to the frame's view as `look` frames it."""
    height, width = buf.shape[:2]
    surface = cairocffi.ImageSurface.create_for_data(
        buf.reshape(-1).data, cairocffi.FORMAT_ARGB32, width, height, width * 4
    )
    ctx = cairocffi.Context(surface)
    if clear:
        ctx.set_operator(cairocffi.OPERATOR_SOURCE)  # set, not blend: transparent bars clear the buffer
        ctx.set_source_rgba(*look.bars)
        ctx.paint()
        ctx.set_operator(cairocffi.OPERATOR_OVER)
    x, y, w, h = frame.view or (0.0, 0.0, frame.canvas.width, frame.canvas.height)
    placement = place(w, h, width, height, look.framing)
    ctx.translate(placement.offset_x, placement.offset_y)
    ctx.scale(placement.scale, placement.scale)
    ctx.translate(-x, -y)
    ctx.rectangle(x, y, w, h)
    ctx.clip()
    ctx.set_fill_rule(cairocffi.FILL_RULE_EVEN_ODD)
    return surface, ctx


class SettledCache:
    """The background plus a frame's settled shapes, kept between frames and grown incrementally.

    When a motion marks its first shapes as settled (a fly-in's landed prefix), the next
    frame starts from a copy of this picture and draws only the shapes still moving. The
    pixels are identical to drawing everything: the same operations on the same buffer.
    """

    def __init__(self) -> None:
        self.key: tuple | None = None
        self.origin: object | None = None
        self.base: np.ndarray | None = None
        self.drawn = 0

    def prepare(self, frame: Frame, shapes: Shapes, width: int, height: int, look: Look) -> np.ndarray:
        """The cached picture with shapes[:shapes.settled] drawn."""
        key = (id(shapes.origin), width, height, frame.view, frame.canvas, look)
        if key != self.key or shapes.settled < self.drawn or self.base is None:
            self.key, self.origin, self.drawn = key, shapes.origin, 0
            self.base = np.empty((height, width, 4), np.uint8)
            surface, ctx = _context(self.base, frame, look)
            ctx.set_source_rgba(*frame.canvas.background)
            ctx.paint()
            surface.finish()
        if shapes.settled > self.drawn:
            surface, ctx = _context(self.base, frame, look, clear=False)
            shapes.draw(ctx, self.drawn, shapes.settled)
            surface.finish()
            self.drawn = shapes.settled
        return self.base


def render_bgra(
    frame: Frame,
    width: int,
    height: int,
    out: np.ndarray | None = None,
    cache: SettledCache | None = None,
    look: Look = PLAIN,
) -> np.ndarray:
    """Draw a frame into an H×W×4 uint8 premultiplied BGRA array (`out` if given), framed by `look`.

    With a `cache`, a leading `Shapes` item's settled shapes are drawn once, not every frame.
    """
    buf = np.empty((height, width, 4), np.uint8) if out is None else out
    first = frame.items[0] if frame.items else None
    if cache is not None and isinstance(first, Shapes) and first.origin is not None and first.settled > 0:
        np.copyto(buf, cache.prepare(frame, first, width, height, look))
        surface, ctx = _context(buf, frame, look, clear=False)
        first.draw(ctx, first.settled)
        for item in frame.items[1:]:
            item.draw(ctx)
    else:
        surface, ctx = _context(buf, frame, look)
        _draw_content(ctx, frame)
    surface.finish()
    return buf


def straight_alpha(bgra: np.ndarray) -> np.ndarray:
    """Turn premultiplied BGRA (cairo) into straight BGRA in place: colour / alpha, rounded."""
    alpha = bgra[..., 3]
    partial = (alpha > 0) & (alpha < 255)
    if partial.any():
        a = alpha[partial].astype(np.uint32)[:, None]
        colour = bgra[partial, :3].astype(np.uint32)
        bgra[partial, :3] = np.minimum((colour * 255 + a // 2) // a, 255).astype(np.uint8)
    return bgra


def bgra_to_rgb(bgra: np.ndarray) -> np.ndarray:
    """RGB uint8 copy of opaque BGRA pixels."""
    return np.ascontiguousarray(bgra[..., 2::-1])


def render_rgb(frame: Frame, width: int, height: int, look: Look = PLAIN) -> np.ndarray:
    """Draw a frame into a new H×W×3 RGB uint8 array."""
    return bgra_to_rgb(render_bgra(frame, width, height, look=look))


def render_rgba(frame: Frame, width: int, height: int, look: Look = PLAIN) -> np.ndarray:
    """Draw a frame into a new H×W×4 straight-alpha RGBA uint8 array."""
    bgra = straight_alpha(render_bgra(frame, width, height, look=look))
    return np.ascontiguousarray(bgra[..., [2, 1, 0, 3]])
