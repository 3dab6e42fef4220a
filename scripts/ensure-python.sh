#!/usr/bin/env bash
# Makes the two virtual environments the end-to-end tests drive the real OpenTelemetry SDK from:
# one with the protobuf exporter, one with the JSON exporter (their helper pins clash).
set -euo pipefail
cd "$(dirname "$0")/../Tests/e2e"
make_env() {
  local dir=$1 requirements=$2
  if [ ! -f "$dir/.installed" ] || ! cmp -s "$requirements" "$dir/.installed"; then
    rm -rf "$dir"
    python3 -m venv "$dir"
    "$dir/bin/pip" install -q --disable-pip-version-check -r "$requirements" pytest
    cp "$requirements" "$dir/.installed"
  fi
}
make_env .venv-proto requirements-proto.txt
make_env .venv-json requirements-json.txt
