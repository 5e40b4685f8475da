"""Shapes fitted by gradient descent through a soft (differentiable) renderer."""

from genart.generative.gradient.descent import FitResult
from genart.generative.gradient.fit import fit_circles
from genart.generative.gradient.refine import refine

__all__ = ["FitResult", "fit_circles", "refine"]
