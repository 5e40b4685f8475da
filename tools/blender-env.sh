#!/usr/bin/env bash
# The Blender environment: a virtual environment of its own holding Blender as a Python
# module (`bpy` 5.0.1, which needs numpy < 2, so it cannot share genart's environment).
# Usage: tools/blender-env.sh [FOLDER]   (default .cache/genart-blender/venv)
# Prints the environment's Python, which `--blender` or GENART_BLENDER accepts. A finished
# environment is reused; a half-built one (no `.complete` marker) is built again.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${1:-.cache/genart-blender/venv}"
python="${PYTHON:-python3.11}"
command -v "$python" >/dev/null || python=python3
if [ ! -f "$venv/.complete" ]; then
    rm -rf "$venv"
    mkdir -p "$(dirname "$venv")"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "bpy==5.0.1" "numpy<2"
    "$venv/bin/python" -c "import bpy" >/dev/null
    touch "$venv/.complete"
fi
echo "$(cd "$venv" && pwd)/bin/python"
