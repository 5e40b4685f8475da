"""Data safety: full disks keep the previous file, outputs all-or-none, pictures read by their real range, safe terminal
text, checkpoints genart owns and validates."""

from __future__ import annotations

import contextlib
import errno
import itertools
import json
import os
import resource
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from genart.animate import encode as enc
from genart.animate.encode import EncodeSettings, encode
from genart.cli import main
from genart.commands.info import describe
from genart.generative import checkpoint as checkpoint_file
from genart.generative.hillclimb import Evolution
from genart.generative.hillclimb_checkpoint import Checkpoint
from genart.generative.hillclimb_state import TileState
from genart.generative.images import ImageError, load_picture
from genart.generative.shapes.layout import ALPHA, KIND, SIDES, SIZE
from genart.render import scene as S
from genart.render.atomic import WriteError, atomic_path
from genart.runtime.terminal import printable
from tests.conftest import random_scene

FREE = 16 * 1024  # bytes a "small disk" lets an output grow to
OLD = b"the previous file, which a failed write must keep\n"


@contextlib.contextmanager
def _tmpfs(folder: Path, size: int) -> Iterator[bool]:
    """Mount a tmpfs of `size` bytes on `folder`; yields False where this process may not mount."""
    folder.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        yield False
        return
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], check=False, capture_output=True).returncode == 0
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", str(folder)], check=True)


@contextlib.contextmanager
def small_disk(disk: Path) -> Iterator[Path]:
    """A new folder in which writing more than FREE bytes fails: a nearly full tmpfs (ENOSPC) where
    the test may mount one, else a file size limit on this process and its children (EFBIG, so
    inputs are written before). The folder holds `old.*` files, previous outputs a failed write must keep."""
    with _tmpfs(disk, 512 * 1024) as mounted:
        for suffix in ("png", "svg", "pdf", "scene.json", "mp4", "gif", "jpg"):
            (disk / f"old.{suffix}").write_bytes(OLD)
        if mounted:
            filler = disk / "filler"
            with open(filler, "wb") as out:
                out.write(b"\0" * (shutil.disk_usage(disk).free - FREE))
            yield disk
            return
        limits = resource.getrlimit(resource.RLIMIT_FSIZE)
        handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (FREE, limits[1]))
        try:
            yield disk
        finally:
            resource.setrlimit(resource.RLIMIT_FSIZE, limits)
            signal.signal(signal.SIGXFSZ, handler)


def _assert_kept(disk: Path) -> None:
    """Nothing but the previous files (byte-identical) and the filler is left in `disk`."""
    for path in disk.iterdir():
        assert path.name == "filler" or (path.name.startswith("old.") and path.read_bytes() == OLD), path.name


def _one_line_error(capsys: pytest.CaptureFixture[str], command: str, target: str) -> None:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"genart {command}: error: cannot write ") and target in err, err


@pytest.mark.parametrize("suffix", ["png", "svg", "pdf", "scene.json"])
def test_render_on_a_full_disk_fails_in_one_line_and_keeps_the_previous_file(tmp_path, capsys, suffix):
    source = tmp_path / "r.scene.json"
    S.save(random_scene(300), source)
    with small_disk(tmp_path / "disk") as disk:
        target = disk / f"old.{suffix}"
        assert main(["render", str(source), "--width", "300", "-o", str(target)]) == 2
        _one_line_error(capsys, "render", str(target))
        _assert_kept(disk)


@dataclass
class _Frame:
    pixels: np.ndarray
    duration: float

    def release(self) -> None:
        pass


def _noise_frames(count: int, size: int = 96, seed: int = 0) -> list[_Frame]:
    """Frames of random colours: they do not compress, so the movie outgrows a small disk."""
    rng = np.random.default_rng(seed)
    frames = []
    for _ in range(count):
        bgra = rng.integers(0, 256, (size, size, 4), dtype=np.uint8)
        bgra[..., 3] = 255
        frames.append(_Frame(bgra, 1 / 12))
    return frames


