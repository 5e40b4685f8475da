"""growth, mosaic_zoom and timelapse on generated scenes, the succession/cross-fade, and the CLI."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from genart.animate.frame import Frame, SettledCache, render_bgra, render_rgb
from genart.animate.motions.growth import growth
from genart.animate.motions.mosaic_zoom import TileCache, mosaic_zoom
from genart.animate.motions.timelapse import NoSnapshotsError, timelapse
from genart.animate.timeline import crossfade
from genart.cli import main
from genart.generative.images import rmse_255
from genart.render.cairo import render_array
from genart.render.scene import Canvas, GraphLayer, MosaicLayer, Scene, Snapshot, save
from tests.test_anim import decode, gif_delays, shapes_scene

WHITE = (1.0, 1.0, 1.0, 1.0)


def graph_scene() -> Scene:
    """Three GNG-like snapshots: node 1 moves, node 2 is removed, nodes 3 and 4 are born."""
    s0 = GraphLayer(ids=[0, 1, 2], xy=[(10, 10), (50, 10), (30, 40)], edges=[(0, 1), (1, 2)], edge_width=3, node_radius=2)
    s1 = GraphLayer(ids=[0, 1, 3], xy=[(10, 10), (70, 30), (40, 50)], edges=[(0, 1), (1, 3)], edge_width=3, node_radius=2)
    s2 = GraphLayer(ids=[0, 1, 3, 4], xy=[(10, 10), (70, 30), (40, 50), (70, 50)], edges=[(0, 1), (1, 3), (3, 4)],
                    edge_width=3, node_radius=2)
    return Scene(canvas=Canvas(width=80, height=60, background=WHITE), layers=[s2],
                 snapshots=[Snapshot(step=k, layers=[s]) for k, s in enumerate((s0, s1, s2))])


def test_growth_moves_matched_nodes_and_fades_others():
    scene = graph_scene()
    clip = growth(scene, duration=2.0, hold=0.0, easing="linear")
    first = render_rgb(clip.frame_at(0.0), 80, 60)
    assert rmse_255(first, render_array(scene, 80, 60, layers=scene.snapshots[0].layers)) < 1.0
    last = render_rgb(clip.frame_at(clip.length), 80, 60)
    assert rmse_255(last, render_array(scene, 80, 60)) < 1.0
    assert clip.knots == pytest.approx([0.0, 0.65, 1.0])  # paced by node changes: 2 then 1 (90%), 5% each besides
    half = clip.frame_at(0.65)  # halfway between snapshot 0 and 1
    edges, dots = half.items
    ids_alpha = dict(zip(map(tuple, dots.centers.round(3).tolist()), dots.colors[:, 3]))
    assert ids_alpha[(60.0, 20.0)] == pytest.approx(1.0)  # node 1 half way from (50,10) to (70,30)
    assert ids_alpha[(30.0, 40.0)] == pytest.approx(0.5)  # node 2 fading out in place
    # node 3 is born from its old neighbour node 1: starts at (50,10), heads to (40,50)
    assert (45.0, 30.0) in ids_alpha and ids_alpha[(45.0, 30.0)] == pytest.approx(0.5)
    assert sorted(edges.colors[:, 3].tolist()) == pytest.approx([0.5, 0.5, 1.0])


def test_growth_and_timelapse_need_snapshots(tmp_path):
    bare = Scene(canvas=Canvas(width=10, height=10), layers=graph_scene().layers)
    with pytest.raises(NoSnapshotsError, match="no snapshots"):
        growth(bare)
    with pytest.raises(NoSnapshotsError, match="no snapshots"):
        timelapse(bare)
    path = tmp_path / "bare.scene.json"
    save(bare, path)
    for motion in ("growth", "timelapse"):
        out = tmp_path / f"{motion}.mp4"
        assert main([ "animate", str(path), "--motion", motion, "-o", str(out), "--no-progress"]) == 2
        assert not out.exists()


def test_timelapse_replays_snapshots_with_drop_schedule():
    scene = shapes_scene(n=40)  # 21 prefix snapshots, the last one is the whole poster
    clip = timelapse(scene, duration=2.0, hold=0.0, drop_rate=2.0)
    assert len(clip.states[0][0].shapes) == 0 and clip.steps[-1] == 40
    gaps = np.diff(clip.steps)
    assert len(clip.states) < 21 and np.all(np.diff(gaps) >= 0)
    last = render_rgb(clip.frame_at(clip.length), 160, 90)
    assert rmse_255(last, render_array(scene, 160, 90)) < 0.5
    shown = [clip.index_at(u) for u in np.linspace(0, 1, 50)]
    assert shown[0] == 0 and shown[-1] == len(clip.states) - 1 and np.all(np.diff(shown) >= 0)
    assert clip.prefixes is not None  # prefix snapshots: drawn incrementally over a cached picture
    cache = SettledCache()
    for u in np.linspace(0, 1, 12):
        frame = clip.at(u)
        layers = clip.states[clip.index_at(u)]
        assert np.array_equal(render_bgra(frame, 160, 90, cache=cache)[..., 2::-1],
                              render_array(scene, 160, 90, layers=layers))


def test_timelapse_of_full_drawing_snapshots():
    graph = graph_scene()
    clip = timelapse(graph, duration=1.0, hold=0.0)
    assert clip.prefixes is None and len(clip.states) == 3
    assert rmse_255(render_rgb(clip.at(0.0), 80, 60), render_array(graph, 80, 60, layers=graph.snapshots[0].layers)) < 0.5


def tile_source(tile_id: int, size_px: int) -> np.ndarray:
    """A generated collection: tile i is a diagonal gradient in its own hue, sharp at any size."""
    hue = np.array([(tile_id * 53) % 256, (tile_id * 97) % 256, (tile_id * 151) % 256], np.float64)
    y, x = (np.mgrid[0:size_px, 0:size_px] + 0.5) / size_px
    image = hue * (0.5 + 0.25 * (x + y))[..., None]
    image[(y * 8) % 1 < 0.25] = 255  # eight fine stripes, the same at every size: blur would show
    return image.astype(np.uint8)


def mosaic_scene() -> Scene:
    cols, rows = 8, 6
    layer = MosaicLayer(collection="generated", columns=cols, rows=rows, tiles=list(range(cols * rows)))
    return Scene(canvas=Canvas(width=160, height=120, background=WHITE), layers=[layer])


def test_mosaic_zoom_starts_on_one_sharp_tile_and_ends_on_the_mosaic():
    scene = mosaic_scene()
    asked: list[int] = []

    def tiles(tile_id: int, size_px: int) -> np.ndarray:
        asked.append(size_px)
        return tile_source(tile_id, size_px)

    clip = mosaic_zoom(scene, tiles, target="2,3", duration=1.0, start=0.0, hold=0.0)
    first = render_rgb(clip.frame_at(0.0), 160, 120)
    assert max(asked) >= 160  # the tile was asked for at (at least) the frame's size: sharp
    # the square tile fills the 4:3 frame: its full width, the middle 3/4 of its height
    expected = np.asarray(Image.fromarray(tile_source(19, 256)).resize((160, 160), Image.Resampling.BOX))[20:140]
    assert rmse_255(first, expected) < 12
    assert clip.view_at(1.0) == pytest.approx((0.0, 0.0, 160.0, 120.0))
    last = render_rgb(clip.frame_at(clip.length), 160, 120)
    assert rmse_255(last, render_array(scene, 160, 120, tiles=TileCache(tile_source))) < 1.0
    widths = [clip.view_at(u)[2] for u in np.linspace(0, 1, 20)]
    assert np.all(np.diff(widths) > 0)
    back = mosaic_zoom(scene, tiles, target="tile:19", reverse=True)
    assert back.view_at(0.0) == pytest.approx(clip.view_at(1.0)) and back.view_at(1.0) == pytest.approx(clip.view_at(0.0))


def test_tile_cache_rounds_up_and_stays_bounded():
    cache = TileCache(tile_source, max_bytes=3 * 64 * 64 * 3)
    assert cache(1, 50).shape == (64, 64, 3)
    for i in range(10):
        cache(i, 60)
    assert cache.bytes <= 3 * 64 * 64 * 3 and len(cache.cache) == 3


def test_crossfade_paints_the_second_frame_over_the_first():
    red = Frame(canvas=Canvas(width=20, height=10, background=(1, 0, 0, 1)))
    blue = Frame(canvas=Canvas(width=20, height=10, background=(0, 0, 1, 1)))
    mix = render_rgb(crossfade(red, blue, 0.25), 20, 10)
    assert np.abs(mix[5, 5].astype(int) - [191, 0, 64]).max() <= 1


def test_cli_flyin_mp4_and_preview_gif(tmp_path, capsys):
    path = tmp_path / "s.scene.json"
    save(shapes_scene(n=20), path)
    out = tmp_path / "fly.mp4"
    code = main(["animate", str(path), "--motion", "flyin", "-o", str(out), "--size", "96x54", "--fps", "20",
                 "--duration", "1", "--hold", "0.5", "--order", "size", "--easing", "ease_out_back", "--no-progress"])
    assert code == 0 and capsys.readouterr().out.strip() == str(out)
    meta, frames = decode(out)
    assert meta["size"] == (96, 54) and len(frames) == 31  # t = 0 … 1.5 s at 20 fps, one clock
    gif = tmp_path / "prev.gif"
    assert main(["animate", str(path), "--motion", "timelapse", "-o", str(gif), "--preview", "--dedupe", "2",
                 "--drop-rate", "1.5", "--no-progress"]) == 0
    with Image.open(gif) as im:
        assert max(im.size) == 320
    assert sum(gif_delays(gif)) == pytest.approx(1000 * (3.0 * 12 + 1) / 12, abs=10)  # 37 frames at 12 fps


def test_cli_growth_best_gif_and_webm(tmp_path):
    path = tmp_path / "g.scene.json"
    save(graph_scene(), path)
    gif = tmp_path / "g.gif"
    assert main(["animate", str(path), "--motion", "growth", "-o", str(gif), "--size", "80", "--fps", "10",
                 "--duration", "1", "--hold", "0", "--gif-quality", "best", "--dedupe", "--no-progress"]) == 0
    assert sum(gif_delays(gif)) == 1100  # t = 0 … 1 s: 11 frames of 0.1 s
    webm = tmp_path / "g.webm"
    assert main(["animate", str(path), "--motion", "growth", "-o", str(webm), "--size", "80x60", "--fps", "10",
                 "--duration", "1", "--hold", "0", "--no-progress"]) == 0
    assert len(decode(webm)[1]) == 11


@pytest.mark.parametrize("args, message", [
    (["--motion", "flyin", "-o", "{d}/x.avi"], "unknown movie format"),
    (["--motion", "flyin", "-o", "{d}/nope/x.mp4"], "does not exist"),
    (["--motion", "flyin", "-o", "{d}/x.mp4", "--size", "big"], "--size"),
    (["--motion", "flyin", "-o", "{d}/x.mp4", "--drop-rate", "2"], "timelapse only"),
    (["--motion", "flyin", "-o", "{d}/x.mp4", "--fps", "0"], "--fps"),
    (["--motion", "mosaic_zoom", "-o", "{d}/x.mp4"], "needs a mosaic layer"),
    (["--motion", "growth", "-o", "{d}/x.mp4"], "no graph layer"),
])
def test_cli_errors_are_one_line_and_write_nothing(tmp_path, capsys, args, message):
    path = tmp_path / "s.scene.json"
    save(shapes_scene(n=5), path)
    argv = ["animate", str(path), *[a.format(d=tmp_path) for a in args], "--no-progress"]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err and err.startswith("genart animate: error:")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.scene.json"]


def test_cli_missing_scene(tmp_path, capsys):
    assert main(["animate", str(tmp_path / "none.json"), "--motion", "flyin", "-o", str(tmp_path / "x.mp4")]) == 2
    assert "no such file" in capsys.readouterr().err
