"""Rate functions: map linear progress in [0, 1] to eased progress, vectorized over numpy.

Names follow manim (`linear`, `smooth`, `rush_into`, `rush_from`, `there_and_back`, ...)
and Robert Penner's family (`ease_in_quad` ... `ease_in_out_back`, `ease_out_bounce`).
Every function maps 0 → 0 and 1 → 1 (except `there_and_back`, which returns to 0).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Easing = Callable[[np.ndarray], np.ndarray]

_C1 = 1.70158  # Penner's "back" overshoot
_C2 = _C1 * 1.525
_C3 = _C1 + 1.0


def linear(t: np.ndarray) -> np.ndarray:
    return np.asarray(t, dtype=np.float64)


def smooth(t: np.ndarray, inflection: float = 10.0) -> np.ndarray:
    """manim's `smooth`: a sigmoid rescaled to pass exactly through 0 and 1."""
    t = np.asarray(t, dtype=np.float64)
    err = 1.0 / (1.0 + np.exp(inflection / 2.0))
    s = 1.0 / (1.0 + np.exp(-inflection * (t - 0.5)))
    return np.clip((s - err) / (1.0 - 2.0 * err), 0.0, 1.0)


def rush_into(t: np.ndarray) -> np.ndarray:
    return 2.0 * smooth(np.asarray(t, dtype=np.float64) / 2.0)


def rush_from(t: np.ndarray) -> np.ndarray:
    return 2.0 * smooth(np.asarray(t, dtype=np.float64) / 2.0 + 0.5) - 1.0


def there_and_back(t: np.ndarray) -> np.ndarray:
    t = np.asarray(t, dtype=np.float64)
    return smooth(np.where(t < 0.5, 2.0 * t, 2.0 * (1.0 - t)))


def _power(p: int) -> tuple[Easing, Easing, Easing]:
    def ease_in(t: np.ndarray) -> np.ndarray:
        return np.asarray(t, dtype=np.float64) ** p

    def ease_out(t: np.ndarray) -> np.ndarray:
        return 1.0 - (1.0 - np.asarray(t, dtype=np.float64)) ** p

    def ease_in_out(t: np.ndarray) -> np.ndarray:
        t = np.asarray(t, dtype=np.float64)
        return np.where(t < 0.5, 2 ** (p - 1) * t**p, 1.0 - (-2.0 * t + 2.0) ** p / 2.0)

    return ease_in, ease_out, ease_in_out


def ease_in_sine(t: np.ndarray) -> np.ndarray:
    return 1.0 - np.cos(np.asarray(t, dtype=np.float64) * np.pi / 2.0)


def ease_out_sine(t: np.ndarray) -> np.ndarray:
    return np.sin(np.asarray(t, dtype=np.float64) * np.pi / 2.0)


def ease_in_out_sine(t: np.ndarray) -> np.ndarray:
    return -(np.cos(np.pi * np.asarray(t, dtype=np.float64)) - 1.0) / 2.0


def ease_in_expo(t: np.ndarray) -> np.ndarray:
    t = np.asarray(t, dtype=np.float64)
    return np.where(t <= 0.0, 0.0, np.where(t >= 1.0, 1.0, 2.0 ** (10.0 * t - 10.0)))


def ease_out_expo(t: np.ndarray) -> np.ndarray:
    t = np.asarray(t, dtype=np.float64)
    return np.where(t >= 1.0, 1.0, 1.0 - 2.0 ** (-10.0 * t))


def ease_in_out_expo(t: np.ndarray) -> np.ndarray:
    t = np.asarray(t, dtype=np.float64)
    core = np.where(t < 0.5, 2.0 ** (20.0 * t - 10.0) / 2.0, (2.0 - 2.0 ** (-20.0 * t + 10.0)) / 2.0)
    return np.where(t <= 0.0, 0.0, np.where(t >= 1.0, 1.0, core))


def ease_in_back(t: np.ndarray) -> np.ndarray:
    t = np.asarray(t, dtype=np.float64)
    return _C3 * t**3 - _C1 * t**2


def ease_out_back(t: np.ndarray) -> np.ndarray:
    t = np.asarray(t, dtype=np.float64)
    return 1.0 + _C3 * (t - 1.0) ** 3 + _C1 * (t - 1.0) ** 2


def ease_in_out_back(t: np.ndarray) -> np.ndarray:
    t = np.asarray(t, dtype=np.float64)
    return np.where(
        t < 0.5,
        (2.0 * t) ** 2 * ((_C2 + 1.0) * 2.0 * t - _C2) / 2.0,
        ((2.0 * t - 2.0) ** 2 * ((_C2 + 1.0) * (2.0 * t - 2.0) + _C2) + 2.0) / 2.0,
    )


def ease_out_elastic(t: np.ndarray) -> np.ndarray:
    t = np.asarray(t, dtype=np.float64)
    core = 2.0 ** (-10.0 * t) * np.sin((t * 10.0 - 0.75) * (2.0 * np.pi / 3.0)) + 1.0
    return np.where(t <= 0.0, 0.0, np.where(t >= 1.0, 1.0, core))


def ease_out_bounce(t: np.ndarray) -> np.ndarray:
    t = np.asarray(t, dtype=np.float64)
    n1, d1 = 7.5625, 2.75
    return np.select(
        [t < 1 / d1, t < 2 / d1, t < 2.5 / d1],
        [n1 * t**2, n1 * (t - 1.5 / d1) ** 2 + 0.75, n1 * (t - 2.25 / d1) ** 2 + 0.9375],
        n1 * (t - 2.625 / d1) ** 2 + 0.984375,
    )


ease_in_quad, ease_out_quad, ease_in_out_quad = _power(2)
ease_in_cubic, ease_out_cubic, ease_in_out_cubic = _power(3)
ease_in_quart, ease_out_quart, ease_in_out_quart = _power(4)
ease_in_quint, ease_out_quint, ease_in_out_quint = _power(5)

EASINGS: dict[str, Easing] = {
    "linear": linear,
    "smooth": smooth,
    "rush_into": rush_into,
    "rush_from": rush_from,
    "there_and_back": there_and_back,
    "ease_in_quad": ease_in_quad,
    "ease_out_quad": ease_out_quad,
    "ease_in_out_quad": ease_in_out_quad,
    "ease_in_cubic": ease_in_cubic,
    "ease_out_cubic": ease_out_cubic,
    "ease_in_out_cubic": ease_in_out_cubic,
    "ease_in_quart": ease_in_quart,
    "ease_out_quart": ease_out_quart,
    "ease_in_out_quart": ease_in_out_quart,
    "ease_in_quint": ease_in_quint,
    "ease_out_quint": ease_out_quint,
    "ease_in_out_quint": ease_in_out_quint,
    "ease_in_sine": ease_in_sine,
    "ease_out_sine": ease_out_sine,
    "ease_in_out_sine": ease_in_out_sine,
    "ease_in_expo": ease_in_expo,
    "ease_out_expo": ease_out_expo,
    "ease_in_out_expo": ease_in_out_expo,
    "ease_in_back": ease_in_back,
    "ease_out_back": ease_out_back,
    "ease_in_out_back": ease_in_out_back,
    "ease_out_elastic": ease_out_elastic,
    "ease_out_bounce": ease_out_bounce,
}


def get_easing(name: str) -> Easing:
    """The rate function called `name`; an unknown name raises ValueError listing the known ones."""
    try:
        return EASINGS[name]
    except KeyError:
        raise ValueError(f"unknown easing {name!r} (known: {', '.join(EASINGS)})") from None
