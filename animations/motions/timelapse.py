"""Time-lapse: the optimization replayed from a scene's snapshots (any optimizer).

The states are the snapshots' drawings (`Scene.snapshot_layers`) followed by the final
scene unless the last snapshot already shows it. The decaying drop schedule
(`animations.dedupe.drop_schedule`) thins them toward the end; the kept states share the
clip's duration equally, each shown as it is (no blending). A greedy run's prefix
snapshots become growing prefixes of one vectorized `Shapes`, so each frame draws only
the shapes added since the frame before (`animations.frame.SettledCache`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from animations.dedupe import drop_schedule
from animations.frame import Frame, SceneLayers, Shapes
from animations.timeline import Clip
from renderers.cairo import TileSource
from renderers.scene import Canvas, Layer, Scene, ShapesLayer


class NoSnapshotsError(ValueError):
    """The scene has no snapshots to replay."""


@dataclass(eq=False, kw_only=True)
class TimeLapse(Clip):
    """The time-lapse clip; build it with `timelapse(scene, ...)`."""

    canvas: Canvas
    states: list[tuple[Layer, ...]]
    steps: list[int]
    tiles: TileSource | None = None
    poster: Shapes | None = None  # set when every state is a prefix of these shapes
    prefixes: list[int] | None = None

    def index_at(self, u: float) -> int:
        """Which state shows at linear progress u."""
        return min(int(float(self.ease(u)) * len(self.states)), len(self.states) - 1)

    def at(self, u: float) -> Frame:
        index = self.index_at(u)
        if self.poster is not None and self.prefixes is not None:
            n = self.prefixes[index]
            colors = self.poster.colors.copy()
            colors[n:, 3] = 0.0  # not drawn yet
            p = self.poster
            return Frame(canvas=self.canvas, items=(Shapes(p.kinds, p.points, p.counts, p.params, colors, n, p),))
        return Frame(canvas=self.canvas, items=(SceneLayers(self.canvas, self.states[index], self.tiles),))


def timelapse(
    scene: Scene,
    *,
    duration: float | None = None,
    fps: float = 30.0,
    start: float = 0.0,
    hold: float = 1.0,
    easing: str = "linear",
    drop_rate: float = 0.0,
    tiles: TileSource | None = None,
) -> TimeLapse:
    """Replay `scene`'s snapshots; `duration` defaults to one frame per kept state at `fps`
    (at least 2 s, at most 20 s). `drop_rate` thins the states toward the end (0: keep all).
    """
    if not scene.snapshots:
        raise NoSnapshotsError("this scene has no snapshots to replay (timelapse needs an optimizer run that saves snapshots)")
    states = [tuple(scene.snapshot_layers(snap)) for snap in scene.snapshots]
    steps = [snap.step for snap in scene.snapshots]
    if list(states[-1]) != list(scene.layers):
        states.append(tuple(scene.layers))
        steps.append(steps[-1])
    kept = drop_schedule(len(states), drop_rate)
    states = [states[i] for i in kept]
    steps = [steps[i] for i in kept]
    if duration is None:
        duration = float(np.clip(len(states) / fps, 2.0, 20.0))
    poster, prefixes = None, None
    if len(scene.layers) == 1 and isinstance(scene.layers[0], ShapesLayer) and all(s.prefix is not None for s in scene.snapshots):
        poster = Shapes.of(scene.layers[0].shapes)
        prefixes = [sum(len(layer.shapes) for layer in state if isinstance(layer, ShapesLayer)) for state in states]
    return TimeLapse(duration=duration, start=start, hold=hold, easing=easing, canvas=scene.canvas,
                     states=states, steps=steps, tiles=tiles, poster=poster, prefixes=prefixes)
