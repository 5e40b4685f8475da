"""The figures a fit reports, named the same wherever they are shown: progress bar, summary, scene `meta`.

- **fit RMSE** (`meta.fit_rmse`, and the progress bar's): the optimizer's own measure, with the
  shapes drawn hard at pixel centres on the working-size canvas it fitted.
- **poster RMSE** (`meta.rmse`, and the summary's first figure): the scene's antialiased render,
  as its PNG shows it, at the working size, against the picture at the working size.

Both are RGB RMSE on the 0–255 scale; for a fit with alpha both are taken over the poster
composited over black and over white, against the picture composited over the same. The poster
RMSE is a little different (often lower) than the fit's: antialiasing softens every edge.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # this module is imported where nothing heavy may be (`genart info`'s names)
    from genart.generative.images import Picture
    from genart.render import scene as S

FIT = "fit RMSE"  # the progress bar's name for the fit RMSE
ALPHA_AUTO = "auto"  # meta.alpha of a fit whose alpha is optimized per shape


def poster_rmse(drawing: S.Scene, picture: Picture, resize: int | None) -> float:
    """The poster RMSE of `drawing` against `picture` at the working size `resize` (see the module docstring);
    with alpha when the picture has some and the scene's background is transparent."""
    import numpy as np

    from genart.generative.images import composites, rmse_255, working
    from genart.render.cairo import render_array

    if picture.alpha is not None and drawing.canvas.background[3] < 1.0:
        target = composites(picture, resize)
        h, w = target.shape[:2]
        rgba = render_array(drawing, w, h, alpha=True).astype(np.float64) / 255.0
        color, cover = rgba[..., :3], rgba[..., 3:]
        return rmse_255(np.concatenate([color * cover, color * cover + (1.0 - cover)], axis=2), target)
    target = working(picture, resize).target
    return rmse_255(render_array(drawing, target.shape[1], target.shape[0]), target)


def with_poster_rmse(drawing: S.Scene, picture: Picture, resize: int | None) -> S.Scene:
    """The scene with `meta.rmse`, its poster RMSE."""
    return drawing.model_copy(update={"meta": {**drawing.meta, "rmse": round(poster_rmse(drawing, picture, resize), 4)}})
