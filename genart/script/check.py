"""Checks across a validated script, all before any long work: names that refer to each
other, input files, output formats, motions a scene cannot play, the soundtrack."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg

from animations.motions import MOTIONS
from genart.errors import UserError
from genart.outputs import kind_of
from genart.script.contents import scene_contents
from genart.script.errors import did_you_mean
from genart.script.model import PhotosInput, Script, Transition
from genart.script.source import Source
from generative import children
from generative.methods import METHODS

MOVIE_FORMATS = (".mp4", ".webm")


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


def check(source: Source, script: Script, folder: Path) -> Piece:
    """The piece, or ScriptError naming the first mistake's line."""
    pictures, photos = _inputs(source, script, folder)
    for name, entry in script.scenes.items():
        picture = entry.from_
        if picture not in pictures:
            why = " is a photo folder, not a picture" if picture in photos else \
                f" is not an input{did_you_mean(picture, pictures)}"
            raise source.error(("scenes", name, "from"), f"{picture}{why}")
        group = getattr(entry, "photos", None)
        if group is not None and group not in photos:
            why = " is a picture, not a photo folder" if group in pictures else \
                f" is not an input{did_you_mean(group, photos)}"
            raise source.error(("scenes", name, "photos"), f"{group}{why}")
    outputs: dict[Path, tuple[str | int, ...]] = {}
    posters = []
    for i, poster in enumerate(script.posters):
        _scene_named(source, script, ("posters", i, "scene"), poster.scene)
        try:
            kind_of(poster.out)
        except UserError as exc:
            raise source.error(("posters", i, "out"), str(exc).partition(": ")[2]) from None
        posters.append(_output(source, folder, ("posters", i, "out"), poster.out, outputs))
    movie = soundtrack = None
    if script.movie is not None:
        if Path(script.movie.out).suffix.lower() not in MOVIE_FORMATS:
            raise source.error(("movie", "out"), f"{script.movie.out}: a movie is .mp4 or .webm")
        movie = _output(source, folder, ("movie", "out"), script.movie.out, outputs)
        _shots(source, script)
        if script.movie.soundtrack is not None:
            soundtrack = _soundtrack(source, folder / script.movie.soundtrack, script.movie.soundtrack)
    return Piece(script, source, folder, pictures, photos, posters, movie, soundtrack)


def _inputs(source: Source, script: Script, folder: Path) -> tuple[dict[str, Path], dict[str, Path]]:
    pictures, photos = {}, {}
    for name, given in script.inputs.items():
        if isinstance(given, PhotosInput):
            path = folder / given.photos
            if not path.is_dir():
                raise source.error(("inputs", name, "photos"), f"{given.photos}: no such folder")
            photos[name] = path
        else:
            path = folder / given
            if not path.is_file():
                raise source.error(("inputs", name), f"{given}: " + ("is a folder (a photo folder is "
                                   "{photos: folder})" if path.is_dir() else "no such file"))
            pictures[name] = path
    return pictures, photos


def _scene_named(source: Source, script: Script, path: tuple[str | int, ...], name: str) -> None:
    if name not in script.scenes:
        raise source.error(path, f"no scene {name!r}{did_you_mean(name, script.scenes)}")


def _output(source: Source, folder: Path, path: tuple[str | int, ...], out: str,
            seen: dict[Path, tuple[str | int, ...]]) -> Path:
    target = (folder / out).resolve()
    if target in seen:
        raise source.error(path, f"{out} is also written at line {source.where(seen[target]).line}")
    if target.is_dir():
        raise source.error(path, f"{out} is a directory")
    seen[target] = path
    return folder / out


def _shots(source: Source, script: Script) -> None:
    assert script.movie is not None
    shots = script.movie.shots
    for i, shot in enumerate(shots):
        if isinstance(shot, Transition):
            if i == 0 or i == len(shots) - 1 or isinstance(shots[i - 1], Transition):
                raise source.error(("movie", "shots", i), "a transition goes between two shots")
            continue
        scene_name = shot.scene
        _scene_named(source, script, ("movie", "shots", i, "scene"), scene_name)
        entry = script.scenes[scene_name]
        method = METHODS[entry.method]
        motion = MOTIONS[shot.motion]
        has = scene_contents(method, entry)
        missing = [need for need in motion.requires if need not in has]
        if missing:
            raise source.error(("movie", "shots", i, "motion"),
                               f"{motion.name} needs {' and '.join(n.what for n in motion.requires)}, but scene "
                               f"{scene_name} ({method.name}) will have {missing[0].lack}")


def _soundtrack(source: Source, path: Path, given: str) -> Path:
    where = ("movie", "soundtrack")
    if not path.is_file():
        raise source.error(where, f"{given}: no such file")
    probe = children.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-map", "0:a:0",
                          "-t", "0.05", "-f", "null", "-"])
    if probe.returncode != 0:
        lines = [line for line in probe.stderr.splitlines() if line.strip()]
        raise source.error(where, f"{given}: not a readable sound file ({lines[-1].strip() if lines else 'no audio'})")
    return path
