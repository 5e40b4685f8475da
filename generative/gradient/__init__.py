"""Shapes fitted by gradient descent through a soft (differentiable) renderer."""

from generative.gradient.descent import FitResult
from generative.gradient.fit import fit_circles
from generative.gradient.refine import refine

__all__ = ["FitResult", "fit_circles", "refine"]
