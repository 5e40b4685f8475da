"""Soft renderer gradients, circle fitting and joint refinement (genart.generative.gradient)."""

from __future__ import annotations

import io

import cairosvg
import numpy as np
import pytest
from PIL import Image
from skimage import data, transform

from genart.generative.gradient import FitResult, fit_circles, refine
from genart.generative.gradient import soft_render as sr
from genart.generative.gradient.lab import image_to_lab
from genart.generative.gradient.params import from_shapes
from genart.generative.gradient.refine import Regrow
from genart.generative.hillclimb import ClimbSettings
from genart.generative.images import rmse_255
from genart.render import cairo, raster, svg
from genart.render.scene import Canvas, Circle, Ellipse, Polygon, Scene, ShapesLayer


@pytest.fixture(scope="module")
def small() -> np.ndarray:
    """The astronaut at 40×40, float in [0, 1]."""
    return transform.resize(data.astronaut(), (40, 40), anti_aliasing=True).astype(np.float32)


def _scene(result: FitResult, h: int, w: int) -> Scene:
    return Scene(canvas=Canvas(width=w, height=h, background=(*result.background, 1.0)),
                 layers=[ShapesLayer(shapes=result.shapes)])


def _mixed(h: int, w: int) -> tuple[np.ndarray, ...]:
    kind = np.array([sr.CIRCLE, sr.ELLIPSE, sr.POLYGON, sr.POLYGON, sr.MASK, sr.CIRCLE])
    nv = np.array([0, 0, 3, 4, 0, 0])
    geom = np.zeros((6, 8))
    geom[0, :3] = [8, 9, 6]
    geom[1, :5] = [12, 10, 7, 4, 0.6]
    geom[2, :6] = [2, 3, 17, 6, 9, 21]
    geom[3, :8] = [4, 4, 15, 5, 16, 16, 3, 14]
    geom[5, :3] = [10, 12, 3.3]
    masks = np.zeros((1, h, w))
    masks[0, 5:15, 3:9] = 1.0
    return kind, nv, geom, masks


@pytest.mark.parametrize("lab", [False, True])
@pytest.mark.parametrize("sharp", [0.7, 3.0])
def test_gradient_matches_finite_differences(lab: bool, sharp: float) -> None:
    rng = np.random.default_rng(1)
    h, w = 22, 20
    rgb = rng.random((h, w, 3))
    goal = image_to_lab(rgb) if lab else rgb
    weight = rng.random((h, w))
    kind, nv, geom, masks = _mixed(h, w)
    col, bg = rng.normal(size=(6, 4)), rng.normal(size=3)
    ys, xs = np.divmod(np.arange(h * w), w)
    grads = [np.zeros_like(geom), np.zeros_like(col), np.zeros(3)]

    def loss(g: np.ndarray, c: np.ndarray, b: np.ndarray, out: list[np.ndarray]) -> float:
        return sr.loss_and_grad(ys, xs, goal, weight, lab, kind, nv, g, c, b, sharp, masks, *out)

    loss(geom, col, bg, grads)
    scratch = [np.zeros_like(geom), np.zeros_like(col), np.zeros(3)]
    eps = 1e-6
    for arr, grad in zip((geom, col, bg), grads):
        for idx in np.ndindex(arr.shape):
            old = arr[idx]
            arr[idx] = old + eps
            up = loss(geom, col, bg, scratch)
            arr[idx] = old - eps
            down = loss(geom, col, bg, scratch)
            arr[idx] = old
            fd = (up - down) / (2 * eps)
            assert abs(fd - grad[idx]) <= 1e-4 * (abs(fd) + abs(grad[idx])) + 1e-8, (idx, fd, grad[idx])
    assert np.abs(grads[0][0, :3]).sum() > 0 and np.abs(grads[0][4]).sum() == 0  # masks do not move


def test_lab_matches_skimage() -> None:
    from skimage.color import rgb2lab

    rgb = np.random.default_rng(0).random((6, 7, 3))
    assert np.abs(image_to_lab(rgb) - rgb2lab(rgb)).max() < 0.01


