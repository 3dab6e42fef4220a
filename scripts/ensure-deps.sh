#!/usr/bin/env bash
# Installs from Debian what Vigil needs when it is missing. Needs root (or sudo) only then.
#   scripts/ensure-deps.sh        what `vigil serve` needs: the Postgres 15 server and client,
#                                 libpq-dev, libcurl4-openssl-dev, zlib1g-dev, OpenBLAS with
#                                 LAPACKE (the drift maths)
#   scripts/ensure-deps.sh test   that, plus the test tools: prometheus-alertmanager (with amtool,
#                                 for the end-to-end alerting test), chromium (the web view's
#                                 end-to-end test drives it headless), GNU time and openssl (the
#                                 TLS test makes its own certificates)
# Debian's packages would start services of their own (a Postgres cluster on 5432, Alertmanager
# on 9093); Vigil uses neither, so they are installed with service starts refused (policy-rc.d)
# and, under systemd, disabled. A service that was there before is left as it was.
set -euo pipefail
packages=(postgresql postgresql-client libpq-dev libcurl4-openssl-dev zlib1g-dev libopenblas-dev liblapacke-dev)
if [ "${1:-}" = "test" ]; then
  packages+=(time prometheus-alertmanager chromium openssl)
fi
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  policy=/usr/sbin/policy-rc.d
  made_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# written by Vigil'"'"'s scripts/ensure-deps.sh while it installs packages\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod 755 "$policy"
    made_policy=1
  fi
  trap '[ -z "$made_policy" ] || $sudo rm -f "$policy"' EXIT
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  # On a machine run by systemd the packages also enable their units for the next boot.
  if [ -d /run/systemd/system ]; then
    for service in postgresql prometheus-alertmanager; do
      case " ${missing[*]} " in
        *" $service "*) $sudo systemctl disable --now "$service" >/dev/null 2>&1 || true ;;
      esac
    done
  fi
fi
command -v swift >/dev/null || { echo "swift is not on PATH (expected Swift 6.2 or newer)" >&2; exit 1; }
