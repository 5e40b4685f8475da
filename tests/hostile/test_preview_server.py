"""The preview server (`--preview`) under a siege: hundreds of connections that send nothing, or
trickle their headers byte by byte (slowloris), while a real `genart evolve --preview` runs under
the hostile memory cap (issue 24, F3). The page and the event stream must still be answered within
a second, memory must grow by under 100 MB, the idle connections must be timed out, and the fit
must complete with nothing printed but its own lines. Then requests a browser never sends: two
Host headers, oversized headers, pipelined requests, more connections than the server holds.
"""

from __future__ import annotations

import http.client
import json
import os
import resource
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from genart.preview.live import Live
from genart.preview.server import MAX_CONNECTIONS, MAX_REQUEST, REQUEST_TIMEOUT, PreviewServer
from genart.runtime.progress import Progress
from tests.hostile.conftest import CASES, MEMORY_CAP, PICTURE, TIMEOUT, children, leftovers, shm

SIEGE = 500  # connections held open at once
ANSWERED_WITHIN = 1.0  # seconds for the page (and a new event stream) during the siege
GROWTH = 100 << 20  # bytes the genart process's memory may grow by during the siege
FIT_SECONDS = 25  # the fit's time budget: it outlasts the siege and the server's request timeout
FIT = ["evolve", str(PICTURE), "-n", "20000", "--resize", "128", "--seconds", str(FIT_SECONDS), "--workers", "1",
       "--preview", "-q", "-o", "a.png"]


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