def test_fit_circles_descends_repeats_and_renders_as_fitted(small: np.ndarray) -> None:
    h, w = small.shape[:2]
    first = fit_circles(small, 12, steps=240, seed=3, snapshot_every=80)
    again = fit_circles(small, 12, steps=240, seed=3, snapshot_every=80)
    assert first.shapes == again.shapes and first.background == again.background
    assert len(first.shapes) == 12 and all(isinstance(s, Circle) for s in first.shapes)
    rmses = [r for _, r in first.loss_curve]
    third = len(rmses) // 3
    assert np.mean(rmses[-third:]) < np.mean(rmses[:third])  # decreases on average
    times = [t for t, _ in first.loss_curve]
    assert times == sorted(times)
    poster = cairo.render_array(_scene(first, h, w))
    assert rmse_255(poster, small) <= min(rmses) + 1e-9  # the best state is returned
    assert rmse_255(poster, small) < rmse_255(np.broadcast_to(small.mean((0, 1)), small.shape), small)
    # the soft render at the final sharpness is the poster: it matches the antialiased render closely
    p = from_shapes(first.shapes, first.background, h, w)
    soft = sr.render_soft(h, w, p.kind, p.nv, p.geom, p.col_raw, p.bg_raw, sr.POSTER_SHARPNESS, p.masks)
    blurry = sr.render_soft(h, w, p.kind, p.nv, p.geom, p.col_raw, p.bg_raw, 0.5, p.masks)
    hard = sr.render_soft(h, w, p.kind, p.nv, p.geom, p.col_raw, p.bg_raw, 1000.0, p.masks)
    assert rmse_255(soft, poster) < 4.0
    assert rmse_255(soft, poster) < 0.5 * min(rmse_255(blurry, poster), rmse_255(hard, poster))
    # and so does the SVG poster, drawn by cairosvg
    png = cairosvg.svg2png(bytestring=svg.to_svg(_scene(first, h, w)).encode())
    drawn = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    assert drawn.shape == (h, w, 3) and rmse_255(drawn, soft) < 4.0
    assert [s.step for s in first.snapshots] == [0, 80, 160, 240]
    assert all(isinstance(s.layers[0], ShapesLayer) and len(s.layers[0].shapes) == 12 for s in first.snapshots)
    Scene(canvas=Canvas(width=w, height=h), layers=[ShapesLayer(shapes=first.shapes)], snapshots=first.snapshots)


def test_fit_circles_options(small: np.ndarray) -> None:
    weights = np.ones(small.shape[:2])
    weights[:20] = 8.0  # the top half matters more
    plain = fit_circles(small, 6, steps=120)
    heavy = fit_circles(small, 6, steps=120, weights=weights)
    def top(result: FitResult) -> float:
        return rmse_255(raster.render(_scene(result, 40, 40))[:20], small[:20])
    assert top(heavy) < top(plain)
    lab = fit_circles(small, 6, steps=120, loss="lab")
    assert len(lab.shapes) == 6 and lab.loss_curve[-1][1] < lab.loss_curve[0][1] + 1e-9
    timed = fit_circles(small, 4, seconds=0.3)
    assert len(timed.shapes) == 4 and timed.loss_curve[-1][0] < 5.0


@pytest.mark.parametrize("kind", ["circle", "ellipse", "triangle"])
def test_refine_improves_a_jittered_scene(kind: str) -> None:
    h = w = 36
    rng = np.random.default_rng(5)
    if kind == "circle":
        truth = [Circle(cx=10, cy=12, r=7, color=(0.9, 0.2, 0.1, 1)), Circle(cx=22, cy=20, r=9, color=(0.1, 0.3, 0.9, 0.8))]
    elif kind == "ellipse":
        truth = [Ellipse(cx=14, cy=16, rx=10, ry=5, angle=30, color=(0.9, 0.8, 0.1, 1)),
                 Ellipse(cx=22, cy=22, rx=4, ry=9, angle=-20, color=(0.2, 0.7, 0.3, 0.9))]
    else:
        truth = [Polygon(points=[(4, 4), (30, 8), (12, 30)], color=(0.8, 0.1, 0.6, 1)),
                 Polygon(points=[(20, 14), (34, 30), (16, 34)], color=(0.1, 0.8, 0.8, 0.7))]
    target = raster.render(Scene(canvas=Canvas(width=w, height=h, background=(0.5, 0.5, 0.5, 1)),
                                 layers=[ShapesLayer(shapes=truth)]))
    start = []
    for s in truth:  # move every shape a few pixels and dull its colour
        dx, dy = rng.uniform(-3, 3, 2)
        color = tuple(np.clip(np.asarray(s.color) * 0.8 + 0.1, 0, 1))
        if isinstance(s, Polygon):
            start.append(Polygon(points=[(x + dx, y + dy) for x, y in s.points], color=color))
        else:
            start.append(s.model_copy(update={"cx": s.cx + dx, "cy": s.cy + dy, "color": color}))
    before = raster.render(Scene(canvas=Canvas(width=w, height=h, background=(0.4, 0.4, 0.4, 1)),
                                 layers=[ShapesLayer(shapes=start)]))
    result = refine(target, start, (0.4, 0.4, 0.4), steps=300)
    after = raster.render(_scene(result, h, w))
    assert [type(s) for s in result.shapes] == [type(s) for s in truth]
    assert rmse_255(after, target) < 0.5 * rmse_255(before, target)


