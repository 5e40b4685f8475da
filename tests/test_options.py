"""The command line tells the truth: options generated from the settings models say what the models say,
and the top-level summary of each command is the command's own."""

from __future__ import annotations

import argparse

import pytest
from pydantic import BaseModel

from genart.cli import COMMANDS, build_parser
from genart.commands.animate import MOTION_SETTINGS
from genart.commands.evolve import DRAWING
from genart.commands.export import MOTION_SETTINGS as EXPORTED
from genart.generative.methods.gng import GNGSettings
from genart.generative.methods.mosaic import MosaicSettings


def _subparser(command: str, verb: str | None = None) -> argparse.ArgumentParser:
    top = build_parser(command)
    chosen = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction)).choices[command]
    if verb is None:
        return chosen
    return next(a for a in chosen._actions if isinstance(a, argparse._SubParsersAction)).choices[verb]


MODELS: list[tuple[str, str | None, dict[str, type[BaseModel]]]] = [
    ("evolve", None, DRAWING), ("gng", None, {"gng": GNGSettings}), ("mosaic", "build", {"mosaic": MosaicSettings}),
    ("animate", None, MOTION_SETTINGS), ("export", None, EXPORTED)]


@pytest.mark.parametrize(("command", "verb", "models"), MODELS, ids=[f"{c} {v or ''}".strip() for c, v, _ in MODELS])
def test_each_settings_option_says_what_its_model_says(command: str, verb: str | None,
                                                       models: dict[str, type[BaseModel]]) -> None:
    parser = _subparser(command, verb)
    by_dest = {a.dest: a for a in parser._actions}
    fields = {field: model.model_fields[field] for model in reversed(models.values()) for field in model.model_fields}
    checked = 0
    for field, info in fields.items():
        if field == "collection":  # mosaic build's positional argument
            continue
        action = by_dest.get(field)
        assert action is not None, f"{command}: no option for the setting {field}"
        assert f"--{field.replace('_', '-')}" in action.option_strings
        wordings = {m.model_fields[field].description or "?" for m in models.values() if field in m.model_fields}
        assert all(text in (action.help or "") for text in wordings), (field, action.help, wordings)
        defaults = {str(m.model_fields[field].default) for m in models.values() if field in m.model_fields}
        if not any("default" in text for text in wordings) and defaults != {"None"} and info.annotation is not bool \
                and action.default is argparse.SUPPRESS:
            assert "(default " in (action.help or ""), (field, action.help)
        checked += 1
    assert checked >= 5


@pytest.mark.parametrize("command", list(COMMANDS))
def test_the_top_level_summary_is_the_commands_own(command: str) -> None:
    top = build_parser(command)
    sub = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    help_of = {choice.dest: choice.help for choice in sub._choices_actions}
    assert help_of[command] == COMMANDS[command]


@pytest.mark.parametrize(("text", "expected"), [("auto", 0.0), ("0.5", 0.5)])
def test_alpha_and_background_read_as_their_help_says(text: str, expected: float) -> None:
    """`--alpha auto` and `--background #rrggbb` (the help's words) in scripts and the API too."""
    from genart.generative.methods.hillclimb import HillclimbSettings

    assert HillclimbSettings(alpha=text).alpha == expected
    assert HillclimbSettings(background="#ff8000").background == (1.0, 128 / 255, 0.0)
    assert HillclimbSettings(background="auto").background is None
