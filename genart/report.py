"""`--report [PATH]`: one self-contained HTML report of a run, at PATH or as `report.html` beside its
first output.

A report carries genart's mark (`<meta name="generator" content="genart VERSION">`, in its
head), and a report replaces only a file that carries it: never a page of the user's. Its
path is said on stderr once it is written.

It holds the target and the result (PNG), the error curve against time and against the
count of shapes (inline SVG, `genart.preview.plot`), the settings, the timings, the
time-lapse as a small GIF (from the scene's snapshots, where it has them) and the scene's
figures (`meta`). Pictures are embedded as data URIs, so the one file can be moved or mailed.
"""

from __future__ import annotations

import base64
import datetime
import sys
import tempfile
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Literal

import numpy as np

from genart import __version__
from genart.errors import UserError
from genart.outputs import Output
from genart.preview.live import as_rgb8, png
from genart.preview.plot import line_plot
from genart.render.atomic import atomic_write_bytes
from genart.render.cairo import TileSource, render_array
from genart.render.scene import Scene

GIF_WIDTH = 240  # pixels across the time-lapse
GIF_SECONDS = 4.0
GIF_FPS = 10.0
SHOWN_WIDTH = 480  # pixels across the target and result pictures
MARK = '<meta name="generator" content="genart'  # in every report genart writes, and in none of anyone else's
SUFFIXES = (".html", ".htm")


def report_output(given: str | Literal[True] | None, first_output: str | Path,
                  name: str = "report.html") -> Output | None:
    """The report in a command's plan: None without --report (`given` None), `name` beside the first output
    for a bare --report (`given` True), else the path given, which must end in .html. It replaces only a
    report genart wrote (one that holds MARK)."""
    if given is None:
        return None
    if given is True:
        path = Path(first_output).parent / name
    elif given.lower().endswith(SUFFIXES):
        path = Path(given)
    else:
        raise UserError(f"--report {given}: a report is an .html file (name one, e.g. --report run.html)")
    return Output(path, "--report", MARK.encode(), "remove it, or name another file with --report PATH")


def timelapse_gif(drawing: Scene, tiles: TileSource | None = None) -> bytes | None:
    """A small GIF of the scene's time-lapse, or None for a scene without snapshots."""
    from genart.animate.encode import encode
    from genart.animate.motions.timelapse import timelapse
    from genart.animate.pipeline import render_frames

    if not drawing.snapshots:
        return None
    width = min(GIF_WIDTH, max(2, round(drawing.canvas.width)))
    height = max(2, round(width * drawing.canvas.height / drawing.canvas.width))
    clip = timelapse(drawing, duration=GIF_SECONDS, fps=GIF_FPS, hold=1.0, tiles=tiles)
    with tempfile.TemporaryDirectory(prefix="genart-report-") as folder:
        path = Path(folder) / "timelapse.gif"
        frames = render_frames(clip, (width, height), GIF_FPS, workers=1)
        encode(frames, path, (width, height), GIF_FPS)
        return path.read_bytes()


def _data_uri(kind: str, data: bytes) -> str:
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def _shown(picture: np.ndarray) -> np.ndarray:
    """The picture brought down to SHOWN_WIDTH across at most."""
    from PIL import Image

    rgb = as_rgb8(picture)
    if rgb.shape[1] <= SHOWN_WIDTH:
        return rgb
    height = max(1, round(rgb.shape[0] * SHOWN_WIDTH / rgb.shape[1]))
    return np.asarray(Image.fromarray(rgb).resize((SHOWN_WIDTH, height), Image.Resampling.LANCZOS))


def _table(rows: Mapping[str, object]) -> str:
    cells = "".join(f"<tr><th>{escape(str(k))}</th><td>{escape(str(v))}</td></tr>" for k, v in rows.items()
                    if v is not None)
    return f"<table>{cells}</table>"


STYLE = """body{font-family:system-ui,sans-serif;margin:24px;color:#222;background:#fbfaf7}
h1{font-size:22px}h2{font-size:16px;margin-top:26px}.row{display:flex;flex-wrap:wrap;gap:18px}
figure{margin:0}figcaption{font-size:12px;color:#555}img{display:block;max-width:480px;width:100%}
table{border-collapse:collapse;font-size:13px}th,td{text-align:left;padding:2px 12px 2px 0;vertical-align:top}
th{color:#555;font-weight:normal}svg{background:#fff}"""


def render_report(*, title: str, drawing: Scene, target: np.ndarray, curve: Sequence[tuple[float, int, float]],
                  settings: Mapping[str, object], timings: Mapping[str, object], error_name: str = "RMSE",
                  unit: str = "shape", tiles: TileSource | None = None) -> str:
    """The report's HTML. `curve` is (seconds, count, error) points of the run; where it is empty, the
    scene's snapshots give the error against the count."""
    result = render_array(drawing, SHOWN_WIDTH if drawing.canvas.width > SHOWN_WIDTH else None, tiles=tiles)
    by_time = [(s, e) for s, _, e in curve]
    by_count = [(float(n), e) for _, n, e in curve]
    snapshot_errors = [(float(s.step), float(s.loss)) for s in drawing.snapshots if s.loss is not None]
    if len(snapshot_errors) > len(by_count):
        by_count = snapshot_errors  # every shape's error, where the scene keeps it
    gif = timelapse_gif(drawing, tiles)
    when = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
    parts = [
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>{MARK} {escape(__version__)}\">"
        f"<title>{escape(title)}</title>"
        f"<style>{STYLE}</style></head><body><h1>{escape(title)}</h1><p>written {escape(when)}</p>",
        "<div class='row'>",
        f"<figure><img id='target' alt='target' src='{_data_uri('image/png', png(_shown(target)))}'>"
        "<figcaption>target (working size)</figcaption></figure>",
        f"<figure><img id='result' alt='result' src='{_data_uri('image/png', png(_shown(result)))}'>"
        "<figcaption>result</figcaption></figure>",
    ]
    if gif is not None:
        parts.append(f"<figure><img id='timelapse' alt='time-lapse' src='{_data_uri('image/gif', gif)}'>"
                     "<figcaption>time-lapse</figcaption></figure>")
    parts.append("</div><h2>error</h2><div class='row'>")
    if by_time:
        parts.append(f"<figure>{line_plot(by_time, 'seconds', error_name, 'curve-time')}"
                     "<figcaption>against time</figcaption></figure>")
    parts.append(f"<figure>{line_plot(by_count, f'{unit}s', error_name, 'curve-done')}"
                 f"<figcaption>against the count of {unit}s</figcaption></figure></div>")
    parts.append(f"<h2>settings</h2>{_table(settings)}<h2>timings</h2>{_table(timings)}")
    parts.append(f"<h2>the scene's figures</h2>{_table(drawing.meta)}</body></html>")
    return "".join(parts)


def write_report(path: Path, html: str, command: str) -> None:
    """Write a report's HTML atomically to `path` (checked in the plan of `genart COMMAND`), and say where."""
    atomic_write_bytes(path, html.encode())
    print(f"genart {command}: report written to {path}", file=sys.stderr)
