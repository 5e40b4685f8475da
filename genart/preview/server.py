"""The preview's web server: the page, its script and styles, the pictures, and a server-sent event stream.

The standard library's `ThreadingHTTPServer` is enough here: one person on this computer
watches one run, so there is no load to speak of, and it adds no dependency. Server-sent
events (one long response the page's `EventSource` reads) push each new state to the page
without polling; the page then fetches the pictures and plots it names.

It listens on 127.0.0.1 only, answers only to a Host header naming the loopback address
(so another site cannot reach it by DNS rebinding), serves a fixed set of routes and the
files shipped in `genart/preview/static/` by exact name, and refuses anything else:
`..` (plain or percent-encoded), absolute paths and URLs get 400, unknown names 404.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from genart.errors import UserError
from genart.preview.live import Live
from genart.preview.plot import line_plot

HOST = "127.0.0.1"
KEEPALIVE = 10.0  # seconds between comments on an idle event stream
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8"}
STATIC = {entry.name: entry for entry in resources.files("genart.preview").joinpath("static").iterdir()
          if entry.name.endswith(tuple(TYPES))}


def unsafe_path(raw: str) -> bool:
    """Whether a request target tries to leave the served names: not origin-form ("/..."), an absolute
    path or URL inside it, `..` (plain or encoded, once or twice), backslashes or NULs."""
    if not raw.startswith("/") or raw.startswith("//"):
        return True
    path = urlsplit(raw).path
    decoded = unquote(unquote(path))
    return (".." in decoded or "\\" in decoded or "\0" in decoded or "//" in decoded
            or re.search(r"^/[A-Za-z]:", decoded) is not None)


class Handler(BaseHTTPRequestHandler):
    """One request; `server.live` is the run's state."""

    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        """Keep the terminal for the run's own output."""

    def do_GET(self) -> None:
        if unsafe_path(self.path):
            self._send(HTTPStatus.BAD_REQUEST, b"bad path\n", "text/plain")
            return
        if not self._loopback_host():
            self._send(HTTPStatus.BAD_REQUEST, b"unexpected Host\n", "text/plain")
            return
        url = urlsplit(self.path)
        route = ROUTES.get(url.path)
        if route is not None:
            route(self, parse_qs(url.query))
        elif url.path.startswith("/static/") and url.path[len("/static/"):] in STATIC:
            entry = STATIC[url.path[len("/static/"):]]
            self._send(HTTPStatus.OK, entry.read_bytes(), TYPES[entry.name[entry.name.rindex("."):]])
        else:
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain")

    def _loopback_host(self) -> bool:
        host = self.headers.get("Host", "")
        return host in (f"{HOST}:{self.server.port}", f"localhost:{self.server.port}")

    def _send(self, status: HTTPStatus, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def page(self, query: dict[str, list[str]]) -> None:
        self._send(HTTPStatus.OK, STATIC["index.html"].read_bytes(), TYPES[".html"])

    def state(self, query: dict[str, list[str]]) -> None:
        self._send(HTTPStatus.OK, json.dumps(self.server.live.state()).encode(), "application/json")

    def events(self, query: dict[str, list[str]]) -> None:
        """The event stream: the state now, then after each change."""
        live = self.server.live
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        seen = -1
        try:
            while not live.closed:
                version = live.wait(seen, KEEPALIVE)
                if live.closed:
                    break
                if version == seen:
                    self.wfile.write(b": idle\n\n")
                else:
                    seen = version
                    self.wfile.write(f"data: {json.dumps(live.state())}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return  # the page was closed: the run goes on

    def canvas(self, query: dict[str, list[str]]) -> None:
        self._picture("canvas")

    def difference(self, query: dict[str, list[str]]) -> None:
        self._picture("difference")

    def _picture(self, which: str) -> None:
        pictures = self.server.live.pictures()
        if pictures is None:
            self._send(HTTPStatus.NOT_FOUND, b"no picture yet\n", "text/plain")
        else:
            self._send(HTTPStatus.OK, getattr(pictures, which), "image/png")

    def target(self, query: dict[str, list[str]]) -> None:
        picture = self.server.live.target_png()
        if picture is None:
            self._send(HTTPStatus.NOT_FOUND, b"no picture yet\n", "text/plain")
        else:
            self._send(HTTPStatus.OK, picture, "image/png")

    def curve(self, query: dict[str, list[str]]) -> None:
        """The error curve against time (?x=seconds) or against the count of units (?x=done), as SVG."""
        state = self.server.live.state()
        by_count = query.get("x", ["seconds"])[0] == "done"
        points = [(float(p.done) if by_count else p.seconds, p.error) for p in self.server.live.curve()]
        x_label = f"{state.get('unit', 'unit')}s" if by_count else "seconds"
        svg = line_plot(points, x_label, state.get("error_name", "error"), "curve-done" if by_count else "curve-time")
        self._send(HTTPStatus.OK, svg.encode(), "image/svg+xml")


ROUTES: dict[str, Callable[[Handler, dict[str, list[str]]], None]] = {
    "/": Handler.page, "/index.html": Handler.page, "/state.json": Handler.state, "/events": Handler.events,
    "/canvas.png": Handler.canvas, "/difference.png": Handler.difference, "/target.png": Handler.target,
    "/curve.svg": Handler.curve,
}


class PreviewServer(ThreadingHTTPServer):
    """The server with the run's state; `start` serves in a background thread, `stop` ends it."""

    daemon_threads = True

    def __init__(self, live: Live, port: int = 0) -> None:
        try:
            super().__init__((HOST, port), Handler)
        except OSError as exc:
            raise UserError(f"--preview-port {port}: cannot listen on {HOST}:{port}: {exc.strerror or exc}") from None
        self.live = live
        self.port: int = self.server_address[1]
        self._thread = threading.Thread(target=self.serve_forever, name="genart-preview", daemon=True)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A page that went away mid-answer (closed, reloaded) is no error; anything else is reported."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Close the streams, stop serving and free the port."""
        self.live.close()
        self.shutdown()
        self.server_close()
        self._thread.join()


class Preview:
    """`with Preview(live, port, command):` serves the page while the block runs and says where (stderr)."""

    def __init__(self, live: Live, port: int, command: str) -> None:
        self.server = PreviewServer(live, port)
        self.command = command

    def __enter__(self) -> Live:
        self.server.start()
        print(f"genart {self.command}: preview at {self.server.url} (Ctrl-C stops the run and the preview)",
              file=sys.stderr, flush=True)
        return self.server.live

    def __exit__(self, *exc: object) -> None:
        self.server.stop()
