#!/usr/bin/env bash
# npm run notebooks: executes every notebook in notebooks/ headlessly with the Deno kernel
# (jupyter nbconvert --execute); fails if any cell fails. The executed copies, outputs included,
# go to reports/out/notebooks/ (or $NOTEBOOKS_OUT); the committed notebooks stay without outputs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
# Registers (again) the Deno kernel of this checkout's node_modules (deno from npm).
npx --no-install deno jupyter --install --force >/dev/null 2>&1 || npx --no-install deno jupyter --install >/dev/null
out="${NOTEBOOKS_OUT:-reports/out/notebooks}"
mkdir -p "$out"
jupyter nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=deno --ExecutePreprocessor.timeout=1200 \
  --output-dir "$out" notebooks/*.ipynb
