"""Pictures and photos with an EXIF orientation, as phones store them: used the way a viewer shows them.

A phone held upright stores its sensor's landscape pixels and an Orientation tag (6: turn 90°
clockwise to view; 8: counter-clockwise; 3: half a turn; 2, 4, 5, 7 mirror too). A picture to fit
and a mosaic's photos are turned as the tag says before anything is fitted or indexed; a bogus
value or a broken EXIF block leaves the picture as stored: no error, no warning, no traceback.
"""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from genart.generative.images import load_picture
from tests.hostile.conftest import CASES, handled

BLOCK = 12  # pixels a side of each colour block
COLOURS = np.array([[230, 30, 30], [30, 200, 30], [30, 30, 230], [230, 230, 30],
                    [30, 220, 220], [220, 30, 220], [250, 250, 250], [20, 20, 20]], np.uint8)
STORED = COLOURS.reshape(2, 4, 3).repeat(BLOCK, 0).repeat(BLOCK, 1)  # (24, 48, 3): 4 blocks wide, 2 high, all different
VIEWS: dict[int, Callable[[np.ndarray], np.ndarray]] = {  # what a viewer shows for each orientation (EXIF 2.3, 4.6.4)
    1: lambda a: a,
    2: lambda a: a[:, ::-1],
    3: lambda a: a[::-1, ::-1],
    4: lambda a: a[::-1],
    5: lambda a: a.transpose(1, 0, 2),
    6: lambda a: np.rot90(a, -1),
    7: lambda a: np.rot90(a, 2).transpose(1, 0, 2),
    8: lambda a: np.rot90(a, 1),
}
ORIENTATION = 0x0112
SHORT, ASCII, RATIONAL = 3, 2, 5  # TIFF field types


def entry(tag: int, kind: int, count: int, value: bytes) -> bytes:
    """One little-endian IFD entry; `value` its 4 bytes (the value itself, or an offset)."""
    return struct.pack("<HHI", tag, kind, count) + value.ljust(4, b"\0")


def exif(*entries: bytes, tail: bytes = b"\0\0\0\0") -> bytes:
    """An APP1 EXIF block: a TIFF header and one IFD of `entries`, then `tail` (the next IFD's offset)."""
    return b"Exif\0\0II*\0" + struct.pack("<I", 8) + struct.pack("<H", len(entries)) + b"".join(entries) + tail


def oriented(value: int) -> bytes:
    return exif(entry(ORIENTATION, SHORT, 1, struct.pack("<H", value)))


def jpeg(pixels: np.ndarray, block: bytes) -> bytes:
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=95, exif=block)
    return out.getvalue()


HOSTILE = {  # EXIF blocks a picture may carry that say nothing usable
    "orientation 0": oriented(0),
    "orientation 9": oriented(9),
    "orientation 65535": oriented(65535),
    "orientation as text": exif(entry(ORIENTATION, ASCII, 2, b"6\0")),
    "orientation as a fraction": exif(entry(ORIENTATION, RATIONAL, 1, struct.pack("<I", 8))),
    "orientation of an unknown type": exif(entry(ORIENTATION, 99, 1, struct.pack("<H", 6))),
    "1000 values past the end": exif(entry(ORIENTATION, SHORT, 1000, struct.pack("<I", 0xFFFFFF))),
    "first IFD past the end": b"Exif\0\0II*\0" + struct.pack("<I", 0xFFFFFF),
    "truncated IFD": b"Exif\0\0II*\0" + struct.pack("<I", 8) + struct.pack("<H", 5),
    "not TIFF": b"Exif\0\0garbage, not a TIFF header",
    "IFD chained to itself": exif(entry(ORIENTATION, SHORT, 1, struct.pack("<H", 1)), tail=struct.pack("<I", 8)),
}


def _close(got: np.ndarray, expected: np.ndarray) -> bool:
    """The same picture, but for JPEG's loss."""
    return got.shape == expected.shape and float(np.abs(got.astype(float) - expected).mean()) < 8.0


