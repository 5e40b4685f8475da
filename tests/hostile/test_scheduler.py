"""Where work runs: only the person running genart chooses a Dask scheduler (its results come back
unpickled, so its address is as trusted as a shell). A script can never name one (F0), and an address
that is not a scheduler's, or a scheduler that never answers, ends in one line within 15 s (F11)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile.conftest import refused

ROOT = Path(__file__).resolve().parents[2]
FACE = ROOT / "assets" / "scripts" / "face.jpg"
BOUND = 15.0  # seconds a refusal may take, a silent scheduler's included


class Listener:
    """A TCP port on the loopback that accepts connections and never says a word (a tarpit, or an
    attacker's fake scheduler waiting for a client to unpickle what it sends); counts who came."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._done.is_set():
            try:
                self.accepted.append(self.socket.accept()[0])
            except TimeoutError:
                continue

    def close(self) -> None:
        self._done.set()
        self._thread.join()
        for conn in self.accepted:
            conn.close()
        self.socket.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    tarpit = Listener()
    yield tarpit
    tarpit.close()


def _script(folder: Path, extra: str) -> None:
    shutil.copy(FACE, folder / "face.jpg")
    (folder / "s.yaml").write_text(f"genart: 1\ninputs: {{face: face.jpg}}\nscenes:\n"
                                   f"  tris: {{from: face, method: hillclimb, shapes: 8, tiles: [2, 1]{extra}}}\n"
                                   "posters:\n  - {scene: tris, out: tris.png}\n")


def test_a_script_cannot_name_a_scheduler(tmp_path: Path, listener: Listener) -> None:
    """F0: the key is not part of a scene, so the script is refused before anything runs, and nothing
    connected to the attacker's port."""
    _script(tmp_path, f", scheduler: 'tcp://127.0.0.1:{listener.port}'")
    line = refused("scheduler", ["run", "s.yaml"], tmp_path, needle="scheduler")
    assert "s.yaml:4:" in line, line
    time.sleep(0.3)  # a connection attempt in flight would have landed by now
    assert not listener.accepted


def test_a_scene_setting_cannot_reach_the_cluster_through_set(tmp_path: Path, listener: Listener) -> None:
    _script(tmp_path, "")
    refused("scheduler", ["run", "s.yaml", "--set", f"scenes.tris.scheduler=tcp://127.0.0.1:{listener.port}"],
            tmp_path, needle="scheduler")
    assert not listener.accepted


BAD_ADDRESSES = ["tcp://[::1", "inproc://", "inproc://127.0.0.1/1/2", "ucx://127.0.0.1:8786", "ws://127.0.0.1:1",
                 "tcp://127.0.0.1:99999", "tcp://user:pw@127.0.0.1:8786", "tcp://127.0.0.1:8786/x", "tcp://:8786",
                 "tcp://a b:1"]


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_an_address_that_is_not_a_schedulers_is_one_line(tmp_path: Path, address: str) -> None:
    """F11: checked before anything connects, from the command line and from the environment alike."""
    (tmp_path / "photos").mkdir()
    began = time.monotonic()
    line = refused("scheduler", ["mosaic", "index", "photos", "-o", "c.npz", "--scheduler", address], tmp_path,
                   needle="scheduler")
    assert address.split("://")[0] in line and "Traceback" not in line
    shutil.copy(FACE, tmp_path / "face.jpg")
    refused("scheduler", ["evolve", "face.jpg", "-o", "f.png", "-n", "4", "--tiles", "2x1", "--workers", "1"], tmp_path,
            env={"GENART_SCHEDULER": address}, needle="GENART_SCHEDULER")
    assert time.monotonic() - began < 2 * BOUND


def test_a_scheduler_that_never_answers_is_one_line_within_the_bound(tmp_path: Path, listener: Listener) -> None:
    """F11: a port that accepts and stays silent held `mosaic index` 77 s; now CONNECT_SECONDS (10 s)."""
    (tmp_path / "photos").mkdir()
    shutil.copy(FACE, tmp_path / "photos" / "a.jpg")
    address = f"tcp://127.0.0.1:{listener.port}"
    began = time.monotonic()
    line = refused("scheduler", ["mosaic", "index", "photos", "-o", "c.npz", "--scheduler", address], tmp_path,
                   needle=address)
    assert "did not answer within 10 s" in line and time.monotonic() - began < BOUND
    assert listener.accepted  # it did try: the one connection the check makes


def test_a_closed_port_is_one_line(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
    shutil.copy(FACE, tmp_path / "face.jpg")
    began = time.monotonic()
    refused("scheduler", ["evolve", "face.jpg", "-o", "f.png", "-n", "4", "--tiles", "2x1", "--workers", "1",
                          "--scheduler", f"127.0.0.1:{port}"], tmp_path, needle=f"tcp://127.0.0.1:{port}")
    assert time.monotonic() - began < BOUND
