#!/usr/bin/env bash
# The Node tools the export tests open genart's exports with, from the npm registry into a cached
# folder: the Khronos glTF Validator (gltf-validator), lottie-web, and puppeteer-core, which drives
# Debian's Chromium (/usr/bin/chromium; no browser is downloaded). Versions are pinned by
# tools/node/package-lock.json. Needs node ≥ 18 and npm (Debian's `nodejs` and `npm`).
# Usage: tools/node-env.sh [FOLDER]   (default .cache/genart-node)
# Prints the folder's node_modules, which the tests take from GENART_NODE_MODULES. A finished
# folder whose lock file matches is reused; a half-built one (no `.complete` marker) is built again.
set -euo pipefail
cd "$(dirname "$0")/.."
folder="${1:-.cache/genart-node}"
if [ ! -f "$folder/.complete" ] || ! cmp -s tools/node/package-lock.json "$folder/package-lock.json"; then
    rm -rf "$folder"
    mkdir -p "$folder"
    cp tools/node/package.json tools/node/package-lock.json "$folder/"
    (cd "$folder" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    node -e 'require(process.argv[1] + "/gltf-validator"); require.resolve(process.argv[1] + "/lottie-web/build/player/lottie.min.js"); require(process.argv[1] + "/puppeteer-core")' "$(cd "$folder" && pwd)/node_modules"
    touch "$folder/.complete"
fi
echo "$(cd "$folder" && pwd)/node_modules"
