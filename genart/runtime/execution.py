"""Where genart's parallel jobs run: worker processes on this machine, or a Dask cluster.

Every parallel step (tile evolution, mosaic indexing, movie frames) hands pure, picklable
jobs to an `Execution` and reads their results back; the backend decides only where they
run, never what they return, so the same seed gives the same output byte for byte on
either backend and any number of workers.

- **local** (the default): a process pool on this machine (`workers` processes; one worker
  runs the jobs in this process).
- **Dask**: `--scheduler tcp://host:8786` or the `GENART_SCHEDULER` variable names a
  running `dask scheduler`; jobs go to its workers through a `distributed.Client`. Only the
  person running genart picks it (a command-line option or the environment), never a
  script or a scene: results come back from the cluster unpickled, so its address is
  trusted as a shell on this machine would be. It is parsed before use (`tcp://` or
  `tls://`, a host and a port) and must answer within CONNECT_SECONDS. Workers
  need genart installed, not a shared file system: jobs carry their inputs. A worker that
  dies has its jobs re-run elsewhere by the scheduler (its nanny restarts it); a job that
  has killed `distributed.scheduler.allowed-failures` + 1 workers raises `ExecutionError`
  (one line) instead of hanging. Closing with `cancel=True` (Ctrl-C) cancels the
  cluster's outstanding work.

Local workers leave the stop signals (Ctrl-C, SIGTERM, SIGHUP) to this process: a signal that reaches a worker
(Ctrl-C in a terminal signals the whole process group) stops only the job it is running,
quietly, and closing with `cancel=True` signals every worker that way, then reaps them. So
an interrupted run ends with no worker left behind and no worker traceback printed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, CancelledError, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext
from types import FrameType, TracebackType
from typing import Any, TypeVar
from urllib.parse import urlsplit

from genart.errors import GenartError
from genart.runtime.children import die_with
from genart.runtime.interrupt import STOP_SIGNALS

SCHEDULER_VARIABLE = "GENART_SCHEDULER"
SCHEDULER_SCHEMES = ("tcp", "tls")  # Dask's network transports; inproc:// and ucx:// are not for genart
DEFAULT_PORT = 8786  # Dask's scheduler port, when an address gives none
CONNECT_SECONDS = 10  # to reach the scheduler and hear it answer before giving up
STOP_SECONDS = 10  # a worker told to stop its job gets this long before it is killed

T = TypeVar("T")


class ExecutionError(GenartError, ValueError):
    """The cluster cannot be used or lost a job for good; the message is one line."""


def parse_scheduler(address: str) -> str:
    """A Dask scheduler address, checked and written out in full (`tcp://host:port`), or ExecutionError
    (one line naming it): a `tcp://` or `tls://` scheme (`tcp://` when none is given), a host name or
    IP address (IPv6 in brackets) and a port (8786 when none is given).

    Examples
    --------
    >>> parse_scheduler("10.0.0.5")
    'tcp://10.0.0.5:8786'
    >>> parse_scheduler("tls://[::1]:9000")
    'tls://[::1]:9000'
    >>> parse_scheduler("inproc://x")
    Traceback (most recent call last):
    ...
    genart.runtime.execution.ExecutionError: scheduler inproc://x: genart connects only to tcp:// or tls:// schedulers
    """
    text = address.strip()
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "tcp", text
    if scheme.lower() not in SCHEDULER_SCHEMES:
        raise ExecutionError(f"scheduler {text}: genart connects only to "
                             f"{' or '.join(s + '://' for s in SCHEDULER_SCHEMES)} schedulers")
    try:
        parts = urlsplit(f"//{rest}")
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise ExecutionError(f"scheduler {text}: not an address ({exc})") from None
    if not host or parts.path or parts.query or parts.fragment or parts.username or parts.password or \
            not _HOST.fullmatch(host):
        raise ExecutionError(f"scheduler {text}: give tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786")
    if port == 0:
        raise ExecutionError(f"scheduler {text}: the port must be between 1 and 65535")
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme.lower()}://{shown}:{port or DEFAULT_PORT}"


_HOST = re.compile(r"[A-Za-z0-9._-]{1,253}|[0-9A-Fa-f:.]{2,45}")  # a DNS name, an IPv4 or an IPv6 address


def scheduler_address(given: str | None = None) -> str | None:
    """The Dask scheduler to use, checked (`parse_scheduler`): `given` (the command line), else
    $GENART_SCHEDULER, else None (local processes)."""
    address = given if given is not None else os.environ.get(SCHEDULER_VARIABLE, "")
    if not address.strip():
        return None
    try:
        return parse_scheduler(address)
    except ExecutionError as exc:
        raise ExecutionError(f"{'' if given is not None else '$' + SCHEDULER_VARIABLE + ': '}{exc}") from None


async def _answers(address: str) -> None:
    """Connect to the scheduler and hear its identity (a scheduler that accepts but never answers, or
    is not a scheduler, holds this up: the caller bounds it)."""
    from distributed.comm import connect

    comm = await connect(address, timeout=CONNECT_SECONDS)
    try:
        await comm.write({"op": "identity"})
        await comm.read()
    finally:
        await comm.close()


def _reach(address: str) -> None:
    """Check that the scheduler at `address` answers within CONNECT_SECONDS, or ExecutionError (one line).
    `distributed.Client`'s own timeout does not cover a peer that accepts and then stays silent."""
    host, _, port = address.partition("://")[2].rpartition(":")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_SECONDS).close()
        asyncio.run(asyncio.wait_for(_answers(address), CONNECT_SECONDS))
    except (asyncio.TimeoutError, TimeoutError):
        raise ExecutionError(f"the Dask scheduler at {address} did not answer within {CONNECT_SECONDS} s") from None
    except (OSError, ValueError, EOFError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ExecutionError(f"cannot reach the Dask scheduler at {address}: {reason}") from None
    except Exception as exc:  # distributed's CommClosedError and kin: the peer is not a Dask scheduler
        raise ExecutionError(f"the Dask scheduler at {address} did not answer as one ({type(exc).__name__})") from None


_in_job = False  # in a local worker: whether a job is running
_stopping = False  # in a local worker: a stop signal came; every job from now on ends at once


def _stop_job(signum: int, frame: FrameType | None) -> None:
    """A local worker's stop signal handler: interrupt the running job and every later one."""
    global _stopping
    _stopping = True
    if _in_job:
        raise KeyboardInterrupt


def _worker_started() -> None:
    """Initializer of a local worker: die with the process that started it, install `_stop_job`, then take
    the signals held back at its start."""
    die_with(os.getppid())
    # exceptions Python cannot raise (a stop signal's KeyboardInterrupt landing in a `__del__`, say)
    # are dropped, by a C function, so no signal handler can run inside the hook itself
    sys.unraisablehook = id
    for signum in STOP_SIGNALS:
        signal.signal(signum, _stop_job)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


def _job(fn: Callable[..., T], /, *args: Any) -> T:
    """Run `fn(*args)` in a local worker, where a stop signal interrupts it: its KeyboardInterrupt
    becomes the job's result, which the parent, stopping too, drops."""
    global _in_job
    if _stopping:
        raise KeyboardInterrupt
    _in_job = True
    try:
        return fn(*args)
    finally:
        _in_job = False


@contextlib.contextmanager
def _signals_held(deliver: bool = True) -> Iterator[None]:
    """Hold the stop signals back for the block, then deliver the first that came (or, not `deliver`,
    drop them): a worker forked in it starts with them blocked (until `_worker_started`), and this
    process is not stopped half-way through starting or stopping its workers (which would leave one
    to outlive it)."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    caught: list[int] = []
    here = threading.current_thread() is threading.main_thread()  # only the main thread handles signals
    handlers = {signum: signal.signal(signum, lambda signum, frame: caught.append(signum)) for signum in STOP_SIGNALS} \
        if here else {}
    try:
        yield
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        if caught and deliver:
            os.kill(os.getpid(), caught[0])  # again, to the handler now back in place


class Execution:
    """Runs jobs `fn(*args)` on the chosen backend; a context manager that closes it.

    `workers` is how many jobs run at once (the cluster's worker threads for Dask), so a
    caller can keep that many in flight. Results are read with `result`, which turns the
    cluster's failures into `ExecutionError`.
    """

    def __init__(self, executor: Executor | None, workers: int, address: str | None = None,
                 client: Any = None) -> None:
        self._executor, self.workers, self.address, self._client = executor, workers, address, client

    @property
    def distributed(self) -> bool:
        """Whether jobs run on a Dask cluster (so they share no memory or files with this process)."""
        return self._client is not None

    def submit(self, fn: Callable[..., T], /, *args: Any) -> Future[T]:
        """Start `fn(*args)`; with no pool it runs now, here."""
        if isinstance(self._executor, ProcessPoolExecutor):
            with _signals_held():  # workers may start now: all of them, and all of them known to the pool
                return self._executor.submit(_job, fn, *args)
        if self._executor is not None:
            return self._executor.submit(fn, *args)
        done: Future[T] = Future()
        try:
            done.set_result(fn(*args))
        except Exception as exc:
            done.set_exception(exc)
        return done

    @property
    def window(self) -> int:
        """How many jobs to keep in flight so that whichever worker frees first takes the next one: on a cluster
        two per thread (a job waiting at the scheduler is handed to a worker at once, so more would be shared out
        in advance, not as workers come free; one waiting beside each running one lets a worker start its next
        job without waiting for the round trip through this process); here any number (the pool queues them)."""
        return 2 * self.workers if self.distributed else sys.maxsize

    def share(self, values: list[Any]) -> list[Any]:
        """`values`, each for many jobs to take as an argument: on a cluster they are sent to every worker once,
        all in one call (`Client.scatter`, broadcast: a worker killed mid-run loses no job's input, as scattered
        data cannot be recomputed), and the jobs name them, where otherwise every job would carry a copy; here
        they are `values`."""
        if self._client is None:
            return values
        return list(self._client.scatter(values, hash=False, broadcast=True))

    def result(self, future: Future[T]) -> T:
        """The job's result; a job the cluster lost for good, or whose local worker died, raises ExecutionError."""
        try:
            return future.result()
        except CancelledError:
            if self.distributed:
                raise ExecutionError(f"the Dask scheduler at {self.address} cancelled the work "
                                     "(it went away or restarted)") from None
            raise
        except BrokenProcessPool:
            raise ExecutionError("a worker process died (killed from outside, or by the system for lack of "
                                 "memory)") from None
        except Exception as exc:
            if self.distributed and type(exc).__name__ == "KilledWorker":
                raise ExecutionError(
                    f"a job killed every Dask worker that ran it (the scheduler at {self.address} gave up after "
                    "distributed.scheduler.allowed-failures re-runs); see the workers' logs") from None
            raise

    def map(self, fn: Callable[..., T], jobs: Sequence[tuple[Any, ...]],
            done: Callable[[int, T], None] | None = None) -> list[T]:
        """`fn(*job)` for every job, results in the jobs' order; `done(i, result)` is called as each finishes."""
        results: list[Any] = [None] * len(jobs)
        with contextlib.closing(self.stream(fn, jobs, len(jobs))) as finished:
            for i, result in finished:
                results[i] = result
                if done is not None:
                    done(i, result)
        return results

    def stream(self, fn: Callable[..., T], jobs: Iterable[tuple[Any, ...]], window: int,
               ordered: bool = False) -> Generator[tuple[int, T], None, None]:
        """(i, `fn(*job)`) for the i-th job, as each finishes (`ordered`: in the jobs' order), with at
        most `window` jobs in flight; `jobs` is read only as jobs are started. Closing the
        iterator early cancels the jobs in flight."""
        feed = enumerate(jobs)
        pending: dict[Future[T], int] = {}
        queue: deque[Future[T]] = deque()

        def fill() -> None:
            while len(pending) < max(window, 1):
                started = next(feed, None)
                if started is None:
                    return
                future = self.submit(fn, *started[1])
                pending[future] = started[0]
                queue.append(future)

        try:
            fill()
            while pending:
                if ordered:
                    future = queue.popleft()
                else:
                    future = next(iter(wait(pending, return_when=FIRST_COMPLETED).done))
                    queue.remove(future)
                result = self.result(future)
                yield pending.pop(future), result
                fill()
        finally:
            for future in pending:
                future.cancel()

    def close(self, cancel: bool = False) -> None:
        """Shut the backend down; `cancel` drops work not yet done (here and on the cluster)."""
        if self._executor is not None:
            if isinstance(self._executor, ProcessPoolExecutor):
                if cancel:
                    _stop_workers(self._executor)
                else:
                    self._executor.shutdown(wait=True)
            else:
                self._executor.shutdown(wait=not cancel)
            self._executor = None
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> Execution:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close(cancel=kind is not None)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Shut `pool` down at once: interrupt its workers' jobs, drop queued ones, reap the workers
    (killing any whose job has not ended after STOP_SECONDS, e.g. one inside a long C call). A second
    Ctrl-C or SIGTERM meanwhile is dropped: the run is stopping already."""
    with _signals_held(deliver=False):
        _stop_now(pool)


def _stop_now(pool: ProcessPoolExecutor) -> None:
    """`_stop_workers`' work, with the stop signals held."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        if process.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGTERM)
    pool.shutdown(wait=False, cancel_futures=True)  # its thread tells the workers to exit once their job ends
    deadline = time.monotonic() + STOP_SECONDS
    for process in processes:
        process.join(max(deadline - time.monotonic(), 0))
        if process.is_alive():
            process.kill()
            process.join()


def open_execution(workers: int | None = None, scheduler: str | None = None,
                   mp_context: BaseContext | None = None) -> Execution:
    """An Execution on the Dask scheduler `scheduler` (or $GENART_SCHEDULER), else on `workers`
    local processes (default all cores; 0 runs jobs in this process). ExecutionError (one
    line) if the address is not one, Dask is missing, or the scheduler does not answer within
    CONNECT_SECONDS. `scheduler` must come from the person running genart, never from a file."""
    address = scheduler_address(scheduler)
    if address is None:
        count = workers if workers is not None else os.cpu_count() or 1
        pool = ProcessPoolExecutor(count, mp_context=mp_context, initializer=_worker_started) if count > 0 else None
        return Execution(pool, max(count, 1))
    try:
        from distributed import Client
    except ImportError:
        raise ExecutionError(f"a Dask scheduler ({address}) needs Dask: pip install 'genart[dask]'") from None
    _reach(address)
    try:
        client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ExecutionError(f"cannot reach the Dask scheduler at {address}: {reason}") from None
    threads = sum(client.nthreads().values()) or 1
    return Execution(client.get_executor(pure=False), threads, address, client)
