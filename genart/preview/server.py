"""The preview's web server: the page, its script and styles, the pictures, and a server-sent event stream.

It is aiohttp's low-level server on an asyncio event loop of its own, in one background
thread, and the pictures are drawn in one more: an idle connection costs some 12 KB and no
thread, so hundreds of idle or slow ones (a browser's spare sockets, or someone on this
computer holding them open on purpose) neither exhaust threads nor memory, and the run goes
on. Server-sent events (one long response the page's `EventSource` reads) push each new
state to the page without polling; the page then fetches the pictures and plots it names.

What it promises:

- It listens on 127.0.0.1 only, and answers only to a request with exactly one Host header,
  naming the loopback address (127.0.0.1 or localhost) with its port, so another site
  cannot reach it by DNS rebinding: a foreign Host, or two Host headers, get 400.
- It serves a fixed set of routes and the files shipped in `genart/preview/static/` by exact
  name, to GET only, and refuses anything else: `..` (plain or percent-encoded), absolute
  paths and URLs get 400, unknown names 404, other methods 405.
- It holds at most `MAX_CONNECTIONS` (600) connections at once; a new one beyond that
  closes the oldest that has not sent its request yet (or, if all are being answered, the
  oldest), so the page can always connect.
- A connection must send its whole request line and headers within `REQUEST_TIMEOUT` (10 s)
  of opening, or it is closed (a connection that sends nothing, or trickles its headers byte
  by byte; aiohttp's keep-alive timeout, which covers a connection's first request from
  aiohttp 3.14.4 on). The request line is at most `MAX_LINE` (8190) bytes, each header (name
  and value) at most `MAX_FIELD` (8190) bytes and there are at most `MAX_HEADERS` (32) of
  them, or the answer is 400; a connection that sends more than `MAX_REQUEST` (32 KiB) before
  its request is answered is closed unanswered. So connections waiting for their requests
  hold some 40 MB at the very most (600 of 32 KiB each, as measured).
- One request per connection: every answer says `Connection: close`, and whatever a client
  sends after its request (pipelined requests, a body) is not read.
- An answer is sent in pieces of 64 KB as the client takes them, so a client that does not
  read holds at most some 128 KB of it; one that takes no piece for `SEND_TIMEOUT` (30 s) is
  closed (the event stream too: each event must be taken within that time).
- A page that goes away mid-answer is dropped quietly, and so is a malformed request: the
  terminal is the run's, only a fault of the server itself is printed there.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import socket
import sys
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from genart.errors import UserError
from genart.preview.live import Live
from genart.preview.plot import line_plot

HOST = "127.0.0.1"
KEEPALIVE = 10.0  # seconds between comments on an idle event stream
MAX_CONNECTIONS = 600  # connections held at once
REQUEST_TIMEOUT = 10.0  # seconds a connection has to send its request line and headers
MAX_LINE = 8190  # bytes of the request line
MAX_FIELD = 8190  # bytes of one header, name and value
MAX_HEADERS = 32  # headers of a request
MAX_REQUEST = 1 << 15  # bytes a connection may send before its request is answered
PIECE = 1 << 16  # bytes of an answer handed to the connection at a time
SEND_TIMEOUT = 30.0  # seconds a client has to take each piece of an answer
STOP_TIMEOUT = 2.0  # seconds answers under way get to finish when the server stops
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8"}
STATIC = {entry.name: (entry.read_bytes(), TYPES[entry.name[entry.name.rindex("."):]])
          for entry in resources.files("genart.preview").joinpath("static").iterdir()
          if entry.name.endswith(tuple(TYPES))}
LOG = logging.getLogger("genart.preview.server")


def _worth_printing(record: logging.LogRecord) -> bool:
    """Whether a record of the server's log is a fault of its own, not a client's bad request or a page
    that went away (those are answered, or dropped, and not printed)."""
    fault = record.exc_info[1] if record.exc_info else None
    return not isinstance(fault, (ConnectionError, HttpProcessingError))


LOG.addFilter(_worth_printing)


def unsafe_path(raw: str) -> bool:
    """Whether a request target tries to leave the served names: not origin-form ("/..."), an absolute
    path or URL inside it, `..` (plain or encoded, once or twice), backslashes or NULs."""
    if not raw.startswith("/") or raw.startswith("//"):
        return True
    path = urlsplit(raw).path
    decoded = unquote(unquote(path))
    return (".." in decoded or "\\" in decoded or "\0" in decoded or "//" in decoded
            or re.search(r"^/[A-Za-z]:", decoded) is not None)


class Connection(web.RequestHandler):
    """aiohttp's handler of one connection, closed once it has sent more than MAX_REQUEST bytes before its
    request is answered."""

    __slots__ = ("answering", "received")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.answering = False  # whether its request is being answered
        self.received = 0  # bytes received before that

    def data_received(self, data: bytes) -> None:
        if not self.answering:
            self.received += len(data)
            if self.received > MAX_REQUEST:
                self.force_close()
                return
        super().data_received(data)


class Connections(web.Server):
    """aiohttp's low-level server holding at most MAX_CONNECTIONS connections, each for one request that
    `route` answers (see the module docstring); `options` are those of aiohttp's `RequestHandler`."""

    def __init__(self, route: Callable[[web.BaseRequest], Awaitable[web.StreamResponse]], **options: Any) -> None:
        super().__init__(self._answer, handler_cancellation=True)
        self._route = route
        self._options = options
        self.held: dict[Connection, None] = {}  # the connections open or opening, oldest first

    def __call__(self) -> Connection:
        """A new connection's handler, after closing the oldest connection if all places are taken (counted
        here: asyncio makes the handlers of a burst of connections before it tells the server of any)."""
        if len(self.held) >= MAX_CONNECTIONS:
            oldest = next((c for c in self.held if not c.answering), next(iter(self.held)))
            del self.held[oldest]
            oldest.force_close()
        handler = Connection(self, loop=asyncio.get_running_loop(), **self._options)
        self.held[handler] = None
        return handler

    def connection_lost(self, handler: web.RequestHandler, exc: BaseException | None = None) -> None:
        if isinstance(handler, Connection):
            self.held.pop(handler, None)
        super().connection_lost(handler, exc)

    async def _answer(self, request: web.BaseRequest) -> web.StreamResponse:
        """Answer a connection's one request (reading nothing after it)."""
        connection = request.protocol
        assert isinstance(connection, Connection)
        connection.close()
        connection.answering = True
        return await self._route(request)


