"""Framing a view in an output of another aspect: fit, fill, crop."""

from __future__ import annotations

import pytest

from genart.render.framing import place


def test_fit_letterboxes_and_centres() -> None:
    p = place(200, 100, 400, 400, "fit")
    assert (p.width, p.height, p.scale, p.offset_x, p.offset_y) == (400, 400, 2.0, 0.0, 100.0)


def test_fill_covers_around_the_focus() -> None:
    centred = place(200, 100, 400, 400, "fill")
    assert (centred.scale, centred.offset_x, centred.offset_y) == (4.0, -200.0, 0.0)
    assert place(200, 100, 400, 400, "fill", focus=(0.0, 0.5)).offset_x == 0.0
    assert place(200, 100, 400, 400, "fill", focus=(1.0, 0.5)).offset_x == -400.0


@pytest.mark.parametrize(("asked", "got"), [((1920, 1080), (1080, 1080)), ((500, 1000), (500, 500))])
def test_crop_shrinks_the_output_to_the_picture(asked: tuple[int, int], got: tuple[int, int]) -> None:
    p = place(300, 300, *asked, "crop", even=True)
    assert (p.width, p.height) == got and p.offset_x == p.offset_y == 0.0


def test_unknown_framing_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown framing 'zoom'"):
        place(1, 1, 1, 1, "zoom")  # type: ignore[arg-type]