@pytest.mark.parametrize(("suffix", "quality"), [("mp4", "fast"), ("gif", "fast"), ("gif", "best")])
def test_movie_on_a_full_disk_fails_in_one_line_and_keeps_the_previous_file(tmp_path, monkeypatch, suffix, quality):
    monkeypatch.setattr(enc, "SPOOL_MARGIN", 0)
    frames = _noise_frames(12)
    with small_disk(tmp_path / "disk") as disk:
        target = disk / f"old.{suffix}"
        with pytest.raises(WriteError) as failure:
            encode(frames, target, (96, 96), 12, EncodeSettings(gif_quality=quality))
        message = str(failure.value)
        assert "\n" not in message and message.startswith(f"cannot write {target}: "), message
        assert "FFMPEG" not in message and len(message) < 200 + len(str(target)), message
        _assert_kept(disk)


def test_ffmpeg_failure_is_summarized_to_its_last_line(tmp_path):
    target = tmp_path / "o.mp4"
    target.write_bytes(OLD)
    with pytest.raises(WriteError) as failure:  # x264 refuses an unknown preset after the frames started flowing
        encode(_noise_frames(3, 32), target, (32, 32), 12, EncodeSettings(preset="no-such-preset"))
    assert str(failure.value).startswith(f"cannot write {target}: ffmpeg failed: ")
    assert "\n" not in str(failure.value) and "@ 0x" not in str(failure.value)
    assert target.read_bytes() == OLD and [p.name for p in tmp_path.iterdir()] == ["o.mp4"]


def _mosaic_inputs(folder: Path) -> tuple[Path, Path]:
    """A collection of six random photos indexed in `folder`, and a target picture."""
    photos = folder / "photos"
    photos.mkdir()
    rng = np.random.default_rng(1)
    for i in range(6):
        Image.fromarray(rng.integers(0, 256, (24, 24, 3), dtype=np.uint8)).save(photos / f"p{i}.png")
    collection = folder / "c.npz"
    target = folder / "t.png"
    Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)).save(target)
    assert main(["mosaic", "index", str(photos), "-o", str(collection), "--sizes", "8,16", "--jobs", "1", "--no-progress"]) == 0
    return collection, target


def test_mosaic_jpeg_and_png_on_a_full_disk_fail_in_one_line(tmp_path, capsys):
    collection, target = _mosaic_inputs(tmp_path)
    capsys.readouterr()
    with small_disk(tmp_path / "disk") as disk:
        for suffix in ("jpg", "png"):
            out = disk / f"old.{suffix}"
            assert main(["mosaic", "build", str(collection), str(target), "--grid", "8", "--tile-px", "64",
                         "--quality", "100", "-o", str(out)]) == 2
            _one_line_error(capsys, "mosaic build", str(out))
        _assert_kept(disk)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_fsync_errors_fail_the_write_and_keep_the_previous_file(tmp_path, monkeypatch, code):
    target = tmp_path / "o.png"
    target.write_bytes(OLD)

    def failing_fsync(fd: int) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(WriteError, match=f"cannot write {target}: {os.strerror(code)}$"), atomic_path(target) as tmp:
        tmp.write_bytes(b"new")
    assert target.read_bytes() == OLD and [p.name for p in tmp_path.iterdir()] == ["o.png"]