class PreviewServer:
    """The server with the run's state: `start` serves on its own event loop in a background thread,
    `stop` ends it and frees the port."""

    def __init__(self, live: Live, port: int = 0) -> None:
        self.live = live
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past this server's closed connections
        try:
            self.socket.bind((HOST, port))
            self.socket.listen(128)
        except OSError as exc:
            self.socket.close()
            raise UserError(f"--preview-port {port}: cannot listen on {HOST}:{port}: {exc.strerror or exc}") from None
        self.port: int = self.socket.getsockname()[1]
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="genart-preview", daemon=True)
        self._drawing = ThreadPoolExecutor(1, thread_name_prefix="genart-preview-drawing")
        self._runner: web.ServerRunner | None = None
        self._changed: asyncio.Event | None = None  # set (and replaced) at each new version of the state
        self._stopping = False

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def start(self) -> None:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result()
        self.live.watch(self._news)

    def stop(self) -> None:
        """Close the streams, stop serving and free the port."""
        self.live.unwatch(self._news)
        asyncio.run_coroutine_threadsafe(self._close(), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()
        self._drawing.shutdown(cancel_futures=True)

    async def _serve(self) -> None:
        self._changed = asyncio.Event()
        connections = Connections(self._route, logger=LOG, access_log=None,
                                  keepalive_timeout=REQUEST_TIMEOUT, lingering_time=0, max_line_size=MAX_LINE,
                                  max_field_size=MAX_FIELD, max_headers=MAX_HEADERS)
        self._runner = web.ServerRunner(connections, shutdown_timeout=STOP_TIMEOUT)
        await self._runner.setup()
        await web.SockSite(self._runner, self.socket).start()

    async def _close(self) -> None:
        self._stopping = True
        self._wake()
        if self._runner is not None:
            await self._runner.cleanup()

    def _news(self) -> None:
        """The state changed (called in the reporting thread): wake the streams in the loop's."""
        self._loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        if self._changed is not None:
            self._changed.set()
            self._changed = asyncio.Event()

    async def _route(self, request: web.BaseRequest) -> web.StreamResponse:
        if request.method != "GET":
            return await self._send(request, HTTPStatus.METHOD_NOT_ALLOWED, b"GET only\n", "text/plain")
        if unsafe_path(request.raw_path):
            return await self._send(request, HTTPStatus.BAD_REQUEST, b"bad path\n", "text/plain")
        if request.headers.getall("Host", []) not in ([f"{HOST}:{self.port}"], [f"localhost:{self.port}"]):
            return await self._send(request, HTTPStatus.BAD_REQUEST, b"unexpected Host\n", "text/plain")
        url = urlsplit(request.raw_path)
        route = ROUTES.get(url.path)
        if route is not None:
            return await route(self, request, parse_qs(url.query))
        name = url.path.removeprefix("/static/")
        if url.path.startswith("/static/") and name in STATIC:
            return await self._send(request, HTTPStatus.OK, *STATIC[name])
        return await self._send(request, HTTPStatus.NOT_FOUND, b"not found\n", "text/plain")

    @staticmethod
    def _response(status: HTTPStatus, kind: str) -> web.StreamResponse:
        response = web.StreamResponse(status=status, headers={"Content-Type": kind, "Cache-Control": "no-store"})
        response.force_close()
        return response

    async def _send(self, request: web.BaseRequest, status: HTTPStatus, body: bytes, kind: str) -> web.StreamResponse:
        """Send `body` in pieces as the client takes them; a client that went away or stopped taking them is
        dropped."""
        response = self._response(status, kind)
        response.content_length = len(body)
        view = memoryview(body)
        try:
            await asyncio.wait_for(response.prepare(request), SEND_TIMEOUT)
            for start in range(0, len(body), PIECE):
                await asyncio.wait_for(response.write(view[start:start + PIECE]), SEND_TIMEOUT)
        except (asyncio.TimeoutError, ConnectionError):
            request.protocol.force_close()
        return response

    async def page(self, request: web.BaseRequest, query: dict[str, list[str]]) -> web.StreamResponse:
        return await self._send(request, HTTPStatus.OK, *STATIC["index.html"])

    async def state(self, request: web.BaseRequest, query: dict[str, list[str]]) -> web.StreamResponse:
        return await self._send(request, HTTPStatus.OK, json.dumps(self.live.state()).encode(), "application/json")

    async def events(self, request: web.BaseRequest, query: dict[str, list[str]]) -> web.StreamResponse:
        """The event stream: the state now, then after each change (a comment every KEEPALIVE seconds
        without one), until the server stops."""
        response = self._response(HTTPStatus.OK, "text/event-stream")
        seen = -1
        try:
            await asyncio.wait_for(response.prepare(request), SEND_TIMEOUT)
            while not self._stopping:
                changed = self._changed
                assert changed is not None
                if self.live.version == seen:
                    try:
                        await asyncio.wait_for(changed.wait(), KEEPALIVE)
                    except asyncio.TimeoutError:
                        await asyncio.wait_for(response.write(b": idle\n\n"), SEND_TIMEOUT)
                    continue
                state = self.live.state()
                seen = state["version"]
                await asyncio.wait_for(response.write(f"data: {json.dumps(state)}\n\n".encode()), SEND_TIMEOUT)
        except (asyncio.TimeoutError, ConnectionError):
            request.protocol.force_close()  # the page was closed, or does not read: the run goes on
        return response

    async def canvas(self, request: web.BaseRequest, query: dict[str, list[str]]) -> web.StreamResponse:
        return await self._picture(request, "canvas")

    async def difference(self, request: web.BaseRequest, query: dict[str, list[str]]) -> web.StreamResponse:
        return await self._picture(request, "difference")

    async def _picture(self, request: web.BaseRequest, which: str) -> web.StreamResponse:
        pictures = await self._loop.run_in_executor(self._drawing, self.live.pictures)
        if pictures is None:
            return await self._send(request, HTTPStatus.NOT_FOUND, b"no picture yet\n", "text/plain")
        return await self._send(request, HTTPStatus.OK, getattr(pictures, which), "image/png")

    async def target(self, request: web.BaseRequest, query: dict[str, list[str]]) -> web.StreamResponse:
        picture = await self._loop.run_in_executor(self._drawing, self.live.target_png)
        if picture is None:
            return await self._send(request, HTTPStatus.NOT_FOUND, b"no picture yet\n", "text/plain")
        return await self._send(request, HTTPStatus.OK, picture, "image/png")

    async def curve(self, request: web.BaseRequest, query: dict[str, list[str]]) -> web.StreamResponse:
        """The error curve against time (?x=seconds) or against the count of units (?x=done), as SVG."""
        svg = await self._loop.run_in_executor(self._drawing, self._curve_svg, query.get("x", ["seconds"])[0] == "done")
        return await self._send(request, HTTPStatus.OK, svg.encode(), "image/svg+xml")

    def _curve_svg(self, by_count: bool) -> str:
        state = self.live.state()
        points = [(float(p.done) if by_count else p.seconds, p.error) for p in self.live.curve()]
        x_label = f"{state.get('unit', 'unit')}s" if by_count else "seconds"
        return line_plot(points, x_label, state.get("error_name", "error"), "curve-done" if by_count else "curve-time")


ROUTES: dict[str, Callable[[PreviewServer, web.BaseRequest, dict[str, list[str]]], Awaitable[web.StreamResponse]]] = {
    "/": PreviewServer.page, "/index.html": PreviewServer.page, "/state.json": PreviewServer.state,
    "/events": PreviewServer.events, "/canvas.png": PreviewServer.canvas, "/difference.png": PreviewServer.difference,
    "/target.png": PreviewServer.target, "/curve.svg": PreviewServer.curve,
}


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
