#!/usr/bin/env bash
# Build the wheel, install it (not editable) into a fresh venv and run init, demo and doctor
# from it, outside the repository: the installed package must carry everything it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
BUILD_PY="${BUILD_PY:-.venv/bin/python}"
[ -x "$BUILD_PY" ] || BUILD_PY="$PY"
work="$(mktemp -d "${TMPDIR:-/tmp}/wb-wheel.XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo "wheel smoke test in $work"
"$BUILD_PY" -m pip wheel . --no-deps -q -w "$work/dist"
"$PY" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q "$work"/dist/*.whl
cd "$work"  # away from the checkout: nothing may come from the repository
unset QT_QPA_PLATFORM
venv/bin/workbench init p.db
venv/bin/workbench demo d.db
venv/bin/workbench doctor d.db
first="$(venv/bin/workbench doctor 2>err.txt | head -1)"
[[ "$first" == workbench* ]] || { echo "doctor | head -1 printed: $first"; exit 1; }
if grep -q "BrokenPipe\|Traceback" err.txt; then cat err.txt; exit 1; fi
echo "wheel smoke test passed"