def test_refine_never_returns_worse(small: np.ndarray) -> None:
    h, w = small.shape[:2]
    shapes = [Circle(cx=20, cy=20, r=12, color=(0.8, 0.5, 0.4, 1.0)),
              Polygon(points=[(0, 0), (30, 0), (5, 5), (0, 30)], color=(0.2, 0.2, 0.3, 1.0)),  # not convex
              Ellipse(cx=30, cy=30, rx=6, ry=3, angle=10, color=(0.9, 0.9, 0.9, 0.5))]
    target = cairo.render_array(Scene(canvas=Canvas(width=w, height=h, background=(0, 0, 0, 1)),
                                      layers=[ShapesLayer(shapes=shapes)]))
    result = refine(target / 255.0, shapes, (0.0, 0.0, 0.0), steps=40)
    assert rmse_255(cairo.render_array(_scene(result, h, w)), target) <= 1e-9  # already exact: kept as is
    assert result.shapes[1].points == shapes[1].points
    real = refine(small, shapes, (0.0, 0.0, 0.0), steps=150)
    assert real.shapes[1].points == shapes[1].points  # a non-convex polygon keeps its points
    assert rmse_255(raster.render(_scene(real, h, w)), small) < rmse_255(target, small)


def test_refine_is_the_same_on_one_core_or_two(small: np.ndarray) -> None:
    shapes = [Circle(cx=20, cy=20, r=12, color=(0.8, 0.5, 0.4, 1.0)),
              Polygon(points=[(2, 2), (30, 4), (6, 28)], color=(0.2, 0.2, 0.3, 0.8))]
    one, two = (refine(small, shapes, (0.5, 0.5, 0.5), steps=60, workers=n) for n in (1, 2))
    assert one.shapes == two.shapes and one.background == two.background
    assert [e for _, e in one.loss_curve] == [e for _, e in two.loss_curve]


def test_refine_regrow_replaces_the_shapes_worth_least(small: np.ndarray) -> None:
    h, w = small.shape[:2]
    hidden = Polygon(points=[(30, 30), (32, 30), (31, 32)], color=(0.5, 0.5, 0.5, 1.0))  # covered: worth nothing
    shapes = [hidden, Circle(cx=20, cy=20, r=12, color=(0.8, 0.5, 0.4, 1.0)),
              Polygon(points=[(0, 20), (40, 20), (40, 40), (0, 40)], color=(0.3, 0.3, 0.3, 1.0))]
    regrow = Regrow(ClimbSettings(shape="triangle", workers=1), rounds=2, share=0.3)
    result = refine(small, shapes, (0.5, 0.5, 0.5), steps=80, regrow=regrow)
    assert len(result.shapes) == 3 and result.steps == 80
    assert hidden not in result.shapes[:2]
    assert isinstance(result.shapes[2], Polygon) and len(result.shapes[2].points) == 3  # the new one, on top
    plain = refine(small, shapes, (0.5, 0.5, 0.5), steps=80)
    assert rmse_255(cairo.render_array(_scene(result, h, w)), small) < rmse_255(cairo.render_array(_scene(plain, h, w)), small)
    with pytest.raises(ValueError, match="share"):
        Regrow(ClimbSettings(), share=1.5)


def test_bad_input_is_refused(small: np.ndarray) -> None:
    with pytest.raises(ValueError, match="H×W×3"):
        fit_circles(small[..., 0], 3, steps=5)
    with pytest.raises(ValueError, match="in \\[0, 1\\]"):
        fit_circles(small * 300, 3, steps=5)
    with pytest.raises(ValueError, match="loss"):
        fit_circles(small, 3, steps=5, loss="xyz")
    with pytest.raises(ValueError, match="weight map"):
        fit_circles(small, 3, steps=5, weights=np.ones((3, 3)))
    with pytest.raises(ValueError, match="at least 1"):
        fit_circles(small, 0, steps=5)
    with pytest.raises(ValueError, match="steps"):
        refine(small, [], (0, 0, 0), steps=0)
