"""Shapes that live through a chunk of frames: fitted at its keyframe, then refitted frame after frame.

A keyframe is fitted as a picture by its method (the hill-climb, then refined; or the gradient's soft
circles), over the clip's one background colour. Each next frame starts from the previous frame's
shapes: they `settle` towards it (held by the temporal term), then the shapes that no longer help
die (removing them costs less than `death` × the median shape's worth; at most `turnover` of them)
and as many are born on top where the error is largest (each the hill-climb's best shape over the
render of the others). Every shape keeps its id; a newborn takes the next one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from genart.generative import shapes
from genart.generative.gradient.descent import poster_render
from genart.generative.gradient.fit import fit_circles
from genart.generative.gradient.params import Params, from_shapes, to_shapes
from genart.generative.gradient.soft_render import POSTER_SHARPNESS, removal_costs
from genart.generative.hillclimb import ClimbSettings, Evolution
from genart.generative.images import Picture
from genart.generative.methods import hillclimb
from genart.generative.methods.gradient import GradientSettings
from genart.generative.methods.hillclimb import HillclimbSettings
from genart.generative.tiling import tile_bounds
from genart.generative.video.motion import carry, flow, warp_residual
from genart.generative.video.settings import VideoSettings
from genart.generative.video.settle import NO_WEIGHTS, settle, stiffness
from genart.render import scene as S
from genart.render.drawables import Shape

KEYFRAME_SHARP = (2.0, POSTER_SHARPNESS)  # a keyframe's refinement: edges from soft to the poster's
FRAME_SHARP = (POSTER_SHARPNESS, POSTER_SHARPNESS)  # a next frame's: the poster's edges throughout
BIRTH_CANDIDATES, BIRTH_MAX_AGE, BIRTH_REPEATS = 200, 40, 2  # a newborn's search


@dataclass
class ShapeTrack:
    """The live shapes (working pixels, back to front), their ids, and the next id to give."""

    shapes: list[Shape]
    ids: list[int]
    next_id: int
    background: tuple[float, float, float]

    def layer(self, to_picture: float) -> S.ShapesLayer:
        """The shapes as a scene layer in picture units."""
        return S.ShapesLayer(name="shapes", shapes=[S.scaled(s, to_picture) for s in self.shapes])


def _keyframe_shapes(picture: Picture, target: np.ndarray, settings: VideoSettings, seed: int,
                     background: tuple[float, float, float]) -> list[Shape]:
    """The keyframe's shapes in working pixels, fitted by its method (before refinement)."""
    keyframe = settings.keyframe
    if isinstance(keyframe, GradientSettings):
        fit = fit_circles(target, keyframe.shapes, steps=keyframe.steps or 2000, seed=seed, loss=keyframe.loss)
        return fit.shapes
    assert isinstance(keyframe, HillclimbSettings)
    climb = keyframe.model_copy(update={"seed": seed, "background": background, "workers": 1, "seconds": None})
    scene = hillclimb.fit(picture, climb)
    factor = target.shape[1] / picture.width
    return [S.scaled(s, factor) for s in scene.layers[0].shapes]  # type: ignore[union-attr]


def start_track(picture: Picture, target: np.ndarray, settings: VideoSettings, seed: int, first_id: int,
                background: tuple[float, float, float]) -> ShapeTrack:
    """The shapes of a keyframe (`target`: the `picture` at working size), fitted and refined, over `background`."""
    found = _keyframe_shapes(picture, target, settings, seed, background)
    h, w = target.shape[:2]
    params = from_shapes(found, background, h, w)
    if settings.keyframe_steps:
        settle(params, target, settings.keyframe_steps, KEYFRAME_SHARP, np.random.default_rng(seed),
               batch=_batch(target, settings))
    return ShapeTrack(to_shapes(params), list(range(first_id, first_id + len(found))), first_id + len(found),
                      background)


def next_frame(track: ShapeTrack, previous: np.ndarray, target: np.ndarray, settings: VideoSettings,
               seed: int, frame: int) -> ShapeTrack:
    """The track refitted from the `previous` frame to the next (`target`): carried by the picture's motion,
    then settled, then its weakest shapes replaced."""
    h, w = target.shape[:2]
    params = from_shapes(track.shapes, track.background, h, w)
    motion = flow(previous, target)
    carry(params, motion)
    params.clamp(h, w)
    rng = np.random.default_rng([seed, frame])
    settle(params, target, settings.steps, FRAME_SHARP, rng, batch=_batch(target, settings), temporal=settings.temporal,
           stiff=stiffness(params, warp_residual(previous, target, motion)))
    keep = _survivors(params, target, settings)
    survivors = [s for s, alive in zip(to_shapes(params), keep) if alive]
    ids = [i for i, alive in zip(track.ids, keep) if alive]
    born = _births(survivors, target, track.background, len(track.shapes) - len(survivors), settings, seed, frame,
                   track.next_id)
    return ShapeTrack(survivors + born, ids + list(range(track.next_id, track.next_id + len(born))),
                      track.next_id + len(born), track.background)


def _batch(target: np.ndarray, settings: VideoSettings) -> float:
    """The share of a frame's pixels each gradient step samples."""
    return min(1.0, settings.batch_pixels / (target.shape[0] * target.shape[1]))


def _survivors(params: Params, target: np.ndarray, settings: VideoSettings) -> np.ndarray:
    """Which shapes live on: all but the weakest (at most `turnover` of them) worth less than `death` × the median."""
    n = len(params.kind)
    most = int(settings.turnover * n)
    keep = np.ones(n, bool)
    if most == 0 or settings.death == 0.0:
        return keep
    worth = removal_costs(target, NO_WEIGHTS, params.kind, params.nv, params.geom, params.col_raw, params.bg_raw,
                          POSTER_SHARPNESS, params.masks)
    weak = np.flatnonzero(worth < settings.death * max(float(np.median(worth)), 0.0))
    keep[weak[np.argsort(worth[weak], kind="stable")][:most]] = False
    return keep


def _climb(settings: VideoSettings) -> ClimbSettings:
    keyframe = settings.keyframe
    if isinstance(keyframe, HillclimbSettings):
        shape, sides, alpha = keyframe.shape, keyframe.sides, keyframe.alpha
    else:
        shape, sides, alpha = "circle", 4, 0.0
    return ClimbSettings(shape=shape, sides=sides, alpha=alpha, candidates=BIRTH_CANDIDATES, max_age=BIRTH_MAX_AGE,
                         repeats=BIRTH_REPEATS)


def _births(alive: list[Shape], target: np.ndarray, background: tuple[float, float, float], count: int,
            settings: VideoSettings, seed: int, frame: int, first_id: int) -> list[Shape]:
    """Up to `count` new shapes, each the best the hill-climb finds over the render of those before it."""
    if count == 0:
        return []
    h, w = target.shape[:2]
    canvas = poster_render(alive, background, h, w)
    bounds = tile_bounds((0, 0, w, h), (0, 0, w, h), max(w, h) / 256.0, w, h)
    evolution = Evolution(target, canvas, _climb(settings), bounds, seed, frame, first_id)
    born: list[Shape] = []
    for _ in range(count):
        p, delta = evolution.search()
        if not delta < 0.0:
            break
        evolution.add(p)
        born.append(shapes.to_drawable(p, evolution.colors[-1]))
    return born