def test_a_name_too_long_is_one_line_and_leaves_nothing(tmp_path, capsys):
    source = tmp_path / "r.scene.json"
    S.save(random_scene(5), source)
    target = tmp_path / ("x" * 300 + ".png")
    assert main(["render", str(source), "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.endswith("File name too long\n"), err
    with pytest.raises(WriteError, match="cannot write .*x.png: File name too long$"), atomic_path(target) as tmp:
        tmp.write_bytes(b"new")
    assert [p.name for p in tmp_path.iterdir()] == ["r.scene.json"]


def test_several_outputs_are_all_written_or_none(tmp_path, capsys):
    source = tmp_path / "r.scene.json"
    S.save(random_scene(5), source)
    old = tmp_path / "old.svg"
    old.write_bytes(OLD)
    outputs = [tmp_path / "o.scene.json", old, tmp_path / "o.png"]
    assert main(["render", str(source), "--width", "1000000", *[a for p in outputs for a in ("-o", str(p))]]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "o.png" in err and "too large" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.svg", "r.scene.json"] and old.read_bytes() == OLD
    assert main(["render", str(source), "--width", "40", *[a for p in outputs for a in ("-o", str(p))]]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.png", "o.scene.json", "old.svg", "r.scene.json"]


def test_a_failing_output_leaves_none_of_the_others(tmp_path, monkeypatch, capsys):
    source = tmp_path / "r.scene.json"
    S.save(random_scene(5), source)

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("genart.render.pdf.render_pdf", full_disk)
    outputs = ["o.scene.json", "o.png", "o.svg", "o.pdf"]
    assert main(["render", str(source), *[a for p in outputs for a in ("-o", str(tmp_path / p))]]) == 2
    err = capsys.readouterr().err
    assert err == f"genart render: error: cannot write {tmp_path / 'o.pdf'}: No space left on device\n"
    assert [p.name for p in tmp_path.iterdir()] == ["r.scene.json"]


def _gradient() -> np.ndarray:
    """An 8-bit RGB-free test picture: a horizontal grey ramp 0..255 with a vertical ripple."""
    x = np.linspace(0.0, 1.0, 64)[None, :]
    y = np.linspace(0.0, 1.0, 48)[:, None]
    return np.clip(0.8 * x + 0.2 * np.sin(6 * y) ** 2, 0, 1)


@pytest.mark.parametrize(("mode", "suffix"), [("I;16", "png"), ("I;16", "tif"), ("I", "tif"), ("F", "tif"), ("F01", "tif")])
def test_deep_pictures_are_read_by_their_real_range(tmp_path, mode, suffix):
    level = _gradient()
    eight = np.round(level * 255).astype(np.uint8)
    if mode == "I;16":
        image = Image.fromarray(np.round(level * 65535).astype(np.uint16))
        assert image.mode == "I;16"
    elif mode == "I":
        image = Image.fromarray(np.round(level * 65535).astype(np.int32))
    elif mode == "F":  # a float picture outside [0, 1]: normalised by its minimum and maximum
        image = Image.fromarray((level * 1000.0 - 20.0).astype(np.float32))
        eight = np.round((level - level.min()) / (level.max() - level.min()) * 255).astype(np.uint8)
    else:
        image = Image.fromarray(level.astype(np.float32))
    path = tmp_path / f"deep.{suffix}"
    image.save(path)
    reopened = Image.open(path)
    assert reopened.mode in ("I;16", "I;16B", "I", "F"), reopened.mode
    rgb = load_picture(path).rgb
    assert rgb.dtype == np.uint8 and rgb.shape == (48, 64, 3)
    assert np.abs(rgb.astype(int) - eight[..., None]).max() <= 1


def test_eight_bit_pictures_in_int_mode_keep_their_levels(tmp_path):
    eight = np.round(_gradient() * 255).astype(np.uint8)
    path = tmp_path / "i8.tif"
    Image.fromarray(eight.astype(np.int32)).save(path)
    assert np.array_equal(load_picture(path).rgb[..., 0], eight)


def test_float_pictures_that_are_not_finite_are_refused(tmp_path):
    level = _gradient().astype(np.float32)
    level[3, 4] = np.nan
    path = tmp_path / "nan.tif"
    Image.fromarray(level).save(path)
    with pytest.raises(ImageError, match="nan.tif: .*not finite"):
        load_picture(path)


def test_info_escapes_control_characters(tmp_path, capsys):
    hostile = "\x1b[2J\x1b]0;owned\x07\x9b31m"
    drawing = random_scene(3).model_copy(update={
        "meta": {f"key{hostile}": f"value{hostile}", "plain": 1},
        "source": S.Source(name=f"pic{hostile}.png"),
    })
    path = tmp_path / "hostile.scene.json"
    S.save(drawing, path)
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert not any(ord(c) < 32 and c != "\n" or 0x7F <= ord(c) < 0xA0 for c in out)
    assert "pic\\x1b[2J\\x1b]0;owned\\x07\\x9b31m.png" in out and "meta.key\\x1b[2J" in out
    assert all(line.isprintable() for line in describe(drawing))


def test_printable_keeps_ordinary_text_and_escapes_the_rest():
    assert printable("crème brûlée 日本 ✓") == "crème brûlée 日本 ✓"
    assert printable("a\tb\nc\x1b\u202e\x00") == "a\\tb\\nc\\x1b\\u202e\\x00"
    assert printable("a\u2028b\u2029c\x85d") == "a\\u2028b\\u2029c\\x85d"  # separators Python's splitlines splits at
    assert len(printable("a\u2028b\u2029c\x85d\x1c\x1d\x1ee").splitlines()) == 1


def test_gif_spool_that_would_not_fit_is_refused_before_it_fills_the_disk(tmp_path, monkeypatch):
    spool_root = tmp_path / "spool"
    spool_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool_root))
    free = shutil.disk_usage(spool_root).free
    monkeypatch.setattr(enc, "SPOOL_MARGIN", free - 3 * 96 * 96 * 4)  # room for three frames
    target = tmp_path / "o.gif"
    target.write_bytes(OLD)
    with pytest.raises(WriteError, match="GIF frame spool .* more than"):
        encode(_noise_frames(12), target, (96, 96), 12, EncodeSettings(gif_quality="best"))
    assert list(spool_root.iterdir()) == [] and target.read_bytes() == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.gif", "spool"]


def test_gif_spool_is_removed_when_interrupted(tmp_path, monkeypatch):
    spool_root = tmp_path / "spool"
    spool_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool_root))

    def interrupted() -> Iterator[_Frame]:
        yield from _noise_frames(3)
        assert len(list(spool_root.glob("genart-gif-*/frames.bgra"))) == 1
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        encode(interrupted(), tmp_path / "o.gif", (96, 96), 12, EncodeSettings(gif_quality="best"))
    assert list(spool_root.iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["spool"]




def test_mosaic_build_outputs_are_all_written_or_none(tmp_path, monkeypatch, capsys):
    collection, target = _mosaic_inputs(tmp_path)

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("genart.render.pdf.render_pdf", full_disk)
    out = tmp_path / "out"
    out.mkdir()
    (out / "o.png").write_bytes(OLD)
    names = ["o.png", "o.jpg", "o.scene.json", "o.pdf", "o.svg"]
    assert main(["mosaic", "build", str(collection), str(target), "--grid", "4", "--tile-px", "8",
                 *[a for n in names for a in ("-o", str(out / n))]]) == 2
    assert capsys.readouterr().err == f"genart mosaic build: error: cannot write {out / 'o.pdf'}: No space left on device\n"
    assert [p.name for p in out.iterdir()] == ["o.png"] and (out / "o.png").read_bytes() == OLD
    monkeypatch.undo()
    assert main(["mosaic", "build", str(collection), str(target), "--grid", "4", "--tile-px", "8",
                 *[a for n in names for a in ("-o", str(out / n))]]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(names) and (out / "o.png").read_bytes() != OLD


def test_gif_spool_is_refused_before_the_first_frame_when_the_count_is_known(tmp_path, monkeypatch):
    spool_root = tmp_path / "spool"
    spool_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool_root))
    monkeypatch.setattr(enc, "SPOOL_MARGIN", shutil.disk_usage(spool_root).free - 3 * 96 * 96 * 4)  # three frames

    def untouched() -> Iterator[_Frame]:
        raise AssertionError("a frame was asked for")
        yield

    target = tmp_path / "o.gif"
    with pytest.raises(WriteError, match=r"GIF frame spool .* more than .*\(12 frames of"):
        encode(untouched(), target, (96, 96), 12, EncodeSettings(gif_quality="best"), frame_count=12)
    assert list(spool_root.iterdir()) == [] and not target.exists()


