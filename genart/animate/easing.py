"""Rate functions: map linear progress in [0, 1] to eased progress, vectorized over numpy.

Names follow manim (`linear`, `smooth`, `rush_into`, `rush_from`, `there_and_back`, ...)
and Robert Penner's family (`ease_in_quad` ... `ease_in_out_back`, `ease_out_bounce`).
Every function maps 0 → 0 and 1 → 1 (except `there_and_back`, which returns to 0).

Each formula is written once over a small namespace of operations (`m`: numpy by
default), so the same formula also traces into an expression (`expression`): the .blend
export builds it as Blender math nodes, and its Geometry Nodes ease exactly as genart does.
`BREAKS` lists where an easing is not smooth (a bounce, the middle of an in-out), where
exporters that key an easing put a keyframe.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

Easing = Callable[[np.ndarray], np.ndarray]

_C1 = 1.70158  # Penner's "back" overshoot
_C2 = _C1 * 1.525
_C3 = _C1 + 1.0
_N1, _D1 = 7.5625, 2.75  # Penner's bounce


class _Numpy:
    """The operations the formulas use, on numpy arrays."""

    asarray = staticmethod(lambda t: np.asarray(t, dtype=np.float64))
    where = staticmethod(np.where)
    exp, sin, cos = np.exp, np.sin, np.cos

    @staticmethod
    def clip(x: Any, lo: float, hi: float) -> Any:
        return np.clip(x, lo, hi)


NUMPY = _Numpy()


def linear(t: Any, m: Any = NUMPY) -> Any:
    return m.asarray(t)


def smooth(t: Any, m: Any = NUMPY, inflection: float = 10.0) -> Any:
    """manim's `smooth`: a sigmoid rescaled to pass exactly through 0 and 1."""
    t = m.asarray(t)
    err = 1.0 / (1.0 + m.exp(inflection / 2.0))
    s = 1.0 / (1.0 + m.exp(-inflection * (t - 0.5)))
    return m.clip((s - err) / (1.0 - 2.0 * err), 0.0, 1.0)


def rush_into(t: Any, m: Any = NUMPY) -> Any:
    return 2.0 * smooth(m.asarray(t) / 2.0, m)


def rush_from(t: Any, m: Any = NUMPY) -> Any:
    return 2.0 * smooth(m.asarray(t) / 2.0 + 0.5, m) - 1.0


def there_and_back(t: Any, m: Any = NUMPY) -> Any:
    t = m.asarray(t)
    return smooth(m.where(t < 0.5, 2.0 * t, 2.0 * (1.0 - t)), m)


def _power(p: int) -> tuple[Easing, Easing, Easing]:
    def ease_in(t: Any, m: Any = NUMPY) -> Any:
        return m.asarray(t) ** p

    def ease_out(t: Any, m: Any = NUMPY) -> Any:
        return 1.0 - (1.0 - m.asarray(t)) ** p

    def ease_in_out(t: Any, m: Any = NUMPY) -> Any:
        t = m.asarray(t)
        return m.where(t < 0.5, 2 ** (p - 1) * t**p, 1.0 - (-2.0 * t + 2.0) ** p / 2.0)

    return ease_in, ease_out, ease_in_out


def ease_in_sine(t: Any, m: Any = NUMPY) -> Any:
    return 1.0 - m.cos(m.asarray(t) * np.pi / 2.0)


def ease_out_sine(t: Any, m: Any = NUMPY) -> Any:
    return m.sin(m.asarray(t) * np.pi / 2.0)


def ease_in_out_sine(t: Any, m: Any = NUMPY) -> Any:
    return -(m.cos(np.pi * m.asarray(t)) - 1.0) / 2.0


def ease_in_expo(t: Any, m: Any = NUMPY) -> Any:
    t = m.asarray(t)
    return m.where(t <= 0.0, 0.0, m.where(t >= 1.0, 1.0, 2.0 ** (10.0 * t - 10.0)))


def ease_out_expo(t: Any, m: Any = NUMPY) -> Any:
    t = m.asarray(t)
    return m.where(t >= 1.0, 1.0, 1.0 - 2.0 ** (-10.0 * t))


def ease_in_out_expo(t: Any, m: Any = NUMPY) -> Any:
    t = m.asarray(t)
    core = m.where(t < 0.5, 2.0 ** (20.0 * t - 10.0) / 2.0, (2.0 - 2.0 ** (-20.0 * t + 10.0)) / 2.0)
    return m.where(t <= 0.0, 0.0, m.where(t >= 1.0, 1.0, core))


def ease_in_back(t: Any, m: Any = NUMPY) -> Any:
    t = m.asarray(t)
    return _C3 * t**3 - _C1 * t**2


def ease_out_back(t: Any, m: Any = NUMPY) -> Any:
    t = m.asarray(t)
    return 1.0 + _C3 * (t - 1.0) ** 3 + _C1 * (t - 1.0) ** 2


def ease_in_out_back(t: Any, m: Any = NUMPY) -> Any:
    t = m.asarray(t)
    return m.where(
        t < 0.5,
        (2.0 * t) ** 2 * ((_C2 + 1.0) * 2.0 * t - _C2) / 2.0,
        ((2.0 * t - 2.0) ** 2 * ((_C2 + 1.0) * (2.0 * t - 2.0) + _C2) + 2.0) / 2.0,
    )


def ease_out_elastic(t: Any, m: Any = NUMPY) -> Any:
    t = m.asarray(t)
    core = 2.0 ** (-10.0 * t) * m.sin((t * 10.0 - 0.75) * (2.0 * np.pi / 3.0)) + 1.0
    return m.where(t <= 0.0, 0.0, m.where(t >= 1.0, 1.0, core))


