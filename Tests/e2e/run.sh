#!/usr/bin/env bash
# Vigil's end-to-end tests against a running Postgres and a built vigil:
#   Tests/e2e/run.sh ADMIN_URL VIGIL_BINARY [PYTEST_ARGS...]
# ADMIN_URL is a superuser URL (each test module creates its own database there), VIGIL_BINARY
# the vigil executable. Needs the virtual environments of scripts/ensure-python.sh.
# Exits with pytest's status.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 ADMIN_URL VIGIL_BINARY [PYTEST_ARGS...]" >&2
  exit 2
fi
admin_url=$1
binary=$2
shift 2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
case "$binary" in
  /*) ;;
  *) binary="$(pwd)/$binary" ;;
esac
[ -x "$binary" ] || { echo "$0: $binary is not an executable vigil" >&2; exit 2; }
for venv in .venv-proto .venv-json; do
  [ -x "$here/$venv/bin/python" ] || { echo "$0: $here/$venv is missing; run scripts/ensure-python.sh" >&2; exit 2; }
done
export VIGIL_E2E_ADMIN_URL="$admin_url"
export VIGIL_E2E_BINARY="$binary"
export PYTHONDONTWRITEBYTECODE=1
cd "$here"
exec "$here/.venv-proto/bin/python" -m pytest -c "$here/pytest.ini" --rootdir "$here" "$@"
