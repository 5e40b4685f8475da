"""The live preview (`--preview`) and the run report (`--report`).

The end-to-end test drives Debian's headless Chromium over its DevTools protocol
(websocket-client, in the test extra): it fails, and says why, where Chromium is missing.
"""

from __future__ import annotations

import base64
import http.client
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from genart.generative.hillclimb import ClimbSettings
from genart.generative.hillclimb_settings import EvolveSettings
from genart.generative.hillclimb_tiles import evolve
from genart.generative.images import Picture
from genart.preview.live import Live
from genart.preview.server import PreviewServer
from genart.runtime.progress import SILENT, Count, Progress

pytestmark = pytest.mark.slow  # headless Chromium against the live preview

ASTRONAUT = Path(__file__).resolve().parent.parent / "assets" / "astronaut.jpg"
GENART = [sys.executable, "-m", "genart"]


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "headless Chromium is needed (Debian's `chromium`, installed by .ci/run): not found"
    return found


class Browser:
    """Headless Chromium driven over the DevTools protocol: open a page, evaluate script, take screenshots."""

    def __init__(self, profile: Path) -> None:
        import websocket

        self.process = subprocess.Popen(
            [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
             "--window-size=1400,900", "--force-device-scale-factor=1", "--remote-debugging-port=0",
             f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            assert time.monotonic() < deadline, "Chromium did not open its DevTools port within 30 s"
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as reply:
            page = next(t for t in json.load(reply) if t["type"] == "page")
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30, suppress_origin=True)
        self.next_id = 0

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                assert "error" not in message, message["error"]
                return message["result"]

    def evaluate(self, expression: str) -> Any:
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")

    def wait_for(self, expression: str, seconds: float = 30.0) -> Any:
        """The expression's value once it is truthy (polled)."""
        deadline = time.monotonic() + seconds
        while not (value := self.evaluate(expression)):
            assert time.monotonic() < deadline, f"the page never made {expression} true"
            time.sleep(0.1)
        return value

    def shot(self, selector: str) -> np.ndarray:
        """A screenshot of the element `selector` as an RGB array."""
        box = self.evaluate(f"(() => {{ const r = document.querySelector({json.dumps(selector)})"
                            ".getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })()")
        clip = {"x": box[0], "y": box[1], "width": box[2], "height": box[3], "scale": 1}
        data = self.call("Page.captureScreenshot", format="png", clip=clip)["data"]
        return np.asarray(Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB"))

    def close(self) -> None:
        self.socket.close()
        self.process.terminate()
        self.process.wait(timeout=30)


class Run:
    """A `genart` command started in the background, its stderr read line by line."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen([*GENART, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)

    def port(self, seconds: float = 120.0) -> int:
        """The port the command printed for its preview."""
        deadline = time.monotonic() + seconds
        while True:
            for line in self.lines:
                if "preview at http://127.0.0.1:" in line:
                    return int(line.split("http://127.0.0.1:")[1].split("/")[0])
            assert self.process.poll() is None, f"the run ended before it served its preview: {''.join(self.lines)}"
            assert time.monotonic() < deadline, "no preview address printed"
            time.sleep(0.1)


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_evolve_preview_live_in_chromium(tmp_path: Path) -> None:
    run = Run("evolve", str(ASTRONAUT), "-n", "20000", "--resize", "128", "--seconds", "120", "--workers", "1",
              "--preview", "-q", "-o", str(tmp_path / "a.png"))
    browser = None
    try:
        port = run.port()
        browser = Browser(tmp_path / "profile")
        browser.call("Page.navigate", url=f"http://127.0.0.1:{port}/")
        first_version = int(browser.wait_for("document.querySelector('#canvas')?.dataset.version"))
        first_points = int(browser.wait_for("document.querySelector('#curve-time')?.dataset.points"))
        first = browser.shot("#canvas")
        browser.wait_for(f"+document.querySelector('#canvas').dataset.version > {first_version} + 3")
        second = browser.shot("#canvas")
        second_points = int(browser.evaluate("document.querySelector('#curve-time').dataset.points"))
        assert first.shape == second.shape and first.size > 0
        assert np.abs(first.astype(int) - second.astype(int)).sum() > 0, "the canvas did not change"
        assert second_points > first_points, "the error curve gained no points"
        assert "live" in browser.evaluate("document.querySelector('#status').textContent")
        target = browser.shot("#target")
        assert target.std() > 10, "the target is not shown"
        browser.close()  # closing the page does not stop the run
        browser = None
        time.sleep(1.0)
        assert run.process.poll() is None, "closing the page stopped the run"
        run.process.send_signal(signal.SIGINT)
        assert run.process.wait(timeout=60) == 130
        run.reader.join(timeout=10)
        assert "Traceback" not in "".join(run.lines), "".join(run.lines)
        assert (tmp_path / "a.png").exists(), "an interrupted run writes its shapes so far"
        assert not _port_open(port), "the preview's port is still open after the run stopped"
    finally:
        if browser is not None:
            browser.close()
        if run.process.poll() is None:
            run.process.kill()
            run.process.wait()


@pytest.fixture
def server() -> Iterator[PreviewServer]:
    live = Live(title="test")
    target = np.zeros((8, 8, 3))
    live.report(Progress("shapes", 1, 2, "shape", 0.5, 12.0, target, lambda: target))
    preview = PreviewServer(live)
    preview.start()
    yield preview
    preview.stop()


def _get(port: int, target: str, host: str | None = None) -> tuple[int, bytes]:
    """Send a raw request line (no client-side normalising) and return the status and body."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: {host or f'127.0.0.1:{port}'}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


@pytest.mark.parametrize("target", [
    "/../pyproject.toml", "/static/../server.py", "/static/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
    "/static/%2e%2e/server.py", "/static/%2E%2E%2Fserver.py", "/static/%252e%252e/server.py", "/static/..%5cserver.py",
    "//etc/passwd", "/etc/passwd", "/static//etc/passwd", "/static/C:/Windows/win.ini",
    "http://127.0.0.1/etc/passwd", "/static/__init__.py", "/static/", "/genart/preview/server.py",
])
def test_server_serves_nothing_outside_its_files(server: PreviewServer, target: str) -> None:
    status, body = _get(server.port, target)
    assert status in (400, 404), (target, status)
    assert b"root:" not in body and b"import" not in body and b"[project]" not in body


def test_server_serves_its_own_files_on_loopback_only(server: PreviewServer) -> None:
    assert server.socket.getsockname()[0] == "127.0.0.1"
    for target, kind in [("/", b"<!doctype html>"), ("/static/preview.js", b"EventSource"),
                         ("/static/preview.css", b"body"), ("/canvas.png", b"\x89PNG"), ("/target.png", b"\x89PNG"),
                         ("/difference.png", b"\x89PNG"), ("/curve.svg?x=done", b"<svg")]:
        status, body = _get(server.port, target)
        assert status == 200 and kind in body, target
    assert _get(server.port, "/", host="evil.example")[0] == 400  # DNS rebinding: a foreign Host is refused
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:  # this machine's outward address, if any
        try:
            probe.connect(("192.0.2.1", 9))
            outward = probe.getsockname()[0]
        except OSError:
            outward = None
    if outward and not outward.startswith("127."):
        with socket.socket() as s:
            s.settimeout(2)
            assert s.connect_ex((outward, server.port)) != 0, f"the preview answers on {outward}"


def test_event_stream_sends_each_state(server: PreviewServer) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", "/events")
    reply = connection.getresponse()
    assert reply.status == 200 and reply.getheader("Content-Type") == "text/event-stream"
    first = json.loads(reply.readline().decode().removeprefix("data: "))
    assert first["done"] == 1 and first["points"] == 1
    reply.readline()
    target = np.zeros((8, 8, 3))
    server.live.report(Progress("shapes", 2, 2, "shape", 1.0, 10.0, target, lambda: target))
    second = json.loads(reply.readline().decode().removeprefix("data: "))
    assert second["done"] == 2 and second["points"] == 2 and second["eta"] == 0.0
    connection.close()


class Recorder:
    """A reporter that wants every event and draws each picture (as a watcher would)."""

    def __init__(self) -> None:
        self.events: list[Progress] = []

    def due(self) -> bool:
        return True

    def report(self, progress: Progress) -> None:
        progress.picture()
        self.events.append(progress)

    def count(self, count: Count) -> None:
        """Counts are for the bars: not watched here."""


@pytest.mark.parametrize("tiles", [(1, 1), (2, 2)])
def test_reporting_leaves_the_result_unchanged(tiles: tuple[int, int]) -> None:
    rng = np.random.default_rng(3)
    picture = Picture(rgb=(rng.random((48, 48, 3)) * 255).astype(np.uint8), name="noise", sha256="0" * 64)
    settings = EvolveSettings(shapes=24, climb=ClimbSettings(candidates=30, max_age=10, repeats=2, workers=1), tiles=tiles,
                              resize=48)
    plain = evolve(picture, settings, reporter=SILENT)
    recorder = Recorder()
    watched = evolve(picture, settings, reporter=recorder)
    assert [t.params for t in watched.states] == [t.params for t in plain.states]
    assert recorder.events and recorder.events[-1].picture().shape == (48, 48, 3)
    if tiles != (1, 1):
        assert {e.phase for e in recorder.events} == {"tiles"} and len(recorder.events[0].tiles) == 4


class _Report(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: dict[str, str] = {}
        self.curves: dict[str, str] = {}
        self._svg: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "img":
            self.images[a["id"] or ""] = a["src"] or ""
        elif tag == "svg":
            self._svg = a.get("id")
        elif tag == "polyline" and self._svg:
            self.curves[self._svg] = a["points"] or ""


def test_report_has_a_real_curve_and_a_timelapse(tmp_path: Path) -> None:
    done = subprocess.run([*GENART, "evolve", str(ASTRONAUT), "-n", "60", "--resize", "64", "--workers", "1", "-q",
                           "--report", "-o", str(tmp_path / "a.png")], capture_output=True, text=True, timeout=300,
                          env={**os.environ})
    assert done.returncode == 0, done.stderr
    parsed = _Report()
    parsed.feed((tmp_path / "report.html").read_text())
    points = parsed.curves["curve-done"].split()
    assert len(points) >= 60 and all(len(p.split(",")) == 2 for p in points)
    for name in ("target", "result"):
        assert Image.open(io.BytesIO(base64.b64decode(parsed.images[name].split(",", 1)[1]))).size[0] > 0
    gif = Image.open(io.BytesIO(base64.b64decode(parsed.images["timelapse"].split(",", 1)[1])))
    assert gif.format == "GIF" and gif.n_frames > 5


def test_a_fixed_port_is_free_again_right_after_a_run() -> None:
    """The server closes each connection after its answer (so the closed connection waits on its side):
    the next run with the same --preview-port can still listen on it."""
    first = PreviewServer(Live(title="first"))
    first.start()
    port = first.port
    try:
        assert _get(port, "/")[0] == 200
    finally:
        first.stop()
    again = PreviewServer(Live(title="again"), port)
    again.start()
    try:
        assert _get(port, "/")[0] == 200
    finally:
        again.stop()
