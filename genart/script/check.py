"""Checks across a validated script, all before any long work: names that refer to each
other, input files, output formats, motions a scene cannot play or a format cannot carry,
the soundtrack.

A script may come from someone else, so every path it names is judged before anything
is read: resolved (symbolic links followed, `..` collapsed), it must lie inside the
script's folder, as must each photo of a photo folder, unless the person running genart
passes --allow-outside (a script cannot grant it). Pictures, photos and the soundtrack
must be regular files within their size limits (so nothing is hashed or probed that
could hang), and no output may land on an input (the same file, a symbolic or hard link
to it), inside a photo folder, or inside genart's cache.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genart.animate.export import ExportError
from genart.animate.export.formats import FORMATS, Format, check_export, no_width, unknown_format
from genart.animate.motions import MOTIONS
from genart.errors import UserError
from genart.files import inside, replaced_input
from genart.generative.images import BYTES_VARIABLE, max_picture_bytes
from genart.generative.methods import METHODS
from genart.outputs import kind_of
from genart.script.cache import cache_folder
from genart.script.contents import scene_contents
from genart.script.errors import did_you_mean
from genart.script.model import (
    INPUT_NAMED,
    PLOT_SUFFIXES,
    SCRIPT_FORMATS,
    PhotosInput,
    PlotPaths,
    Script,
    ShotExport,
    Transition,
)
from genart.script.movie import sound_problem
from genart.script.source import Path_, Source, dotted

MOVIE_FORMATS = (".mp4", ".webm")
MAX_SOUNDTRACK_BYTES = 1 << 30  # a larger soundtrack is refused before it is hashed or probed


@dataclass(frozen=True)
class Piece:
    """A checked script: its model, where it lives, and its files resolved."""

    script: Script
    source: Source
    folder: Path
    pictures: dict[str, Path]
    photos: dict[str, Path]
    posters: list[Path]
    movie: Path | None
    soundtrack: Path | None
    exports: list[Path]
    plots: list[PlotPaths]


@dataclass(frozen=True)
class _Reach:
    """Where the paths of one script may lead: inside `folder`, or anywhere with `anywhere`."""

    source: Source
    folder: Path
    anywhere: bool

    def path(self, where: Path_, given: str) -> Path:
        """The file `given` at key `where` names; ScriptError if it leads out of the folder."""
        path = self.folder / given
        if not self.anywhere and not inside(path, self.folder):
            raise self.source.error(where, f"{given}: outside the script's folder (a script reads and writes only "
                                           "inside its folder; genart run --allow-outside allows it)")
        return path


def check(source: Source, script: Script, script_path: Path, allow_outside: bool = False) -> Piece:
    """The piece of the script at `script_path`, or ScriptError naming the first mistake's line; with
    `allow_outside`, its paths may lead out of its folder."""
    folder = script_path.resolve().parent
    reach = _Reach(source, folder, allow_outside)
    pictures, photos = _inputs(reach, script)
    for name, entry in script.scenes.items():
        _scene_inputs(source, name, entry, pictures, photos)
    soundtrack = None
    if script.movie is not None and script.movie.soundtrack is not None:
        soundtrack = _soundtrack_file(reach, script.movie.soundtrack)
    inputs: dict[Path_, Path] = {("inputs", name): path for name, path in pictures.items()}
    inputs |= {("movie", "soundtrack"): soundtrack} if soundtrack is not None else {}
    inputs[()] = script_path
    outputs = _Outputs(reach, inputs, photos)
    posters = []
    for i, poster in enumerate(script.posters):
        _scene_named(source, script, ("posters", i, "scene"), poster.scene)
        try:
            kind_of(poster.out)
        except UserError as exc:
            raise source.error(("posters", i, "out"), str(exc).partition(": ")[2]) from None
        posters.append(outputs.add(("posters", i, "out"), poster.out))
    movie = None
    if script.movie is not None:
        if Path(script.movie.out).suffix.lower() not in MOVIE_FORMATS:
            raise source.error(("movie", "out"), f"{script.movie.out}: a movie is .mp4 or .webm")
        movie = outputs.add(("movie", "out"), script.movie.out)
        _shots(source, script)
        if soundtrack is not None:
            problem = sound_problem(soundtrack)
            if problem is not None:
                raise source.error(("movie", "soundtrack"), f"{script.movie.soundtrack}: {problem}")
    exports = [_export(source, script, i, outputs) for i in range(len(script.exports))]
    plots = [_plot(source, script, i, outputs) for i in range(len(script.plots))]
    return Piece(script, source, folder, pictures, photos, posters, movie, soundtrack, exports, plots)


def _scene_inputs(source: Source, name: str, entry: Any, pictures: dict[str, Path], photos: dict[str, Path]) -> None:
    """ScriptError unless the inputs scene `name` names (its picture, the pictures its settings name, its photo
    folder) are inputs of the right kind."""
    for setting in ("from", *INPUT_NAMED):
        picture = getattr(entry, "from_" if setting == "from" else setting, None)
        if picture is not None and picture not in pictures:
            why = " is a photo folder, not a picture" if picture in photos else \
                f" is not an input{did_you_mean(picture, pictures)}"
            raise source.error(("scenes", name, setting), f"{picture}{why}")
    group = getattr(entry, "photos", None)
    if group is not None and group not in photos:
        why = " is a picture, not a photo folder" if group in pictures else \
            f" is not an input{did_you_mean(group, photos)}"
        raise source.error(("scenes", name, "photos"), f"{group}{why}")


def _regular(reach: _Reach, where: Path_, given: str, path: Path, limit: int, limit_note: str = "") -> None:
    """ScriptError unless `path` (named `given` at `where`) is a regular file of at most `limit` bytes."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise reach.source.error(where, f"{given}: no such file") from None
    except OSError as exc:
        raise reach.source.error(where, f"{given}: cannot read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise reach.source.error(where, f"{given}: is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise reach.source.error(where, f"{given}: not a regular file (a FIFO, socket or device is not read)")
    if st.st_size > limit:
        raise reach.source.error(where, f"{given}: {st.st_size} bytes is larger than {limit}{limit_note}")


def _inputs(reach: _Reach, script: Script) -> tuple[dict[str, Path], dict[str, Path]]:
    pictures, photos = {}, {}
    limit, note = max_picture_bytes(), f" (set {BYTES_VARIABLE} to raise it)"
    for name, given in script.inputs.items():
        if isinstance(given, PhotosInput):
            where: Path_ = ("inputs", name, "photos")
            path = reach.path(where, given.photos)
            if not path.is_dir():
                raise reach.source.error(where, f"{given.photos}: no such folder")
            _photos(reach, where, given.photos, path, limit, note)
            photos[name] = path
        else:
            where = ("inputs", name)
            path = reach.path(where, given)
            if path.is_dir():
                raise reach.source.error(where, f"{given}: is a folder (a photo folder is {{photos: folder}})")
            _regular(reach, where, given, path, limit, note)
            pictures[name] = path
    return pictures, photos


def _photos(reach: _Reach, where: Path_, given: str, folder: Path, limit: int, note: str) -> None:
    """ScriptError for a photo of `folder` the indexer would read that leads out of the script's folder or
    is too large (found as the indexer finds them, without reading any)."""
    from genart.generative.mosaic.index import scan  # the indexer loads only for photo folders

    for name, size, _ in scan(folder)[0]:
        reach.path(where, f"{given}/{name}")
        if size > limit:
            raise reach.source.error(where, f"{given}/{name}: {size} bytes is larger than {limit}{note}")


def _soundtrack_file(reach: _Reach, given: str) -> Path:
    where = ("movie", "soundtrack")
    path = reach.path(where, given)
    _regular(reach, where, given, path, MAX_SOUNDTRACK_BYTES, "")
    return path


class _Outputs:
    """The outputs of a script, each checked against the inputs, the photo folders, the cache and the others."""

    def __init__(self, reach: _Reach, inputs: dict[Path_, Path], photos: dict[str, Path]) -> None:
        self.reach, self.inputs, self.photos = reach, inputs, photos
        self.cache = cache_folder(reach.folder)
        self.seen: dict[Path, Path_] = {}

    def add(self, where: Path_, out: str) -> Path:
        """The output `out` at key `where`; ScriptError if it may not be written."""
        source = self.reach.source
        path = self.reach.path(where, out)
        target = path.resolve()
        if target in self.seen:
            raise source.error(where, f"{out} is also written at line {source.where(self.seen[target]).line}")
        if target.is_dir():
            raise source.error(where, f"{out} is a directory")
        replaced = replaced_input(path, self.inputs.values())
        if replaced is not None:
            key = next(key for key, given in self.inputs.items() if given == replaced)
            what = f"its input {dotted(key)}" if key else "the script itself"
            raise source.error(where, f"{out} would replace {what}")
        for name, folder in self.photos.items():
            if inside(path, folder):
                raise source.error(where, f"{out} is inside the photo folder of inputs.{name} (it would become "
                                          "one of its photos)")
        if inside(path, self.cache):
            raise source.error(where, f"{out} is inside genart's cache ({self.cache})")
        self.seen[target] = where
        return path


def _scene_named(source: Source, script: Script, path: tuple[str | int, ...], name: str) -> None:
    if name not in script.scenes:
        raise source.error(path, f"no scene {name!r}{did_you_mean(name, script.scenes)}")


def movie_shots(script: Script) -> list[Any]:
    """The movie's shots without its transitions: shot N of the run's stages (and of `exports:`) is item N - 1."""
    return [shot for shot in (script.movie.shots if script.movie else []) if not isinstance(shot, Transition)]


def exported(script: Script, entry: Any) -> tuple[Any, float]:
    """What an export entry moves, and at what fps: its own motion and settings (`scene`, `motion`, ...), or
    (`shot: N`) shot N of the movie at the movie's fps (unless the entry sets its own)."""
    if not isinstance(entry, ShotExport):
        return entry, entry.fps
    assert script.movie is not None  # checked
    return movie_shots(script)[entry.shot - 1], entry.fps or script.movie.fps


def _export(source: Source, script: Script, i: int, outputs: _Outputs) -> Path:
    """The output of export `i`, once what it moves exists, its scene can play it and its format carry it."""
    entry, where = script.exports[i], ("exports", i)
    chosen = _export_format(source, where, entry.out)
    if isinstance(entry, ShotExport):
        count = len(movie_shots(script))
        if entry.shot > count:
            said = f"the movie has {count} shot{'s' * (count != 1)}" if script.movie else "the script has no movie"
            raise source.error((*where, "shot"), f"no shot {entry.shot}: {said}")
    else:
        _scene_named(source, script, (*where, "scene"), entry.scene)
        _plays(source, script, (*where, "motion"), entry.scene, entry.motion)
    if entry.width is not None and "width" not in chosen.options:
        raise source.error((*where, "width"), no_width(chosen))
    shot, fps = exported(script, entry)
    try:
        check_export(Path(entry.out), shot.motion, fps, entry.width)
    except ExportError as exc:
        raise source.error((*where, "shot" if isinstance(entry, ShotExport) else "motion"), str(exc)) from None
    return outputs.add((*where, "out"), entry.out)


def _plot(source: Source, script: Script, i: int, outputs: _Outputs) -> PlotPaths:
    """The files of plot `i` (its SVG, preview and HPGL), once its scene exists and its settings and names hold."""
    entry, where = script.plots[i], ("plots", i)
    _scene_named(source, script, (*where, "scene"), entry.scene)
    try:
        entry.settings()
    except UserError as exc:
        raise source.error(where, str(exc)) from None
    paths: list[Path | None] = []
    for key, suffixes in PLOT_SUFFIXES.items():
        given = getattr(entry, key)
        if given is not None and Path(given).suffix.lower() not in suffixes:
            raise source.error((*where, key), f"{given}: a plot writes {' or '.join(suffixes)} there")
        paths.append(None if given is None else outputs.add((*where, key), given))
    svg, preview, hpgl = paths
    assert svg is not None  # `out` is required
    return PlotPaths(svg, preview, hpgl)


def _export_format(source: Source, where: Path_, out: str) -> Format:
    """The format of an export's `out`, among those a script may write."""
    chosen = FORMATS.get(Path(out).suffix.lower())
    if chosen is None:
        raise source.error((*where, "out"), str(unknown_format(Path(out), asking=False)))
    if chosen.asked_by:
        raise source.error((*where, "out"), f"{out}: {chosen.name}: only genart export {chosen.asked_by} writes it, "
                                            f"not a script (a script exports {SCRIPT_FORMATS})")
    return chosen


def _shots(source: Source, script: Script) -> None:
    assert script.movie is not None
    shots = script.movie.shots
    for i, shot in enumerate(shots):
        if isinstance(shot, Transition):
            if i == 0 or i == len(shots) - 1 or isinstance(shots[i - 1], Transition):
                raise source.error(("movie", "shots", i), "a transition goes between two shots")
            continue
        _scene_named(source, script, ("movie", "shots", i, "scene"), shot.scene)
        _plays(source, script, ("movie", "shots", i, "motion"), shot.scene, shot.motion)


def _plays(source: Source, script: Script, where: Path_, scene_name: str, motion_name: str) -> None:
    """ScriptError at `where` if scene `scene_name` will lack what motion `motion_name` needs."""
    entry = script.scenes[scene_name]
    method = METHODS[entry.method]
    motion = MOTIONS[motion_name]
    has = scene_contents(method, entry)
    missing = [need for need in motion.requires if need not in has]
    if missing:
        raise source.error(where, f"{motion.name} needs {' and '.join(n.what for n in motion.requires)}, but scene "
                                  f"{scene_name} ({method.name}) will have {missing[0].lack}")
