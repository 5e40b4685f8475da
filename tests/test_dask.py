"""The Dask backend: a real 2-worker LocalCluster gives the local results, survives a killed
worker, and ends a run whose job kills every worker with one clear line."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from genart.animate.motions.flyin import flyin
from genart.animate.pipeline import render_frames
from genart.cli import main
from genart.generative.images import Picture
from genart.generative.methods.hillclimb import HillclimbSettings, fit
from genart.generative.mosaic.collection import Collection
from genart.generative.mosaic.index import index_folder
from genart.render import scene as S
from genart.runtime.execution import SCHEDULER_VARIABLE, ExecutionError, open_execution
from tests.conftest import random_scene
from tests.test_mosaic import _photos

pytestmark = pytest.mark.slow  # a real LocalCluster of worker processes

try:
    import dask
    from distributed import Client, LocalCluster
except ImportError:  # the tests must fail, not skip, where the extra is missing
    dask = None


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A 2-worker LocalCluster (worker processes with nannies); a job may fail once, not twice."""
    if dask is None:
        pytest.fail("distributed is not installed: pip install -e '.[test,dask]'")
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local.scheduler_address


def _picture(size: int = 64) -> Picture:
    from skimage import data

    rgb = np.asarray(Image.fromarray(data.astronaut()).resize((size, size), Image.Resampling.BOX))
    return Picture(rgb=rgb, name="astronaut", sha256="0" * 64)


SETTINGS = HillclimbSettings(shapes=48, tiles=(2, 2), resize=64, seed=3, candidates=40, max_age=15, repeats=2,
                             workers=2)


def _evolved(scheduler: str | None, settings: HillclimbSettings = SETTINGS) -> str:
    drawing = fit(_picture(), settings, scheduler=scheduler)
    return S.dumps(drawing.model_copy(update={"meta": {**drawing.meta, "seconds": 0}}))


def test_tiled_evolution_on_the_cluster_equals_local(cluster: str) -> None:
    local = _evolved(None)
    assert _evolved(cluster) == local
    one = SETTINGS.model_copy(update={"workers": 1})
    assert _evolved(None, one) == local


def test_tiles_in_waves_on_the_cluster_equal_local(cluster: str) -> None:
    """A 3x3 grid: its jobs run in waves across turns and rounds (a job starts once the tiles it touches
    are drawn), on the cluster as on 1 and 2 local workers, to the same scene."""
    waves = SETTINGS.model_copy(update={"tiles": (3, 3), "shapes": 72})
    local = _evolved(None, waves)
    assert _evolved(cluster, waves) == local
    assert _evolved(None, waves.model_copy(update={"workers": 1})) == local


def test_cli_takes_the_scheduler_from_the_variable(cluster: str, tmp_path: Path, monkeypatch) -> None:
    picture = tmp_path / "a.png"
    Image.fromarray(_picture().rgb).save(picture)
    args = ["evolve", str(picture), "-n", "24", "--tiles", "2x2", "--resize", "64", "--candidates", "30",
            "--max-age", "10", "--repeats", "2", "-q"]
    assert main([*args, "-o", str(tmp_path / "local.scene.json")]) == 0
    monkeypatch.setenv(SCHEDULER_VARIABLE, cluster)
    assert main([*args, "-o", str(tmp_path / "dask.scene.json")]) == 0
    local, remote = (json.loads((tmp_path / f"{n}.scene.json").read_text()) for n in ("local", "dask"))
    for doc in (local, remote):
        doc["meta"].pop("seconds")
    assert local == remote


def test_index_on_the_cluster_equals_local(cluster: str, tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    _photos(folder, count=24)
    (folder / "broken.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    local = index_folder(folder, tmp_path / "local.npz", (8, 16), jobs=2)
    remote = index_folder(folder, tmp_path / "dask.npz", (8, 16), scheduler=cluster)
    assert local == remote and local.unreadable == 1
    a, b = Collection.load(tmp_path / "local.npz"), Collection.load(tmp_path / "dask.npz")
    assert a.meta == b.meta and len(a) == 24
    for name in ("rgb_grid", "lab_grid", "lab_mean", "phash", "duplicate_grid"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert all(np.array_equal(a.thumbs[s], b.thumbs[s]) for s in (8, 16))
    assert (tmp_path / "local.npz").read_bytes() == (tmp_path / "dask.npz").read_bytes()


def test_movie_frames_on_the_cluster_equal_local(cluster: str, tmp_path: Path) -> None:
    clip = flyin(random_scene(n=20), duration=0.5, hold=0, seed=3)
    local = []
    for frame in render_frames(clip, (48, 28), 20, workers=2, hashing=True):
        local.append((frame.pixels.copy(), frame.digest))
        frame.release()
    remote = list(render_frames(clip, (48, 28), 20, hashing=True, scheduler=cluster))
    assert len(local) == len(remote) == 11  # 0.5 s at 20 fps: t = 0, 0.05, ..., 0.5 (the one clock)
    assert [f.index for f in remote] == list(range(11))
    assert all(np.array_equal(a, f.pixels) and digest == f.digest for (a, digest), f in zip(local, remote))
    S.save(random_scene(n=20), tmp_path / "s.scene.json")
    for name, extra in (("local", []), ("dask", ["--scheduler", cluster])):
        assert main(["animate", str(tmp_path / "s.scene.json"), "--motion", "flyin", "--duration", "0.4", "--hold", "0",
                     "--fps", "10", "--size", "48x28", "-q", "-o", f"{tmp_path / name}/", *extra]) == 0
    local_pngs, remote_pngs = (sorted((tmp_path / n).glob("*.png")) for n in ("local", "dask"))
    assert len(local_pngs) == len(remote_pngs) == 5  # 0.4 s at 10 fps, both ends
    for a, b in zip(local_pngs, remote_pngs):
        assert np.array_equal(np.asarray(Image.open(a)), np.asarray(Image.open(b)))


def test_a_worker_killed_mid_run_has_its_jobs_rerun(cluster: str) -> None:
    local = _evolved(None)
    killed: list[int] = []
    with Client(cluster, set_as_default=False) as watcher:
        pids = watcher.run(os.getpid)

        def kill_a_busy_worker() -> None:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                busy = [address for address, keys in watcher.processing().items() if keys and address in pids]
                if busy:
                    os.kill(pids[busy[0]], signal.SIGKILL)
                    killed.append(pids[busy[0]])
                    return
                time.sleep(0.01)

        killer = threading.Thread(target=kill_a_busy_worker)
        killer.start()
        remote = _evolved(cluster, SETTINGS.model_copy(update={"shapes": 120}))
        killer.join()
        watcher.wait_for_workers(2, timeout=60)
        after = watcher.run(os.getpid)
    assert killed, "no worker was busy to kill"
    assert killed[0] not in after.values()  # its nanny started a new one
    assert remote == _evolved(None, SETTINGS.model_copy(update={"shapes": 120}))
    assert local


def test_a_job_that_kills_every_worker_ends_with_one_line(cluster: str) -> None:
    with pytest.raises(ExecutionError) as failed, open_execution(scheduler=cluster) as execution:
        execution.map(os.abort, [()])
    message = str(failed.value)
    assert "killed every Dask worker" in message and "allowed-failures" in message and "\n" not in message
    with Client(cluster, set_as_default=False) as watcher:
        watcher.wait_for_workers(2, timeout=60)