@pytest.mark.parametrize("value", sorted(VIEWS))
def test_a_picture_is_loaded_as_its_orientation_says(tmp_path: Path, value: int) -> None:
    path = tmp_path / "phone.jpg"
    path.write_bytes(jpeg(STORED, oriented(value)))
    got = load_picture(path).rgb
    assert _close(got, VIEWS[value](STORED)), f"orientation {value}: {got.shape}"
    CASES["orientation"] += 1


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_bogus_orientation_or_broken_exif_leaves_the_picture_as_stored(tmp_path: Path, name: str) -> None:
    path = tmp_path / "phone.jpg"
    path.write_bytes(jpeg(STORED, HOSTILE[name]))
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        got = load_picture(path).rgb
    assert _close(got, STORED), got.shape
    assert not warned, [str(w.message) for w in warned]
    CASES["orientation"] += 1


def test_a_png_with_a_broken_exif_chunk_still_loads(tmp_path: Path) -> None:
    """Pillow raises SyntaxError reading this eXIf chunk: the picture loads as stored all the same."""
    out = io.BytesIO()
    Image.fromarray(STORED).save(out, "PNG", exif=b"garbage, not a TIFF header")
    (tmp_path / "p.png").write_bytes(out.getvalue())
    assert np.array_equal(load_picture(tmp_path / "p.png").rgb, STORED)
    CASES["orientation"] += 1


def test_a_fit_of_an_upright_phone_photo_is_upright(tmp_path: Path) -> None:
    """Stored sideways (red left, blue right) and tagged 6: the fit is portrait, red above blue."""
    halves = np.zeros((24, 48, 3), np.uint8)
    halves[:, :24] = (230, 20, 20)
    halves[:, 24:] = (20, 20, 230)
    (tmp_path / "phone.jpg").write_bytes(jpeg(halves, oriented(6)))
    args = ["evolve", "phone.jpg", "-o", "o.png", "-n", "40", "--resize", "32", "--seed", "1", "-q"]
    assert handled("orientation", args, tmp_path, outputs={"o.png"}) == 0
    fitted = np.asarray(Image.open(tmp_path / "o.png").convert("RGB")).astype(int)
    assert fitted.shape == (48, 24, 3)
    top, bottom = fitted[:20].mean(axis=(0, 1)), fitted[28:].mean(axis=(0, 1))
    assert top[0] > top[2] + 60 and bottom[2] > bottom[0] + 60, (top, bottom)


def test_mosaic_photos_are_indexed_upright_and_broken_exif_is_no_error(tmp_path: Path) -> None:
    """A square photo tagged 8 (stored red left, blue right) becomes a tile blue above red; photos with
    every hostile EXIF block are indexed as stored, none unreadable, nothing printed."""
    photos = tmp_path / "photos"
    photos.mkdir()
    square = np.zeros((32, 32, 3), np.uint8)
    square[:, :16] = (230, 20, 20)
    square[:, 16:] = (20, 20, 230)
    (photos / "a.jpg").write_bytes(jpeg(square, oriented(8)))
    for i, block in enumerate(HOSTILE.values()):
        (photos / f"h{i:02d}.jpg").write_bytes(jpeg(STORED, block))
    done = subprocess.run([sys.executable, "-m", "genart", "mosaic", "index", str(photos), "-o", "c.npz",
                           "--sizes", "16", "--jobs", "2", "-q"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
    with np.load(tmp_path / "c.npz") as arrays:
        meta = json.loads(bytes(arrays["meta"]).decode())
        records = {record["path"]: record for record in meta["files"]}
        tile = arrays["thumbs_16"][records["a.jpg"]["tile"]].astype(int)
    assert not [path for path, record in records.items() if "error" in record], records
    top, bottom = tile[:6].mean(axis=(0, 1)), tile[10:].mean(axis=(0, 1))
    assert top[2] > top[0] + 60 and bottom[0] > bottom[2] + 60, (top, bottom)
    CASES["orientation"] += 1
