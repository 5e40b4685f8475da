"""Writing the mosaic picture band by band, so a huge print never needs several full copies.

PNG is streamed: each row of cells is composed, filtered and deflated straight to the
file. JPEG needs the whole picture for Pillow's encoder, so it is filled band by band
into one Pillow image (a single full copy) and encoded in memory (see genart.render.atomic).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image

from genart.generative.mosaic.collection import Collection
from genart.render.atomic import atomic_path, atomic_save_image
from genart.render.scene import MAX_PIXELS, MosaicLayer

MAX_SIDE = 65_000  # JPEG's limit; PNG allows more but no viewer opens it


def cell_bands(collection: Collection, layer: MosaicLayer, tile_px: int) -> Iterator[np.ndarray]:
    """One (tile_px, columns·tile_px, 3) uint8 band per row of cells, tiles blended toward their cell colour."""
    blend = layer.blend
    colors = np.asarray(layer.cell_colors, np.float32) * 255.0 if layer.cell_colors is not None and blend > 0 else None
    band = np.empty((tile_px, layer.columns * tile_px, 3), np.uint8)
    for row in range(layer.rows):
        for col in range(layer.columns):
            cell = row * layer.columns + col
            tile = collection.tile_exact(layer.tiles[cell], tile_px)
            target = band[:, col * tile_px : (col + 1) * tile_px]
            if colors is not None:
                target[:] = np.clip(tile * (1.0 - blend) + colors[cell] * blend + 0.5, 0, 255).astype(np.uint8)
            else:
                target[:] = tile
        yield band


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def write_png(path: str | Path, width: int, height: int, bands: Iterator[np.ndarray], level: int = 1) -> None:
    """Stream RGB bands (top to bottom, `width` wide, `height` rows in all) into a PNG file, atomically."""
    deflate = zlib.compressobj(level)
    previous = np.zeros((1, width * 3), np.uint8)
    written = 0
    with atomic_path(path) as tmp, open(tmp, "wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        for band in bands:
            flat = band.reshape(len(band), width * 3)
            rows = np.concatenate([previous, flat])
            up = np.empty((len(flat), width * 3 + 1), np.uint8)
            up[:, 0] = 2  # PNG "Up" filter: each byte minus the byte above
            np.subtract(rows[1:], rows[:-1], out=up[:, 1:])
            previous = flat[-1:].copy()
            written += len(flat)
            data = deflate.compress(up.tobytes())
            if data:
                out.write(_chunk(b"IDAT", data))
        if written != height:
            raise ValueError(f"PNG got {written} rows, expected {height}")
        out.write(_chunk(b"IDAT", deflate.flush()) + _chunk(b"IEND", b""))


def write_jpeg(path: str | Path, width: int, height: int, bands: Iterator[np.ndarray], quality: int = 90) -> None:
    """Fill one Pillow image band by band and save it as JPEG, atomically."""
    image = Image.new("RGB", (width, height))
    y = 0
    for band in bands:
        image.paste(Image.fromarray(band), (0, y))
        y += len(band)
    atomic_save_image(image, path, format="JPEG", quality=quality, optimize=True)


def check_image_size(columns: int, rows: int, tile_px: int) -> tuple[int, int]:
    """The (width, height) of a PNG/JPEG mosaic of columns × rows cells of `tile_px` pixels; ValueError,
    naming the limits and the options that shrink it, if it is too large to write."""
    width, height = columns * tile_px, rows * tile_px
    if max(width, height) > MAX_SIDE or width * height > MAX_PIXELS:
        raise ValueError(f"a {width}x{height} picture ({columns}x{rows} cells of --tile-px {tile_px}) is too large: "
                         f"at most {MAX_SIDE:,} px a side and {MAX_PIXELS:,} px in all; use fewer cells "
                         "(--grid, --cell) or a smaller --tile-px")
    return width, height


def write_mosaic_image(collection: Collection, layer: MosaicLayer, path: str | Path, tile_px: int, quality: int = 90) -> tuple[int, int]:
    """Write the mosaic at `tile_px` pixels per cell to a .png or .jpg file; returns (width, height)."""
    width, height = check_image_size(layer.columns, layer.rows, tile_px)
    bands = cell_bands(collection, layer, tile_px)
    if str(path).lower().endswith(".png"):
        write_png(path, width, height, bands)
    else:
        write_jpeg(path, width, height, bands, quality)
    return width, height
