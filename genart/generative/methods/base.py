"""What every optimizer ("method") is: a named fit of a picture to a scene, with its settings model."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Protocol

import annotated_types as at
from pydantic import AfterValidator, BaseModel, Field, ValidationError
from pydantic.fields import FieldInfo

from genart.errors import GenartError
from genart.generative.images import Picture
from genart.generative.start_from import Start
from genart.render.limits import limit_from_env
from genart.render.scene import Scene
from genart.runtime.progress import SILENT, Reporter

MAX_SECONDS = 7 * 24 * 3600.0  # a time budget beyond a week is a slip of the keyboard
WORKERS_VARIABLE = "GENART_MAX_WORKERS"


class MethodError(GenartError, ValueError):
    """An unknown method, or one that cannot fit this picture with these settings; one line."""


def max_workers() -> int:
    """The most worker processes a run may ask for: $GENART_MAX_WORKERS if set, else the machine's cores."""
    return limit_from_env(WORKERS_VARIABLE, os.cpu_count() or 1)


def _within_cores(value: int | None) -> int | None:
    limit = max_workers()
    if value is not None and value > limit:
        raise ValueError(f"at most {limit} (the machine's cores; set {WORKERS_VARIABLE} to allow more), got {value}")
    return value


Workers = Annotated[int | None, Field(ge=1), AfterValidator(_within_cores)]
Seconds = Annotated[float | None, Field(gt=0.0, le=MAX_SECONDS, allow_inf_nan=False)]


class Fit(Protocol):
    """Fit a picture with a method's settings (an instance of its model) and return the scene.

    `reporter` receives the run's counts (`Count`: the command line draws them as a bar) and
    progress events with the current picture (the live preview), as often as it asks. `checkpoint` is the file where methods that
    support it (`Method.checkpoints`) save their progress; `resume` continues from it.
    `scheduler` is the Dask scheduler that methods which spread their work run it on (else
    $GENART_SCHEDULER, else local processes): it is passed beside the settings, never inside
    them, because only the person running genart may choose where work runs (a script or a
    scene never does: the cluster's results come back unpickled). The scene is in picture
    units and its `meta` holds the run's figures, `seconds` included.
    """

    def __call__(self, picture: Picture, settings: Any, checkpoint: Path | None = None,
                 resume: bool = False, reporter: Reporter = SILENT, scheduler: str | None = None) -> Scene: ...


class FitFrom(Protocol):
    """`Fit` on from kept shapes (`genart.generative.start_from.Start`): they stay, and new shapes are fitted on
    top up to the settings' count in all."""

    def __call__(self, picture: Picture, settings: Any, checkpoint: Path | None = None,
                 resume: bool = False, reporter: Reporter = SILENT, scheduler: str | None = None,
                 start: Start | None = None) -> Scene: ...


@dataclass(frozen=True)
class Kernels:
    """A method's compiled (numba) kernels: whether numba's cache holds them, and a small fit that compiles
    them all (the first run on an install does it, about 20 s, so a command can say so and time it)."""

    cached: Callable[[], bool]
    compile: Callable[[], None]


@dataclass(frozen=True)
class Method:
    """A registered method: its name, one-line help, settings model, and fit."""

    name: str
    help: str
    settings: type[BaseModel]  # pydantic v2, extra="forbid", every field with a default and a description
    fit: Fit
    draws_shapes: bool = False  # fits translucent shapes (a `genart evolve --method`)
    checkpoints: bool = False  # saves progress to `checkpoint` and can resume from it
    fits_alpha: bool = False  # fits a picture's own alpha (`Picture.alpha`) for a transparent poster
    kernels: Kernels | None = None  # compiled kernels the first run compiles
    fit_from: FitFrom | None = None  # its fit on from kept shapes (`--start-from`), where it has one


_RANGES = {"greater_than_equal": "at least {ge}", "greater_than": "greater than {gt}",
           "less_than_equal": "at most {le}", "less_than": "less than {lt}"}


def _number(value: Any) -> Any:
    """A float that is a whole number as an int (3600.0 → 3600), for messages; anything else as it is."""
    return int(value) if isinstance(value, float) and value.is_integer() and abs(value) < 1e15 else value


def _interval(field: FieldInfo) -> str | None:
    """'between 8 and 4096' or '(0, 1]' for a field bounded on both sides, else None."""
    low = next((m for m in field.metadata if isinstance(m, (at.Ge, at.Gt))), None)
    high = next((m for m in field.metadata if isinstance(m, (at.Le, at.Lt))), None)
    if low is None or high is None:
        return None
    lo = _number(low.ge if isinstance(low, at.Ge) else low.gt)
    hi = _number(high.le if isinstance(high, at.Le) else high.lt)
    if isinstance(low, at.Ge) and isinstance(high, at.Le):
        return f"between {lo} and {hi}"
    return f"in {'[' if isinstance(low, at.Ge) else '('}{lo}, {hi}{']' if isinstance(high, at.Le) else ')'}"


def settings_error(exc: ValidationError, model: type[BaseModel], label: Callable[[str], str] = str) -> str:
    """The first problem of a settings model's ValidationError as one line; `label` names a field
    (e.g. as its command-line option), followed by the field's title where it has one."""
    error = exc.errors()[0]
    field = str(error["loc"][0]) if error["loc"] else ""
    info = model.model_fields.get(field)
    name = label(field) + (f" ({info.title})" if info is not None and info.title else "")
    ctx = error.get("ctx", {})
    if error["type"] in _RANGES:
        bound = (_interval(info) if info is not None else None) or _RANGES[error["type"]].format(**ctx)
        return f"{name} must be {bound}, got {_number(error['input'])}"
    text = str(ctx["error"]) if error["type"] == "value_error" else error["msg"]
    return f"{name}: {text}" if field else text
