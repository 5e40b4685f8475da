"""A script's soundtrack, and the segments the movie is joined from, are files someone else may have
made: only a regular file within the limit is probed, and ffmpeg reads it as a sound file by the file
protocol only, so a "sound" that is really a playlist (HLS, a concat list) opens no other file and
connects nowhere. Each refusal: one line, exit 2, nothing written, within 15 s."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from genart.render.atomic import WriteError
from tests.hostile.test_scripts import MOVIE, SCRIPTS, make_piece, refused_quickly
from tests.hostile.traps import Listener, OpenedFifo


@pytest.mark.parametrize("kind", ["fifo", "dev-zero link", "folder", "sparse 20 GB"])
def test_a_special_soundtrack_is_refused_before_it_is_probed(tmp_path: Path, kind: str) -> None:
    folder = make_piece(tmp_path, MOVIE.replace("tone.wav", "song.wav"))
    path = folder / "song.wav"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero link":
        path.symlink_to("/dev/zero")
    elif kind == "folder":
        path.mkdir()
    else:  # a sound that plays, then 20 GB of holes
        shutil.copy(SCRIPTS / "tone.wav", path)
        with open(path, "r+b") as file:
            file.truncate(20 << 30)
    line = refused_quickly("soundtracks", ["run", "piece/piece.yaml", "--dry-run"], tmp_path,
                           needle="movie.soundtrack: song.wav: ")
    assert ("larger than" in line) == (kind == "sparse 20 GB"), line


def _playlist(kind: str, target: str) -> str:
    """A "sound" file that names `target`: an HLS playlist, or an ffconcat list."""
    if kind == "hls":
        return f"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:4.0,\n{target}\n#EXT-X-ENDLIST\n"
    return f"ffconcat version 1.0\nfile {target}\n"


# (the list's format, its file name, what it names: a FIFO outside the script's folder (through a link
# in the folder for a concat list, whose safe mode takes no other names) or this machine's port)
PLAYLISTS = [("hls", "song.m3u8", "fifo"), ("hls", "song.wav", "fifo"), ("hls", "song.m3u8", "http"),
             ("hls", "song.m3u8", "link"), ("concat", "song.ffconcat", "link"), ("concat", "song.wav", "link")]


@pytest.mark.parametrize(("kind", "name", "target"), PLAYLISTS, ids=["-".join(case) for case in PLAYLISTS])
def test_a_playlist_soundtrack_opens_nothing_and_connects_nowhere(tmp_path: Path, kind: str, name: str,
                                                                  target: str) -> None:
    folder = make_piece(tmp_path, MOVIE.replace("tone.wav", name))
    fifo = OpenedFifo(tmp_path / "private.ts")
    listener = Listener()
    (folder / "part.ts").symlink_to("../private.ts")
    named = {"fifo": str(fifo.path), "http": f"{listener.url}/part.ts", "link": "part.ts"}[target]
    (folder / name).write_text(_playlist(kind, named))
    try:
        line = refused_quickly("soundtracks", ["run", "piece/piece.yaml", "--dry-run"], tmp_path,
                               needle=f"movie.soundtrack: {name}: ")
    finally:
        connections = listener.close()
        opened = fifo.opened()
    assert not opened, "ffmpeg opened a file the playlist named, outside the script's folder"
    assert connections == 0, "ffmpeg connected to the address the playlist named"
    assert "not a sound file" in line, line


@pytest.mark.parametrize(("kind", "target"), [("hls", "fifo"), ("hls", "http"), ("concat", "link")])
def test_a_segment_that_is_a_playlist_opens_nothing(tmp_path: Path, kind: str, target: str) -> None:
    """The join reads segments as the cache serves them: a segment that is not one (a playlist named like
    a segment) is refused, nothing it names is opened."""
    from genart.script.movie import join

    segments = tmp_path / "cache"
    segments.mkdir()
    fifo = OpenedFifo(tmp_path / "private.mp4")
    listener = Listener()
    (segments / "part.mp4").symlink_to("../private.mp4")
    named = {"fifo": str(fifo.path), "http": f"{listener.url}/part.mp4", "link": "part.mp4"}[target]
    (segments / "shot-0.mp4").write_text(_playlist(kind, named))
    try:
        with pytest.raises(WriteError, match="shot-0.mp4 is not a .mp4 file"):
            join([segments / "shot-0.mp4"], tmp_path / "out.mp4", 8.0, None, 0.0)
    finally:
        connections = listener.close()
        opened = fifo.opened()
    assert not opened and connections == 0
    assert not (tmp_path / "out.mp4").exists()


def test_a_soundtrack_by_a_name_ffmpeg_would_take_for_a_protocol_is_read_as_a_file(tmp_path: Path) -> None:
    """`http:song.wav` is a file of the script's folder (ffmpeg is given `file:` and the whole path)."""
    folder = make_piece(tmp_path, MOVIE.replace("tone.wav", "'http:song.wav'"))
    shutil.copy(SCRIPTS / "tone.wav", folder / "http:song.wav")
    from genart.script.load import load

    piece = load(folder / "piece.yaml")
    assert piece.soundtrack == folder / "http:song.wav"
