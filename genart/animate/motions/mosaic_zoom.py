"""Mosaic zoom: from one tile photo filling the frame out to the whole mosaic (or back in).

The view shrinks/grows geometrically (constant apparent speed) about a fixed point chosen
so that the start view is exactly the focus cell (cropped to the frame's aspect) and the
end view is the whole canvas. The zoom starts on the cell `target` names ("ROW,COL" from
the top left, 0-based, or "tile:ID": the first cell showing photo ID) or a seeded random
cell of the middle half. Tiles are asked for at the pixel size each frame needs (rounded
up to a power of two and cached, byte-bounded); a collection stores thumbnails only up to
some size, so `blur_warning` says when the zoomed-in frame needs larger ones than it holds.
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from genart.animate.frame import Frame, SceneLayers
from genart.animate.timeline import Clip
from genart.render.cairo import TileSource
from genart.render.framing import Framing, place
from genart.render.scene import Canvas, MosaicLayer, Scene


class TileCache:
    """A TileSource wrapper: sizes rounded up to powers of two, least recently used tiles
    dropped beyond `max_bytes`."""

    def __init__(self, tiles: TileSource, max_bytes: int = 96 << 20) -> None:
        self.tiles, self.max_bytes, self.bytes = tiles, max_bytes, 0
        self.cache: OrderedDict[tuple[int, int], np.ndarray] = OrderedDict()

    def __call__(self, tile_id: int, size_px: int) -> np.ndarray:
        key = (tile_id, 1 << max(0, math.ceil(math.log2(max(size_px, 1)))))
        image = self.cache.get(key)
        if image is not None:
            self.cache.move_to_end(key)
            return image
        image = np.ascontiguousarray(self.tiles(*key))
        self.cache[key] = image
        self.bytes += image.nbytes
        while self.bytes > self.max_bytes and len(self.cache) > 1:
            self.bytes -= self.cache.popitem(last=False)[1].nbytes
        return image


@dataclass(eq=False, kw_only=True)
class MosaicZoom(Clip):
    """The zoom clip; build it with `mosaic_zoom(scene, tiles, ...)`."""

    canvas: Canvas
    layer: MosaicLayer
    tiles: TileSource | None
    first: tuple[float, float, float, float]  # view at u = 0 (x, y, w, h)
    fixed: tuple[float, float]  # canvas point that stays put on screen
    reverse: bool = False

    def view_at(self, u: float) -> tuple[float, float, float, float]:
        a = float(self.ease(u))
        a = 1.0 - a if self.reverse else a
        w0, h0 = self.first[2], self.first[3]
        w = w0 * (self.canvas.width / w0) ** a
        h = h0 * (self.canvas.height / h0) ** a
        fx, fy = self.fixed
        return (fx - fx / self.canvas.width * w, fy - fy / self.canvas.height * h, w, h)

    def at(self, u: float) -> Frame:
        return Frame(canvas=self.canvas, items=(SceneLayers(self.canvas, (self.layer,), self.tiles),), view=self.view_at(u))

    def tile_pixels(self, size: tuple[int, int], framing: Framing = "fit") -> int:
        """Pixels a tile spans on the longer side in the zoomed-in frame of a `size` (w, h) movie."""
        placement = place(self.first[2], self.first[3], *size, framing)
        return math.ceil(max(self.canvas.width / self.layer.columns, self.canvas.height / self.layer.rows) * placement.scale)


def blur_warning(clip: MosaicZoom, size: tuple[int, int], largest: int, framing: Framing = "fit") -> str | None:
    """One line if the zoomed-in frame needs tiles larger than the collection's `largest` thumbnail, else None."""
    needed = clip.tile_pixels(size, framing)
    if needed <= largest:
        return None
    return (f"the zoomed-in frame shows a tile at {needed} px but the collection stores tiles up to {largest} px: "
            f"it will look blurry (index again with `genart mosaic index --sizes ...,{1 << math.ceil(math.log2(needed))}`)")


def parse_target(target: str, layer: MosaicLayer) -> int:
    """The row-major cell of a `target` ("ROW,COL" or "tile:ID") in `layer`; ValueError if there is none."""
    if m := re.fullmatch(r"\s*(\d+)\s*,\s*(\d+)\s*", target):
        row, col = int(m[1]), int(m[2])
        if row >= layer.rows or col >= layer.columns:
            raise ValueError(f"target {row},{col} is outside the {layer.rows} rows x {layer.columns} columns mosaic")
        return row * layer.columns + col
    if m := re.fullmatch(r"\s*tile:(\d+)\s*", target):
        if int(m[1]) not in layer.tiles:
            raise ValueError(f"target tile {m[1]} is in no cell of this mosaic")
        return layer.tiles.index(int(m[1]))
    raise ValueError(f"target must be ROW,COL or tile:ID, got {target!r}")


def mosaic_zoom(
    scene: Scene,
    tiles: TileSource | None,
    *,
    duration: float = 6.0,
    start: float = 0.5,
    hold: float = 1.0,
    easing: str = "smooth",
    target: str | None = None,
    reverse: bool = False,
    seed: int = 0,
) -> MosaicZoom:
    """Zoom from the cell `target` names ("ROW,COL" or "tile:ID"; default: a seeded random
    cell of the middle half) out to the whole mosaic; `reverse` zooms in instead. `tiles`
    is the collection's TileSource (None draws the cells' flat colours)."""
    layer = next((layer for layer in scene.layers if isinstance(layer, MosaicLayer)), None)
    if layer is None:
        raise ValueError("mosaic_zoom needs a mosaic scene (no mosaic layer in this scene)")
    canvas = scene.canvas
    if target is None:
        rng = np.random.default_rng(seed)
        row = int(rng.integers(layer.rows // 4, max(layer.rows * 3 // 4, layer.rows // 4 + 1)))
        col = int(rng.integers(layer.columns // 4, max(layer.columns * 3 // 4, layer.columns // 4 + 1)))
    else:
        row, col = divmod(parse_target(target, layer), layer.columns)
    cw, ch = canvas.width / layer.columns, canvas.height / layer.rows
    # the largest rectangle with the canvas' aspect inside the cell: the tile fills the frame
    scale = min(cw / canvas.width, ch / canvas.height)
    w0, h0 = canvas.width * scale, canvas.height * scale
    x0, y0 = col * cw + (cw - w0) / 2, row * ch + (ch - h0) / 2
    fixed = (x0 / (1 - scale), y0 / (1 - scale)) if scale < 1 else (canvas.width / 2, canvas.height / 2)
    return MosaicZoom(duration=duration, start=start, hold=hold, easing=easing, canvas=canvas, layer=layer,
                      tiles=TileCache(tiles) if tiles is not None else None, first=(x0, y0, w0, h0),
                      fixed=fixed, reverse=reverse)