def test_animate_refuses_a_gif_spool_that_cannot_fit_before_rendering(tmp_path, monkeypatch, capsys):
    source = tmp_path / "r.scene.json"
    S.save(random_scene(5), source)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(enc, "SPOOL_MARGIN", shutil.disk_usage(tmp_path).free)  # no room at all

    def no_rendering(*args: object, **kwargs: object) -> Iterator[_Frame]:  # a generator, as render_frames is
        raise AssertionError("frames were rendered")
        yield

    monkeypatch.setattr("genart.animate.movie.render_frames", no_rendering)
    out = tmp_path / "o.gif"
    assert main(["animate", str(source), "--motion", "flyin", "-o", str(out), "--size", "32", "--fps", "5",
                 "--gif-quality", "best", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"genart animate: error: cannot write {out}: the GIF frame spool"), err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.scene.json"]


# Checkpoints: genart writes, resumes from or deletes only its own, and validates what it resumes.

FAST_EVOLVE = ("--resize", "24", "--candidates", "20", "--max-age", "5", "--repeats", "1", "--workers", "1", "--quiet")


def _picture(path: Path) -> Path:
    Image.fromarray(np.random.default_rng(3).integers(0, 256, (20, 24, 3), dtype=np.uint8)).save(path)
    return path


def _evolve(*args: object) -> int:
    return main(["evolve", *map(str, args), *FAST_EVOLVE])


def _interrupted_evolve(monkeypatch: pytest.MonkeyPatch, shapes: int, *args: object) -> None:
    """Run `genart evolve *args` and press Ctrl-C after `shapes` shapes: the shapes so far are
    written, the checkpoint stays, exit status 130."""
    original = Evolution.search
    calls = itertools.count(1)

    def search(self: Evolution, pool: object = None) -> tuple[np.ndarray, float]:
        if next(calls) > shapes:
            raise KeyboardInterrupt
        return original(self, pool)

    with monkeypatch.context() as patch:
        patch.setattr(Evolution, "search", search)
        assert _evolve(*args) == 130


def _one_line(capsys: pytest.CaptureFixture[str], *fragments: str) -> None:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("genart evolve: error: "), err
    assert all(fragment in err for fragment in fragments), err


@pytest.mark.parametrize("tiles", ["1x1", "2x2"])
def test_checkpoint_that_is_the_input_or_an_output_is_refused(tmp_path, capsys, tiles):
    picture = _picture(tmp_path / "p.png")
    before = picture.read_bytes()
    out = tmp_path / "o.png"
    assert _evolve(picture, "-n", 8, "--tiles", tiles, "--checkpoint", picture, "-o", out) == 2
    _one_line(capsys, f"--checkpoint {picture} would replace the input {picture}")
    assert _evolve(picture, "-n", 8, "--tiles", tiles, "--checkpoint", out, "-o", tmp_path / "o.scene.json", "-o", out) == 2
    _one_line(capsys, f"--checkpoint {out} is named twice (also as -o {out})")
    assert picture.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["p.png"]


def _scene_file(path: Path) -> None:
    S.save(random_scene(3), path)


def _notes(path: Path) -> None:
    path.write_text("notes\n")


def _other_run(path: Path) -> None:
    Checkpoint(path, "0" * 16).save([TileState()], 0.0, 4)


def _big_checkpoint_lookalike(path: Path) -> None:
    path.write_text(json.dumps({"format": "genart.checkpoint", "padding": "x" * (checkpoint_file.MAX_BYTES + 1)}))


@pytest.mark.parametrize(("name", "make", "reason"), [
    ("s.scene.json", _scene_file, "not a genart checkpoint"),
    (None, _notes, "not a genart checkpoint"),  # the default name, o.png.ckpt
    ("other.ckpt", _other_run, "another picture or other settings"),
    ("big.ckpt", _big_checkpoint_lookalike, "larger than"),
])
def test_a_file_at_the_checkpoint_that_is_not_this_runs_checkpoint_is_refused_and_kept(
        tmp_path, monkeypatch, capsys, name: str | None, make: Callable[[Path], None], reason: str):
    monkeypatch.setattr(checkpoint_file, "MAX_BYTES", 4096)
    picture = _picture(tmp_path / "ok.png")
    out = tmp_path / "o.png"
    checkpoint = tmp_path / (name or "o.png.ckpt")
    make(checkpoint)
    before = checkpoint.read_bytes()
    option = ("--checkpoint", checkpoint) if name else ()
    for resume in ((), ("--resume",)):
        assert _evolve(picture, "-n", 5, "-o", out, *option, *resume) == 2
        _one_line(capsys, f"checkpoint {checkpoint}: ", reason)
        assert checkpoint.read_bytes() == before and not out.exists()


@pytest.mark.parametrize("kind", ["directory", "fifo", "link to /dev/zero", "link to a file"])
def test_a_checkpoint_that_is_not_a_regular_file_is_refused_before_the_run(tmp_path, monkeypatch, capsys, kind):
    picture = _picture(tmp_path / "ok.png")
    checkpoint = tmp_path / "c.ckpt"
    if kind == "directory":
        checkpoint.mkdir()
    elif kind == "fifo":
        os.mkfifo(checkpoint)
    elif kind == "link to /dev/zero":
        checkpoint.symlink_to("/dev/zero")
    else:
        (tmp_path / "notes.txt").write_bytes(OLD)
        checkpoint.symlink_to(tmp_path / "notes.txt")
    monkeypatch.setattr(Evolution, "search", lambda *args: pytest.fail("the run started"))
    assert _evolve(picture, "-n", 5, "--checkpoint", checkpoint, "-o", tmp_path / "o.png") == 2
    _one_line(capsys, f"checkpoint {checkpoint}: ")
    assert not (tmp_path / "o.png").exists() and os.path.lexists(checkpoint)
    assert kind != "link to a file" or (tmp_path / "notes.txt").read_bytes() == OLD


def test_resume_without_a_checkpoint_is_one_line(tmp_path, capsys):
    picture = _picture(tmp_path / "ok.png")
    assert _evolve(picture, "-n", 5, "-o", tmp_path / "o.png", "--resume") == 2
    _one_line(capsys, f"checkpoint {tmp_path / 'o.png.ckpt'}: none to resume from")
    assert [p.name for p in tmp_path.iterdir()] == ["ok.png"]


def test_own_checkpoint_is_resumed_or_replaced_and_removed_at_the_end(tmp_path, monkeypatch, capsys):
    picture = _picture(tmp_path / "ok.png")
    out = tmp_path / "o.scene.json"
    checkpoint = tmp_path / "o.scene.json.ckpt"
    _interrupted_evolve(monkeypatch, 3, picture, "-n", 6, "-o", out)
    assert json.loads(checkpoint.read_text())["format"] == "genart.checkpoint"
    assert _evolve(picture, "-n", 6, "-o", out, "--resume") == 0
    assert len(S.load(out).layers[0].shapes) == 6 and not checkpoint.exists()
    _interrupted_evolve(monkeypatch, 3, picture, "-n", 6, "-o", out)
    assert _evolve(picture, "-n", 6, "-o", out) == 0  # without --resume: started afresh over its own checkpoint
    assert not checkpoint.exists()


def test_resume_counts_the_seconds_of_the_interrupted_part(tmp_path, monkeypatch):
    picture = _picture(tmp_path / "ok.png")
    out = tmp_path / "o.scene.json"
    checkpoint = tmp_path / "o.scene.json.ckpt"
    _interrupted_evolve(monkeypatch, 2, picture, "-n", 4, "-o", out)
    doc = json.loads(checkpoint.read_text())
    assert doc["seconds"] > 0
    checkpoint.write_text(json.dumps({**doc, "seconds": 1000.0}))
    assert _evolve(picture, "-n", 4, "-o", out, "--resume") == 0
    assert S.load(out).meta["seconds"] >= 1000.0


def _first_shape(doc: dict, index: int, value: object) -> None:
    doc["tiles"][0]["params"][0][index] = value


TAMPERINGS: dict[str, tuple[Callable[[dict], None], str]] = {
    "short params": (lambda d: d["tiles"][0]["params"][0].pop(), "tiles[0].params[0]: List should have at least 19"),
    "long params": (lambda d: d["tiles"][0]["params"][0].append(0.0), "tiles[0].params[0]: List should have at most 19"),
    "a string": (lambda d: _first_shape(d, 0, "1.5"), "tiles[0].params[0][0]: Input should be a valid number"),
    "not a number": (lambda d: _first_shape(d, 1, float("nan")), "tiles[0].params[0][1]: Input should be a finite number"),
    "huge": (lambda d: _first_shape(d, 2, 1e300), "tiles[0].params[0][2]: Input should be less than or equal to"),
    "unknown family": (lambda d: _first_shape(d, KIND, 99.0), "tiles[0].params[0]: shape family 99 is not one this run draws"),
    "other family": (lambda d: _first_shape(d, KIND, 5.0), "tiles[0].params[0]: shape family 5 is not one this run draws"),
    "sides": (lambda d: _first_shape(d, SIDES, 100.0), "tiles[0].params[0]: 100 sides, expected 3"),
    "alpha": (lambda d: _first_shape(d, ALPHA, 0.0), "tiles[0].params[0]: alpha 0 is not in (0, 1]"),
    "colour": (lambda d: d["tiles"][0]["colors"][0].__setitem__(1, 2.0), "tiles[0].colors[0][1]: Input should be less than or equal to 1"),
    "error": (lambda d: d["tiles"][0]["deltas"].__setitem__(0, float("inf")), "tiles[0].deltas[0]: Input should be a finite number"),
    "lengths": (lambda d: d["tiles"][0]["deltas"].append(1.0), "tiles[0]: Value error, 2 shapes, 2 colours and 3 error changes"),
    "tiles": (lambda d: d["tiles"].append(d["tiles"][0]), "has 2 tiles, expected 1"),
    "unknown field": (lambda d: d["tiles"][0].update(extra=1), "tiles[0].extra: Extra inputs are not permitted"),
    "seconds": (lambda d: d.update(seconds=-1.0), "seconds: Input should be greater than or equal to 0"),
    "version": (lambda d: d.update(version=1), "this genart reads version 2, got 1"),
    "fingerprint": (lambda d: d.update(fingerprint="f" * 16), "made from another picture or other settings"),
    "not an object": (lambda d: d["tiles"].__setitem__(0, [1, 2]), "tiles[0]: Input should be a valid dictionary"),
}


@pytest.mark.parametrize("tampering", TAMPERINGS)
def test_a_tampered_checkpoint_is_refused_in_one_line_and_kept(tmp_path, monkeypatch, capsys, tampering):
    picture = _picture(tmp_path / "ok.png")
    out = tmp_path / "o.png"
    checkpoint = tmp_path / "o.png.ckpt"
    _interrupted_evolve(monkeypatch, 2, picture, "-n", 4, "-o", out)
    capsys.readouterr()
    out.unlink()  # the shapes so far, written on Ctrl-C
    doc = json.loads(checkpoint.read_text())
    assert len(doc["tiles"][0]["params"]) == 2 and len(doc["tiles"][0]["params"][0]) == SIZE
    change, message = TAMPERINGS[tampering]
    change(doc)
    checkpoint.write_text(json.dumps(doc))
    before = checkpoint.read_bytes()
    assert _evolve(picture, "-n", 4, "-o", out, "--resume") == 2
    _one_line(capsys, f"checkpoint {checkpoint}: ", message)
    assert checkpoint.read_bytes() == before and not out.exists()


def test_a_checkpoint_with_more_shapes_than_asked_for_is_refused(tmp_path, monkeypatch, capsys):
    picture = _picture(tmp_path / "ok.png")
    out = tmp_path / "o.png"
    for tiles, quota in (("1x1", 3), ("2x2", 1)):
        _interrupted_evolve(monkeypatch, 6 if tiles == "1x1" else 18, picture, "-n", 40, "--tiles", tiles, "-o", out)
        capsys.readouterr()
        out.unlink()  # the shapes so far, written on Ctrl-C
        assert _evolve(picture, "-n", 3 if tiles == "1x1" else 4, "--tiles", tiles, "-o", out, "--resume") == 2
        _one_line(capsys, "tiles[0] holds", f"more than the {quota} that")
        assert not out.exists()
        (tmp_path / "o.png.ckpt").unlink()


def test_evolve_checks_output_sizes_before_the_run(tmp_path, monkeypatch, capsys):
    picture = _picture(tmp_path / "ok.png")
    monkeypatch.setattr(Evolution, "search", lambda *args: pytest.fail("the run started"))
    assert _evolve(picture, "-n", 5, "--width", 1000000, "-o", tmp_path / "o.scene.json", "-o", tmp_path / "o.png") == 2
    _one_line(capsys, "o.png: output size 1000000x", "too large")
    assert [p.name for p in tmp_path.iterdir()] == ["ok.png"]
