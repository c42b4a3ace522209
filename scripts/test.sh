#!/usr/bin/env bash
# Installs everything the test suite needs and runs it, the real-browser test included.
# Usage: bash scripts/test.sh [extra pytest arguments]   (everything: slow and browser tests included;
# the inner loop while editing is `.venv/bin/python -m pytest -m "not slow and not browser"`)
set -euo pipefail
cd "$(dirname "$0")/.."

# 1. Debian's Chromium for the browser test (never a downloaded browser).
if ! command -v chromium >/dev/null 2>&1; then
    echo "== installing Debian's chromium package"
    SUDO=""
    if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

# 2. A virtual environment with the package, its test extra and the peers extra (PyTorch, whose
#    eager and torch.compile loops `gan-viz bench` times beside the trainer; tests/test_bench.py).
PY="${PYTHON:-python3}"
if [ -z "${VIRTUAL_ENV:-}" ]; then
    if [ ! -x .venv/bin/python ]; then
        echo "== creating .venv"
        "$PY" -m venv .venv
    fi
    PY=.venv/bin/python
else
    PY=python
fi
echo "== installing gan_viz[test,peers]"
"$PY" -m pip install -q --disable-pip-version-check -e ".[test,peers]"

# 3. Lint, then every test. pytest exits 5 when it collects nothing, which fails here too.
echo "== ruff"
"$PY" -m ruff check gan_viz tests app.py
echo "== pytest"
exec "$PY" -m pytest "$@"
