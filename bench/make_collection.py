"""Make an offline photo collection for the mosaic benchmark and README.

Random crops (varied size and aspect), flips and scales of the pictures `skimage.data`
ships without a download, written as small JPEGs. The astronaut is left out: it is the
target picture, and a collection cut from the target itself would flatter the figures.

    python bench/make_collection.py /tmp/photos --count 10000 --seed 0
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import skimage.data as data
from PIL import Image
from tqdm import tqdm

SOURCES = ("coffee", "chelsea", "rocket", "hubble_deep_field", "immunohistochemistry", "colorwheel", "retina",
           "logo", "camera", "coins", "moon", "brick", "grass", "gravel", "clock", "page", "text", "cell")


def source_pictures() -> list[np.ndarray]:
    """The skimage.data pictures used, as RGB uint8 (grey ones repeated over the channels, alpha on white)."""
    out = []
    for name in SOURCES:
        img = getattr(data, name)()
        if img.ndim == 2:
            img = np.repeat(img[..., None], 3, axis=2)
        if img.shape[2] == 4:
            alpha = img[..., 3:4].astype(np.float32) / 255.0
            img = (img[..., :3] * alpha + 255.0 * (1.0 - alpha)).astype(np.uint8)
        out.append(np.ascontiguousarray(img))
    return out


def make_photo(rng: np.random.Generator, picture: np.ndarray) -> Image.Image:
    """One random crop of `picture`: 4–60 % of its short side, aspect 3:4 to 4:3, maybe flipped, 64–160 px long side."""
    h, w = picture.shape[:2]
    side = int(min(h, w) * rng.uniform(0.04, 0.6))
    aspect = rng.uniform(0.75, 1.333)
    ch, cw = max(4, min(h, int(side / np.sqrt(aspect)))), max(4, min(w, int(side * np.sqrt(aspect))))
    y, x = rng.integers(0, h - ch + 1), rng.integers(0, w - cw + 1)
    crop = picture[y : y + ch, x : x + cw]
    if rng.random() < 0.5:
        crop = crop[:, ::-1]
    if rng.random() < 0.3:
        crop = crop[::-1]
    longest = int(rng.integers(64, 161))
    scale = longest / max(ch, cw)
    size = (max(1, round(cw * scale)), max(1, round(ch * scale)))
    return Image.fromarray(np.ascontiguousarray(crop)).resize(size, Image.Resampling.BICUBIC)


def make_collection(folder: Path, count: int, seed: int = 0, progress: bool = True) -> None:
    """Write `count` photos into `folder` (in sub-folders of 1,000)."""
    rng = np.random.default_rng(seed)
    pictures = source_pictures()
    for i in tqdm(range(count), unit="photo", desc="making photos", disable=not progress):
        sub = folder / f"{i // 1000:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        make_photo(rng, pictures[rng.integers(len(pictures))]).save(sub / f"photo{i:05d}.jpg", quality=90)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args()
    make_collection(args.folder, args.count, args.seed, not args.no_progress)


if __name__ == "__main__":
    main()
