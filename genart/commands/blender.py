"""`genart blender build-extension -o genart.zip` and `genart blender schema`: genart inside Blender.

`build-extension` writes the Blender extension (Blender 4.2 and later; tested with the bpy
5.0.1 wheel): one zip of `blender_manifest.toml`, the add-on's sources
(`genart/blender_extension/`), a copy of the Blender builder genart's own .blend export runs
(`genart/animate/export/blender_builder.py`, taken now, so the extension builds what this
genart exports) and `schema.json` (what `schema` prints: this genart's version, the scene format
and builder data versions it understands, the settings its panel shows). The add-on runs the `genart` command of an environment the user
names (or `genart` on PATH): genart is never installed in Blender's Python.

`schema` prints, as JSON, the settings schema of each of `genart evolve`'s methods and of each
exportable motion (the pydantic settings models' JSON schemas) with the command-line option of
every field the command line takes as a plain value: the add-on's panel and import dialog are
generated from it.
"""

from __future__ import annotations

import argparse
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from genart import __version__
from genart.animate.easing import EASINGS
from genart.animate.export.blend import BUILDER
from genart.animate.export.blend import VERSION as BUILDER_VERSION
from genart.animate.export.formats import EXPORTABLE
from genart.animate.motions import MOTIONS
from genart.errors import UserError
from genart.generative.methods import METHODS
from genart.options import add_quiet_option, flag
from genart.render.atomic import atomic_write_bytes
from genart.render.scene import VERSION as SCENE_VERSION

SOURCES = Path(__file__).resolve().parent.parent / "blender_extension"
MANIFEST = "blender_manifest.toml"
SHIPPED_BUILDER = "genart_builder.py"  # the builder's name inside the extension
VALIDATED_WORDS = {"easing": tuple(EASINGS)}  # str fields whose validator takes these words only
SPELLED = ("alpha", "background", "tiles", "palette")  # evolve's fields written otherwise than their types say


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("blender", help="genart inside Blender: build the Blender extension, publish the fit settings schema",
                       description="Build genart's Blender extension (Blender 4.2+), or print the settings "
                                   "schema its panel is generated from.")
    verbs = p.add_subparsers(dest="verb", metavar="VERB", required=True)
    build = verbs.add_parser("build-extension", help="write the Blender extension (a .zip to install in Blender)")
    build.add_argument("-o", "--output", required=True, metavar="OUT.zip", help="the extension zip to write")
    add_quiet_option(build)
    build.set_defaults(func=run_build)
    schema = verbs.add_parser("schema", help="print the settings schema of the fit methods and motions as JSON")
    add_quiet_option(schema)  # schema writes no file and prints only its answer: -q changes nothing
    schema.set_defaults(func=run_schema)


def extension_version(version: str = __version__) -> str:
    """The manifest's version (Blender wants X.Y.Z): genart's release numbers, without its dev/local part.

    Examples
    --------
    >>> extension_version("0.2.1.dev4+g1234abc")
    '0.2.1'
    >>> extension_version("1.0")
    '1.0.0'
    """
    numbers = []
    for part in version.split("+")[0].split("."):
        if not part.isdigit():
            break
        numbers.append(str(int(part)))
    return ".".join((numbers + ["0", "0", "0"])[:3])


def versions() -> dict[str, Any]:
    """What the extension understands: this genart's version, the scene format and the builder data versions."""
    return {"genart": __version__, "scene": SCENE_VERSION, "builder": BUILDER_VERSION}


def extension_bytes() -> bytes:
    """The extension zip: manifest, add-on sources, the builder and schema.json at its root."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for source in sorted(SOURCES.iterdir()):
            if source.suffix == ".py":
                archive.write(source, source.name)
        manifest = (SOURCES / MANIFEST).read_text().replace("{version}", extension_version())
        archive.writestr(MANIFEST, manifest)
        archive.write(BUILDER, SHIPPED_BUILDER)
        archive.writestr("schema.json", json.dumps(schema(), indent=1) + "\n")
    return buffer.getvalue()


def run_build(args: argparse.Namespace) -> int:
    out = Path(args.output)
    if out.suffix.lower() != ".zip":
        raise UserError(f"{out}: a Blender extension is a .zip")
    atomic_write_bytes(out, extension_bytes())
    print(out if args.quiet else f"{out}: genart extension {extension_version()} for Blender 4.2+ "
                                 "(Preferences > Get Extensions > Install from Disk)")
    return 0


def settings_schema(model: type[BaseModel], skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """A settings model's JSON schema and the command-line option of each field taken as a plain value; a
    field checked by a validator against known words (the easing) gets them as its `enum`."""
    schema = model.model_json_schema()
    for field, words in VALIDATED_WORDS.items():
        if field in schema["properties"]:
            schema["properties"][field]["enum"] = list(words)
    return {"schema": schema, "options": {field: flag(field) for field in model.model_fields if field not in skip}}


def schema() -> dict[str, Any]:
    """The schema document `genart blender schema` prints."""
    return {**versions(),
            "methods": {name: {"help": method.help, **settings_schema(method.settings, SPELLED)}
                        for name, method in METHODS.items() if method.draws_shapes},
            "motions": {name: settings_schema(MOTIONS[name].settings) for name in EXPORTABLE}}


def run_schema(args: argparse.Namespace) -> int:
    print(json.dumps(schema(), indent=1))
    return 0