def ease_out_bounce(t: Any, m: Any = NUMPY) -> Any:
    t = m.asarray(t)
    last = m.where(t < 2.5 / _D1, _N1 * (t - 2.25 / _D1) ** 2 + 0.9375, _N1 * (t - 2.625 / _D1) ** 2 + 0.984375)
    return m.where(t < 1 / _D1, _N1 * t**2, m.where(t < 2 / _D1, _N1 * (t - 1.5 / _D1) ** 2 + 0.75, last))


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


_IN_OUT = ("ease_in_out_quad", "ease_in_out_cubic", "ease_in_out_quart", "ease_in_out_quint", "ease_in_out_expo",
           "ease_in_out_back", "there_and_back")
BREAKS: dict[str, tuple[float, ...]] = {  # progress at which an easing's slope or curvature jumps
    **{name: (0.5,) for name in _IN_OUT},
    "rush_into": (), "rush_from": (),
    "ease_out_bounce": (1 / _D1, 2 / _D1, 2.5 / _D1),
}


def get_easing(name: str) -> Easing:
    """The rate function called `name`; an unknown name raises ValueError listing the known ones."""
    try:
        return EASINGS[name]
    except KeyError:
        raise ValueError(f"unknown easing {name!r} (known: {', '.join(EASINGS)})") from None


Expression = Any  # "t", a number, or [operation, operand, ...] (JSON data)
OPERATIONS = ("add", "sub", "mul", "div", "pow", "neg", "lt", "le", "gt", "ge", "where", "exp", "sin", "cos", "min",
              "max")


class _Traced:
    """A traced value: arithmetic and comparisons build the expression that computes it."""

    def __init__(self, tree: Expression) -> None:
        self.tree = tree

    @staticmethod
    def of(operation: str, *operands: Any) -> Any:
        trees = [o.tree if isinstance(o, _Traced) else float(o) for o in operands]
        if all(isinstance(t, float) for t in trees):  # constants fold
            return float(_evaluate([operation, *trees], np.zeros(())))
        return _Traced([operation, *trees])

    def __add__(self, o: Any) -> Any: return _Traced.of("add", self, o)
    def __radd__(self, o: Any) -> Any: return _Traced.of("add", o, self)
    def __sub__(self, o: Any) -> Any: return _Traced.of("sub", self, o)
    def __rsub__(self, o: Any) -> Any: return _Traced.of("sub", o, self)
    def __mul__(self, o: Any) -> Any: return _Traced.of("mul", self, o)
    def __rmul__(self, o: Any) -> Any: return _Traced.of("mul", o, self)
    def __truediv__(self, o: Any) -> Any: return _Traced.of("div", self, o)
    def __rtruediv__(self, o: Any) -> Any: return _Traced.of("div", o, self)
    def __pow__(self, o: Any) -> Any: return _Traced.of("pow", self, o)
    def __rpow__(self, o: Any) -> Any: return _Traced.of("pow", o, self)
    def __neg__(self) -> Any: return _Traced.of("neg", self)
    def __lt__(self, o: Any) -> Any: return _Traced.of("lt", self, o)
    def __le__(self, o: Any) -> Any: return _Traced.of("le", self, o)
    def __gt__(self, o: Any) -> Any: return _Traced.of("gt", self, o)
    def __ge__(self, o: Any) -> Any: return _Traced.of("ge", self, o)


class _Tracing:
    """The formulas' operations on traced values."""

    asarray = staticmethod(lambda t: t)

    @staticmethod
    def where(condition: Any, a: Any, b: Any) -> Any:
        return _Traced.of("where", condition, a, b)

    exp = staticmethod(lambda x: _Traced.of("exp", x))
    sin = staticmethod(lambda x: _Traced.of("sin", x))
    cos = staticmethod(lambda x: _Traced.of("cos", x))

    @staticmethod
    def clip(x: Any, lo: float, hi: float) -> Any:
        return _Traced.of("max", _Traced.of("min", x, hi), lo)


def expression(name: str) -> Expression:
    """The easing `name` as an expression of progress "t": nested [operation, operands...] lists of
    `OPERATIONS` (comparisons give 1.0 or 0.0; `where` picks its second operand where the first is 1).

    Examples
    --------
    >>> expression("ease_in_quad")
    ['pow', 't', 2.0]
    """
    formula: Callable[..., Any] = get_easing(name)  # every formula also takes its namespace of operations
    traced = formula(_Traced("t"), _Tracing())
    return traced.tree if isinstance(traced, _Traced) else float(traced)


_NUMPY_OPERATIONS: dict[str, Callable[..., np.ndarray]] = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide, "pow": np.power, "neg": np.negative,
    "lt": np.less, "le": np.less_equal, "gt": np.greater, "ge": np.greater_equal, "exp": np.exp, "sin": np.sin,
    "cos": np.cos, "min": np.minimum, "max": np.maximum,
}


def _evaluate(tree: Expression, t: np.ndarray) -> np.ndarray:
    if isinstance(tree, str):
        return t
    if isinstance(tree, float):
        return np.full(np.shape(t), tree)
    operation, *operands = tree
    values = [_evaluate(o, t) for o in operands]
    if operation == "where":
        return np.where(values[0] > 0.5, values[1], values[2])
    return _NUMPY_OPERATIONS[operation](*values).astype(np.float64)


def evaluate(tree: Expression, t: np.ndarray) -> np.ndarray:
    """An `expression` computed with numpy at progress `t`.

    Examples
    --------
    >>> float(evaluate(expression("ease_out_back"), np.array(0.5)))
    1.0876975
    """
    with np.errstate(all="ignore"):
        return _evaluate(tree, np.asarray(t, np.float64))
