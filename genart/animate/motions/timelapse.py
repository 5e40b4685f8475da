"""Time-lapse: the optimization replayed from a scene's snapshots (any optimizer).

The states are the snapshots' drawings (`Scene.snapshot_layers`) followed by the final
scene unless the last snapshot already shows it. The decaying drop schedule
(`genart.animate.dedupe.drop_schedule`) thins them toward the end; the kept states share the
clip's duration equally, each shown as it is (no blending). A greedy run's prefix
snapshots become growing prefixes of one vectorized `Shapes`, so each frame draws only
the shapes added since the frame before (`genart.animate.frame.SettledCache`). States are cut
from the scene only when a frame shows them, so a scene of many snapshots costs memory linear
in its size, not quadratic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import overload

import numpy as np

from genart.animate.dedupe import drop_schedule
from genart.animate.frame import Frame, SceneLayers, Shapes
from genart.animate.timeline import Clip
from genart.errors import GenartError
from genart.render.cairo import TileSource
from genart.render.scene import Canvas, Layer, Scene, ShapesLayer


class NoSnapshotsError(GenartError, ValueError):
    """The scene has no snapshots to replay."""


@dataclass(frozen=True, eq=False)
class States(Sequence[tuple[Layer, ...]]):
    """The layers of chosen snapshots of a scene (index len(snapshots): the final scene), cut when asked."""

    scene: Scene
    picks: Sequence[int]

    def __len__(self) -> int:
        return len(self.picks)

    @overload
    def __getitem__(self, index: int) -> tuple[Layer, ...]: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[Layer, ...]]: ...

    def __getitem__(self, index: int | slice) -> tuple[Layer, ...] | Sequence[tuple[Layer, ...]]:
        if isinstance(index, slice):
            return States(self.scene, self.picks[index])
        pick = self.picks[index]
        snapshots = self.scene.snapshots
        return tuple(self.scene.snapshot_layers(snapshots[pick]) if pick < len(snapshots) else self.scene.layers)


@dataclass(eq=False, kw_only=True)
class TimeLapse(Clip):
    """The time-lapse clip; build it with `timelapse(scene, ...)`."""

    canvas: Canvas
    states: Sequence[tuple[Layer, ...]]
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
    count = len(scene.snapshots)
    picks = list(range(count))
    steps = [snap.step for snap in scene.snapshots]
    if list(States(scene, [count - 1])[0]) != list(scene.layers):
        picks.append(count)
        steps.append(steps[-1])
    kept = drop_schedule(len(picks), drop_rate)
    states = States(scene, [picks[i] for i in kept])
    steps = [steps[i] for i in kept]
    if duration is None:
        duration = float(np.clip(len(states) / fps, 2.0, 20.0))
    poster, prefixes = None, None
    if len(scene.layers) == 1 and isinstance(scene.layers[0], ShapesLayer) and all(s.prefix is not None for s in scene.snapshots):
        shapes = scene.layers[0].shapes
        poster = Shapes.of(shapes)
        prefixes = [scene.snapshots[pick].prefix or 0 if pick < count else len(shapes) for pick in states.picks]
    return TimeLapse(duration=duration, start=start, hold=hold, easing=easing, canvas=scene.canvas,
                     states=states, steps=steps, tiles=tiles, poster=poster, prefixes=prefixes)
