"""A checked piece as an ordered list of stages, each keyed by what its result depends on.

Stages: `index` (a photo folder into a collection), `scene` (a method's fit), `poster`,
`export` (a motion for other tools), `shot` and `fade` (movie segments), `movie` (the
segments joined, the soundtrack laid under). A stage is done when its cache file exists (outputs: when the file recorded for
its key is still there, untouched); running a plan runs only the stages not done.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from genart.runtime.progress import SILENT, Reporter
from genart.script import stages
from genart.script.cache import Cache, stage_key
from genart.script.check import Piece, exported, movie_shots
from genart.script.errors import ScriptError, did_you_mean
from genart.script.model import INPUT_NAMED, NOT_IN_KEY, Transition
from genart.script.movie import join


@dataclass(frozen=True)
class Stage:
    """One unit of cached work."""

    label: str  # "scene tris (hillclimb)"
    key: str
    target: Path
    is_output: bool  # a file the user named (recorded in outputs.json), else a cache file
    groups: frozenset[str]  # names that select it with --only
    work: Callable[[], None]

    def done(self, cache: Cache) -> bool:
        return cache.output_current(self.target, self.key) if self.is_output else cache.holds(self.target)


def plan(piece: Piece, cache: Cache, progress: bool, reporter: Reporter = SILENT,
         scheduler: str | None = None, blender: str | None = None) -> list[Stage]:
    """Every stage of the piece, in an order where each comes after those it builds on; `reporter`
    follows each scene's fit; fits and indexes run on the Dask `scheduler` if one is given, and .blend
    exports are built by the Blender `blender` (else `blender` on PATH, else $GENART_BLENDER): both only
    ever the choice of the person running genart (`genart run --scheduler`/`--blender`)."""
    script = piece.script
    out: list[Stage] = []
    uses: dict[str, set[str]] = {name: {name} for name in script.scenes}  # scene → --only names that need it
    for poster in script.posters:
        uses[poster.scene].add("posters")
    movie = script.movie
    for shot in movie_shots(script):
        uses[shot.scene].add("movie")
    for entry in script.exports:
        uses[exported(script, entry)[0].scene].add("exports")
    for plotted in script.plots:
        uses[plotted.scene].add("plots")
    indexes: dict[str, Stage] = {}
    for name, folder in piece.photos.items():
        from genart.generative.mosaic.index import DEFAULT_SIZES  # the indexer loads only for photo folders

        key = stage_key("index", cache.folder_hash(folder), list(DEFAULT_SIZES))
        groups = frozenset().union(*(uses[s] for s, e in script.scenes.items() if getattr(e, "photos", None) == name))
        indexes[name] = Stage(f"index {name}", key, cache.path(f"index-{key}.npz"), False, groups,
                              partial(stages.index_photos, folder, cache.path(f"index-{key}.npz"), progress, scheduler))
    scenes: dict[str, Stage] = {}
    for name, entry in script.scenes.items():
        photos = getattr(entry, "photos", None)
        index = indexes[photos] if photos is not None else None
        method = entry.method
        files = stages.named_files(entry, piece.pictures)
        key = stage_key("scene", stages.as_plain(entry, ("from_", "photos", *INPUT_NAMED, *NOT_IN_KEY)),
                        cache.file_hash(piece.pictures[entry.from_]), index.key if index else None,
                        {name: cache.file_hash(path) for name, path in files.items()})
        target = cache.path(f"scene-{key}.scene.json.gz")
        scenes[name] = Stage(f"scene {name} ({method})", key, target, False, frozenset(uses[name]),
                             partial(stages.fit_scene, entry, piece.pictures[entry.from_],
                                     index.target if index else None, files, target, progress, reporter, scheduler))
    out += indexes.values()
    out += scenes.values()
    for poster, path in zip(script.posters, piece.posters):
        fitted = scenes[poster.scene]
        key = stage_key("poster", fitted.key, poster.width, path.suffix)
        out.append(Stage(f"poster {poster.out}", key, path, True, frozenset({poster.scene, "posters"}),
                         partial(stages.draw_poster, fitted.target, path, poster.width)))
    out += _export_stages(piece, scenes, blender)
    out += _plot_stages(piece, scenes)
    if movie is not None and piece.movie is not None:
        out += _movie_stages(piece, cache, scenes, progress)
    return out


def _export_stages(piece: Piece, scenes: dict[str, Stage], blender: str | None) -> list[Stage]:
    """A stage per export, keyed by its scene's fit, its motion and settings, its fps, options and format (not by
    how the script names them, nor by the Blender that builds a .blend)."""
    out = []
    for entry, path in zip(piece.script.exports, piece.exports):
        shot, fps = exported(piece.script, entry)
        fitted = scenes[shot.scene]
        key = stage_key("export", fitted.key, stages.as_plain(stages.motion_settings(shot)), shot.motion, fps,
                        entry.width, path.suffix.lower())
        out.append(Stage(f"export {entry.out} ({shot.motion} of {shot.scene})", key, path, True,
                         frozenset({shot.scene, "exports"}),
                         partial(stages.export_shot, shot, fitted.target, path, fps, entry.width, blender)))
    return out


def _plot_stages(piece: Piece, scenes: dict[str, Stage]) -> list[Stage]:
    """A stage per plot, keyed by its scene's fit, its settings and which files it writes (of what kind)."""
    out = []
    for entry, paths in zip(piece.script.plots, piece.plots):
        fitted = scenes[entry.scene]
        files = [None if p is None else p.suffix.lower() for p in (paths.svg, paths.preview, paths.hpgl)]
        key = stage_key("plot", fitted.key, entry.model_dump(mode="json", exclude={"scene", "out", "preview", "hpgl"}),
                        files)
        out.append(Stage(f"plot {entry.out} (of {entry.scene})", key, paths.svg, True,
                         frozenset({entry.scene, "plots"}),
                         partial(stages.plot_scene, entry, fitted.target, paths)))
    return out


