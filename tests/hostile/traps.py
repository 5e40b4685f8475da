"""Traps that show whether genart (or a program it started) reached for something it must not: a FIFO
that notices being opened, a port on this machine that notices a connection."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path


class OpenedFifo:
    """A FIFO at `path` that records whether anything opened it for reading (a file that must never be read:
    opening it is the reading)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        os.mkfifo(path)
        self._opened = threading.Event()
        self._thread = threading.Thread(target=self._wait, daemon=True)
        self._thread.start()

    def _wait(self) -> None:
        fd = os.open(self.path, os.O_WRONLY)  # returns once a reader has opened the FIFO
        self._opened.set()
        os.close(fd)

    def opened(self) -> bool:
        """Whether a reader opened it; the trap is then released (its thread ends)."""
        was = self._opened.is_set()
        if not was:
            fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)  # lets the waiting writer's open return
            self._thread.join(5)
            os.close(fd)
        return was


class Listener:
    """A TCP port on 127.0.0.1 that counts the connections made to it (nothing should connect)."""

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._socket.settimeout(0.2)
        self.port = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._socket.accept()
            except TimeoutError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> int:
        """Stop listening; the number of connections made."""
        self._stop.set()
        self._thread.join(5)
        self._socket.close()
        return self.connections
