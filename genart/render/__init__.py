"""Scene files and the four renderers: raster (fitness), cairo (frames, PNG), SVG and PDF."""
