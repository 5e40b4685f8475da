"""Pen plots of scenes: stroke-only drawings for AxiDraw and other pen plotters, ordered with vpype.

A scene becomes one vpype document of pen strokes, one layer per pen, on a paper:

- `genart.plot.page`: where the canvas goes on the paper (margin, millimetres);
- `genart.plot.outlines`: each shape as a shapely geometry on the page;
- `genart.plot.regions`: the overlay of the shapes in painter's order, split into faces, each with the colour
  the poster shows there and the topmost shape that covers it;
- `genart.plot.pens`: the pens (given, or chosen from the scene's colours) and which pen, at which hatch
  density, inks a colour;
- `genart.plot.hatch`: parallel lines filling a region;
- `genart.plot.graph`: a graph's edges chained into few long paths (an Euler-path cover);
- `genart.plot.strokes`: the whole scene as strokes per pen, in scene order;
- `genart.plot.document`: the vpype document, its path order optimized, its figures and files;
- `genart.plot.preview`: the plot drawn as ink, for a look before plotting.
"""
