"""The plot drawn as ink: every path in its pen's colour and width on white paper (cairo), to look at before
plotting; it shows what the hatching's density does to a colour seen from afar."""

from __future__ import annotations

import cairocffi
import numpy as np
import vpype as vp

from genart.plot.document import PX_PER_MM
from genart.render.cairo import bgra_to_array
from genart.render.paper import MM_PER_INCH
from genart.render.scene import MAX_PIXELS, SceneError

DEFAULT_DPI = 150.0


def preview_size(document: vp.Document, dpi: float) -> tuple[int, int]:
    """The preview's pixels at `dpi` (a SceneError beyond the poster's limits)."""
    width_px, height_px = document.page_size or (1.0, 1.0)
    w, h = (max(1, round(side / PX_PER_MM / MM_PER_INCH * dpi)) for side in (width_px, height_px))
    if w * h > MAX_PIXELS or max(w, h) > 32767:
        raise SceneError(f"a preview of {w}x{h} pixels is too large; ask for a lower DPI")
    return w, h


def ink_preview(document: vp.Document, dpi: float = DEFAULT_DPI) -> np.ndarray:
    """The document's paths drawn in their pens (layer colour and pen width) on white, (H, W, 3) uint8.

    Examples
    --------
    >>> document = vp.Document(page_size=(96.0, 96.0))  # an inch square
    >>> layer = vp.LineCollection([[10 + 48j, 86 + 48j]])
    >>> layer.set_property(vp.METADATA_FIELD_COLOR, vp.Color("#ff0000"))
    >>> layer.set_property(vp.METADATA_FIELD_PEN_WIDTH, 9.6)
    >>> document.add(layer, 1, with_metadata=True)
    >>> pixels = ink_preview(document, dpi=50)
    >>> pixels.shape, pixels[25, 25].tolist(), pixels[2, 2].tolist()
    ((50, 50, 3), [255, 0, 0], [255, 255, 255])
    """
    w, h = preview_size(document, dpi)
    width_px = (document.page_size or (1.0, 1.0))[0]
    surface = cairocffi.ImageSurface(cairocffi.FORMAT_ARGB32, w, h)
    ctx = cairocffi.Context(surface)
    ctx.set_source_rgb(1.0, 1.0, 1.0)
    ctx.paint()
    ctx.scale(w / width_px, w / width_px)
    ctx.set_line_cap(cairocffi.LINE_CAP_ROUND)
    ctx.set_line_join(cairocffi.LINE_JOIN_ROUND)
    for layer in document.layers.values():
        colour = layer.property(vp.METADATA_FIELD_COLOR) or vp.Color("black")
        ctx.set_source_rgba(colour.red / 255, colour.green / 255, colour.blue / 255, 1.0)
        ctx.set_line_width(float(layer.property(vp.METADATA_FIELD_PEN_WIDTH) or PX_PER_MM * 0.3))
        for line in layer:
            ctx.move_to(float(line[0].real), float(line[0].imag))
            for point in line[1:].tolist():
                ctx.line_to(point.real, point.imag)
            ctx.stroke()
    surface.flush()
    pixels = np.ndarray((h, surface.get_stride() // 4, 4), np.uint8, surface.get_data())[:, :w]
    return bgra_to_array(pixels)
