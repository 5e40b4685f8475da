"""Progress bars, drawn from the counts that engines send their `Reporter`.

Engines never draw a bar (`genart.runtime.progress`): the command line, and the Python API when
asked for progress, wrap the run's reporter (the live preview's, or none) in a `BarReporter`.
It draws one tqdm bar per run from the run's `Count`s (title, counts, unit, rate, ETA, the run's
note; a notebook gets tqdm's widget) on stderr, closes it at the run's final count, and hands
`due` and `report` on to the reporter it wraps, so the preview sees what it saw before.

Examples
--------
>>> from genart.runtime.progress import Count
>>> with BarReporter(disable=True) as bars:
...     bars.count(Count("gng", 0, 2, "epoch"))
...     bars.count(Count("gng", 2, 2, "epoch", note="edges=9, nodes=8", final=True))
"""

from __future__ import annotations

import sys
from types import TracebackType

from tqdm.auto import tqdm

from genart.runtime.progress import SILENT, Count, Progress, Reporter

SECONDS_FORMAT = "{l_bar}{bar}| {n:.1f}/{total:.1f} s [{elapsed}<{remaining}{postfix}]"  # a time budget's bar


class BarReporter:
    """A `Reporter` that shows counts as progress bars and passes events on to `watcher`.

    `leave` keeps a finished bar on the screen (False: wiped, for a run whose caller prints a
    line of its own after it, like a movie's frames); `delay` seconds pass before a bar shows (a quick
    run shows none); `disable` draws nothing (for tests).
    """

    def __init__(self, watcher: Reporter = SILENT, *, leave: bool = True, delay: float = 0.0,
                 disable: bool = False) -> None:
        self.watcher = watcher
        self.leave = leave
        self.delay = delay
        self.disable = disable
        self._bar: tqdm | None = None
        self._label: str | None = None

    def due(self) -> bool:
        """Whether the watcher wants an event now."""
        return self.watcher.due()

    def report(self, progress: Progress) -> None:
        """Hand the event to the watcher."""
        self.watcher.report(progress)

    def count(self, count: Count) -> None:
        """Move the run's bar (opening it at the run's first count, closing it at its final one)."""
        if self._bar is None or count.label != self._label:
            self.close()
            self._bar, self._label = self._open(count), count.label
        bar = self._bar
        if count.note:
            bar.set_postfix_str(count.note, refresh=False)
        bar.update(count.done - bar.n)
        if count.final:
            self.close()

    def _open(self, count: Count) -> tqdm:
        seconds = count.unit == "s"
        return tqdm(total=count.total, initial=count.done, desc=count.label, unit=count.unit, file=sys.stderr,
                    leave=self.leave, dynamic_ncols=True, disable=self.disable, delay=self.delay,
                    bar_format=SECONDS_FORMAT if seconds else None)

    def close(self) -> None:
        """Close the open bar, if any (a run cut short by an error leaves it open)."""
        if self._bar is not None:
            self._bar.close()
        self._bar, self._label = None, None

    def __enter__(self) -> BarReporter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


def reporter_for(show_bars: bool, watcher: Reporter | None = None, *, leave: bool = True, delay: float = 0.0) -> Reporter:
    """The reporter of a run: bars over `watcher` (default none) if `show_bars`, else the watcher alone.

    Examples
    --------
    >>> from genart.runtime.progress import SILENT
    >>> reporter_for(False) is SILENT
    True
    """
    return BarReporter(watcher or SILENT, leave=leave, delay=delay) if show_bars else watcher or SILENT