class PreviewedFit:
    """`genart evolve --preview` in `folder`, under the hostile memory cap; its stderr read line by line and
    its resident memory sampled every 50 ms."""

    def __init__(self, folder: Path) -> None:
        (folder / "tmp").mkdir()
        self.folder = folder
        self.processes, self.shm = children(), shm()
        self.process = subprocess.Popen([sys.executable, "-m", "genart", *FIT], cwd=folder, stderr=subprocess.PIPE,
                                        stdout=subprocess.DEVNULL, text=True, preexec_fn=_cap,
                                        env={**os.environ, "TMPDIR": str(folder / "tmp")})
        self.lines: list[str] = []
        self.peak = 0  # bytes, the largest resident size sampled since `reset_peak`
        self._stopped = threading.Event()
        self._threads = [threading.Thread(target=self._read, daemon=True),
                         threading.Thread(target=self._sample, daemon=True)]
        for thread in self._threads:
            thread.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)

    def rss(self) -> int:
        """The process's resident memory in bytes (0 once it has ended)."""
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return 0
        return next((int(line.split()[1]) << 10 for line in status.splitlines() if line.startswith("VmRSS:")), 0)

    def _sample(self) -> None:
        while not self._stopped.wait(0.05):
            self.peak = max(self.peak, self.rss())

    def reset_peak(self) -> int:
        """Start sampling the peak afresh; the resident memory now."""
        self.peak = now = self.rss()
        return now

    def port(self) -> int:
        """The port the run printed for its preview."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            for line in self.lines:
                if "preview at http://127.0.0.1:" in line:
                    return int(line.split("http://127.0.0.1:")[1].split("/")[0])
            assert self.process.poll() is None, f"the run ended before it served its preview: {''.join(self.lines)}"
            assert time.monotonic() < deadline, "no preview address printed"
            time.sleep(0.05)

    def finish(self) -> tuple[int, str]:
        """Wait for the run to end; its exit status and stderr. Asserts it left no process and /dev/shm as it was."""
        status = self.process.wait(timeout=TIMEOUT)
        self._stopped.set()
        for thread in self._threads:
            thread.join(timeout=10)
        assert not leftovers(self.processes)
        assert shm() == self.shm, shm() ^ self.shm
        return status, "".join(self.lines)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._stopped.set()


def get(port: int, target: str = "/", head: str | None = None) -> tuple[int, bytes]:
    """One GET with a raw head (by default Host 127.0.0.1:PORT and Connection: close); the status and body
    (0 and nothing where the server closed the connection without an answer)."""
    head = head if head is not None else f"Host: 127.0.0.1:{port}\r\nConnection: close\r\n"
    data = b""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        try:
            s.sendall(f"GET {target} HTTP/1.1\r\n{head}\r\n".encode())
            while chunk := s.recv(65536):
                data += chunk
        except (BrokenPipeError, ConnectionResetError):
            pass
    reply, _, body = data.partition(b"\r\n\r\n")
    return (int(reply.split()[1]), body) if reply else (0, b"")


class EventStream:
    """The page's event stream, read state by state."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.connection.request("GET", "/events")
        self.reply = self.connection.getresponse()
        assert self.reply.status == 200 and self.reply.getheader("Content-Type") == "text/event-stream"

    def state(self) -> dict[str, object]:
        """The next state sent (idle comments skipped)."""
        while True:
            line = self.reply.readline()
            assert line, "the event stream ended"
            if line.startswith(b"data: "):
                found: dict[str, object] = json.loads(line[len(b"data: "):])
                return found

    def done(self, past: int = -1, seconds: float = 10.0) -> int:
        """The count of units done of the first state to come with more than `past` (within `seconds`)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            done = self.state().get("done")
            if isinstance(done, int) and done > past:
                return done
        raise AssertionError(f"no state with more than {past} units done came within {seconds:.0f} s")

    def close(self) -> None:
        self.connection.close()


def is_open(s: socket.socket) -> bool:
    """Whether the server has not closed the connection (a socket of `besiege`: nothing to read yet, no end,
    no reset)."""
    try:
        return s.recv(1, socket.MSG_PEEK) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False


def besiege(port: int, count: int, slowloris: bool) -> list[socket.socket]:
    """`count` connections (non-blocking once open) that send nothing, or (slowloris) a request line and the
    start of a header."""
    siege = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        if slowloris:
            s.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Slow: ".encode())
        s.setblocking(False)
        siege.append(s)
    return siege


def trickle(siege: list[socket.socket]) -> int:
    """One more byte of header to each connection still open; how many took it."""
    took = 0
    for s in siege:
        try:
            s.send(b"a")
            took += 1
        except OSError:
            pass
    return took


@pytest.mark.parametrize("slowloris", [False, True], ids=["idle", "slowloris"])
def test_a_siege_of_connections_leaves_the_page_the_stream_and_the_fit(tmp_path: Path, slowloris: bool) -> None:
    fit = PreviewedFit(tmp_path)
    siege: list[socket.socket] = []
    streams: list[EventStream] = []
    try:
        port = fit.port()
        streams.append(EventStream(port))  # the page's stream, open before the siege
        before = streams[0].done()  # the fit has started
        resident = fit.reset_peak()
        opened = time.monotonic()
        siege = besiege(port, SIEGE, slowloris)
        for _ in range(3):  # the slow ones go on sending while the page is asked for
            time.sleep(0.3)
            if slowloris:
                assert trickle(siege) == SIEGE, "the server dropped slow connections it should still hold"
        started = time.monotonic()
        status, body = get(port)
        took = time.monotonic() - started
        assert status == 200 and b"<!doctype html>" in body, status
        assert took < ANSWERED_WITHIN, f"the page took {took:.2f} s under a siege of {SIEGE}"
        started = time.monotonic()
        streams.append(EventStream(port))
        assert streams[1].state(), "a new event stream sent no state"
        took = time.monotonic() - started
        assert took < ANSWERED_WITHIN, f"a new event stream took {took:.2f} s under a siege of {SIEGE}"
        streams[0].done(before)  # the fit goes on, and the stream with it
        assert all(is_open(s) for s in siege), f"the server did not hold {SIEGE} connections"
        growth = fit.peak - resident
        assert growth < GROWTH, f"memory grew by {growth >> 20} MB under the siege"
        deadline = opened + REQUEST_TIMEOUT + 5.0
        while any(is_open(s) for s in siege) and time.monotonic() < deadline:
            if slowloris:
                trickle(siege)
            time.sleep(0.5)
        still = sum(is_open(s) for s in siege)
        assert still == 0, f"{still} connections that never sent a whole request were not closed " \
                           f"{REQUEST_TIMEOUT + 5.0:.0f} s after they opened"
        assert fit.process.poll() is None, "the fit ended before the test could see it through the siege"
        status, err = fit.finish()
        assert status == 0, err
        assert "Traceback" not in err and "error" not in err.lower(), err
        assert (tmp_path / "a.png").stat().st_size > 0
        CASES["preview server"] += 1
    finally:
        for s in siege:
            s.close()
        for stream in streams:
            stream.close()
        fit.kill()


@pytest.fixture
def server() -> Iterator[PreviewServer]:
    live = Live(title="test")
    target = np.zeros((8, 8, 3))
    live.report(Progress("shapes", 1, 2, "shape", 0.5, 12.0, target, lambda: target))
    preview = PreviewServer(live)
    preview.start()
    yield preview
    preview.stop()


@pytest.mark.parametrize("head", [
    "Host: 127.0.0.1:{port}\r\nHost: evil.example\r\n", "Host: evil.example\r\nHost: 127.0.0.1:{port}\r\n",
    "Host: 127.0.0.1:{port}\r\nHost: 127.0.0.1:{port}\r\n",
], ids=["loopback first", "foreign first", "twice the same"])
def test_two_host_headers_are_refused(server: PreviewServer, head: str, capfd: pytest.CaptureFixture[str]) -> None:
    status, body = get(server.port, "/", head.format(port=server.port) + "Connection: close\r\n")
    assert status == 400 and b"<!doctype html>" not in body
    assert get(server.port)[0] == 200
    assert capfd.readouterr().err == ""
    CASES["preview server"] += 1


@pytest.mark.parametrize("head, answer", [
    ("X-Big: {big}\r\n", 400), ("{many}", 400), ("Cookie: {big}{big}\r\n", 400), ("{large}", 0),
], ids=["a header of 9000 bytes", "100 headers", "a cookie of 18000 bytes", "30 headers of 2000 bytes"])
def test_oversized_headers_are_refused_quietly(server: PreviewServer, head: str, answer: int,
                                               capfd: pytest.CaptureFixture[str]) -> None:
    """Over one header's size, or the count of headers: 400; over the size of a whole request (each header
    within the limits): the connection is closed unanswered."""
    filled = head.format(big="b" * 9000, many="".join(f"X-{i}: {i}\r\n" for i in range(100)),
                         large="".join(f"X-{i}: {'b' * 2000}\r\n" for i in range(30)))
    assert len(filled) > MAX_REQUEST or answer == 400
    status, _ = get(server.port, "/", f"Host: 127.0.0.1:{server.port}\r\n{filled}Connection: close\r\n")
    assert status == answer
    assert get(server.port)[0] == 200
    assert capfd.readouterr().err == "", "a bad request printed something"
    CASES["preview server"] += 1


def test_pipelined_requests_get_one_answer(server: PreviewServer) -> None:
    request = f"GET /state.json HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(request * 200)
        data = b""
        while chunk := s.recv(65536):  # the server closes after its one answer
            data += chunk
    assert data.count(b"HTTP/1.1 200") == 1 and b"Connection: close" in data
    CASES["preview server"] += 1


def test_more_connections_than_it_holds_still_leave_the_page(server: PreviewServer) -> None:
    siege = besiege(server.port, MAX_CONNECTIONS + 100, slowloris=False)
    try:
        time.sleep(0.5)
        started = time.monotonic()
        status, body = get(server.port)
        took = time.monotonic() - started
        assert status == 200 and b"<!doctype html>" in body and took < ANSWERED_WITHIN, (status, took)
        deadline = time.monotonic() + 5
        while (held := sum(is_open(s) for s in siege)) > MAX_CONNECTIONS and time.monotonic() < deadline:
            time.sleep(0.1)
        assert held <= MAX_CONNECTIONS, f"the server holds {held} connections, over its bound of {MAX_CONNECTIONS}"
        assert all(is_open(s) for s in siege[-MAX_CONNECTIONS // 2:]), "newer connections were dropped, not the oldest"
    finally:
        for s in siege:
            s.close()
    CASES["preview server"] += 1
