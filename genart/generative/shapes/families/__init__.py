"""The search families, one module each; each declares its record `FAMILY` (see `genart.generative.shapes.family`)."""
