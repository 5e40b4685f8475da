"""Shared fixtures: small scenes that exercise every drawable kind; the user's cache kept out of the tests."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pytest

from genart.render import scene as S

ASSETS = Path(__file__).resolve().parent.parent / "assets"
# `genart run` caches in the user's cache directory: the tests (and the genart processes they start, which
# inherit it) get one of their own, so they neither read a user's cache nor leave entries in it
_CACHE_HOME = tempfile.TemporaryDirectory(prefix="genart-test-cache-")
os.environ["XDG_CACHE_HOME"] = _CACHE_HOME.name


@pytest.fixture
def example_scene() -> S.Scene:
    """The hand-written example scene shipped in assets/."""
    return S.load(ASSETS / "example.scene.json")


def random_scene(n: int = 60, seed: int = 0, size: float = 128.0) -> S.Scene:
    """Opaque-background scene with random triangles, ellipses and circles of moderate size."""
    rng = np.random.default_rng(seed)
    shapes: list = []
    for i in range(n):
        c = rng.uniform(0, size, 2)
        color = (*rng.uniform(0, 1, 3), float(rng.uniform(0.3, 0.9)))
        if i % 3 == 0:
            pts = c + rng.normal(0, size / 8, (3, 2))
            shapes.append(S.Polygon(points=[tuple(p) for p in pts], color=color))
        elif i % 3 == 1:
            shapes.append(S.Ellipse(cx=c[0], cy=c[1], rx=rng.uniform(3, 20), ry=rng.uniform(3, 20),
                                    angle=rng.uniform(-90, 90), color=color))
        else:
            shapes.append(S.Circle(cx=c[0], cy=c[1], r=rng.uniform(3, 20), color=color))
    return S.Scene(canvas=S.Canvas(width=size, height=size, background=(0.9, 0.85, 0.8, 1.0)),
                   layers=[S.ShapesLayer(shapes=shapes)])


@pytest.fixture
def shapes_scene() -> S.Scene:
    return random_scene()