def _numbered(shots: list[Any]) -> list[int]:
    """Each shot's number among the shots, each transition's among the transitions, both from 1 (the
    stages' names: shot 1, crossfade 1, shot 2)."""
    counts = {True: 0, False: 0}
    numbers = []
    for shot in shots:
        counts[isinstance(shot, Transition)] += 1
        numbers.append(counts[isinstance(shot, Transition)])
    return numbers


def _movie_stages(piece: Piece, cache: Cache, scenes: dict[str, Stage], progress: bool) -> list[Stage]:
    movie = piece.script.movie
    assert movie is not None and piece.movie is not None
    suffix = piece.movie.suffix.lower()
    segment = stages.Segment(movie.frame_size, movie.fps, movie.crf, progress)
    encoding = [movie.frame_size, movie.fps, movie.crf, suffix]
    shot_stages: dict[int, Stage] = {}
    out: list[Stage] = []
    movie_only = frozenset({"movie"})
    numbers = _numbered(movie.shots)
    for i, shot in enumerate(movie.shots):
        if isinstance(shot, Transition):
            continue
        fitted = scenes[shot.scene]
        key = stage_key("shot", fitted.key, stages.as_plain(shot, ("scene",)), encoding)
        target = cache.path(f"shot-{key}{suffix}")
        shot_stages[i] = Stage(f"shot {numbers[i]} ({shot.motion} of {shot.scene})", key, target, False,
                               movie_only, partial(stages.render_shot, shot, fitted.target, segment, target))
    segments: list[Stage] = []
    for i, shot in enumerate(movie.shots):
        if not isinstance(shot, Transition):
            segments.append(shot_stages[i])
            continue
        before, after = movie.shots[i - 1], movie.shots[i + 1]
        a, b = shot_stages[i - 1], shot_stages[i + 1]
        key = stage_key("fade", a.key, b.key, shot.duration, encoding)
        target = cache.path(f"fade-{key}{suffix}")
        segments.append(Stage(f"{shot.transition} {numbers[i]}", key, target, False, movie_only, partial(
            stages.render_fade, (before, scenes[before.scene].target), (after, scenes[after.scene].target),
            shot.duration, segment, target)))
    out += segments
    sound = cache.file_hash(piece.soundtrack) if piece.soundtrack else None
    key = stage_key("movie", [s.key for s in segments], sound, movie.fade_out)
    out.append(Stage(f"movie {movie.out}", key, piece.movie, True, movie_only,
                     partial(join, [s.target for s in segments], piece.movie, movie.fps, piece.soundtrack,
                             movie.fade_out)))
    return out


def select(stages_: list[Stage], only: str | None, piece: Piece) -> list[Stage]:
    """The stages `--only NAME` asks for (a scene's name, `posters`, `movie`, `exports` or `plots`), with what they build
    on."""
    if only is None:
        return stages_
    names = {*piece.script.scenes, "posters", "movie", "exports", "plots"}
    if only not in names:
        raise ScriptError(f"--only {only}: no such part of {piece.source.name}{did_you_mean(only, names)}")
    return [s for s in stages_ if only in s.groups]


def run(stages_: list[Stage], cache: Cache, force: bool, report: Callable[[str], None],
        on_stage: Callable[[Stage, str, float | None], None] | None = None) -> tuple[int, int]:
    """Run the stages not done (all of them, with `force`); returns (ran, cached). `on_stage` is told
    of each stage's state as it changes ("cached", "running", "done"; with the seconds it took)."""
    ran = 0
    for stage in stages_:
        if not force and stage.done(cache):
            report(f"cached  {stage.label}")
            if on_stage is not None:
                on_stage(stage, "cached", None)
            continue
        began = time.perf_counter()
        if on_stage is not None:
            on_stage(stage, "running", None)
        stage.work()
        if on_stage is not None:
            on_stage(stage, "done", time.perf_counter() - began)
        if stage.is_output:
            cache.record_output(stage.target, stage.key)
        ran += 1
        report(f"made    {stage.label} in {time.perf_counter() - began:.1f} s")
    return ran, len(stages_) - ran
